#!/usr/bin/env python3
"""Bootstrap: ``python3 dev.py up`` starts the platform, ``python3 dev.py test`` runs every check.
``python3 dev.py bench`` runs the benchmarks but the long two: ``python3 dev.py scale`` (10 million
events) and ``python3 dev.py soak`` (the API's memory for 30 minutes).
``python3 dev.py cluster [suite|up|pitr|failover|status|down]``: the local multi-host cluster and its
failover suite, as root (``deploy/local_cluster/README.md``).

Needs only Python ≥ 3.11. Creates ``.venv`` and installs the project into it (again only
when pyproject.toml changed), then runs the command inside it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".jixiao-installed"
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package: the browser tests drive it (no download at run time)
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")  # without it screenshots show boxes for 中文


def run(*args: str | Path) -> int:
    """Run a command and wait for it. Ctrl-C in a terminal reaches the command too (one process
    group): we keep waiting while it stops cleanly. (subprocess.call would SIGKILL it on the
    KeyboardInterrupt, and `jixiao up` would leave its PostgreSQL and NATS running.)"""
    child = subprocess.Popen([str(a) for a in args], cwd=ROOT)
    while True:
        try:
            return child.wait()
        except KeyboardInterrupt:
            continue


def ensure_installed() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"jixiao 需要 Python ≥ 3.11，当前为 {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("创建虚拟环境 .venv …", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != want:
        print("安装依赖（首次需要几分钟）…", flush=True)
        subprocess.check_call([BIN / "python", "-m", "pip", "install", "-q", "--upgrade", "pip"], cwd=ROOT)
        subprocess.check_call([BIN / "python", "-m", "pip", "install", "-q", "-e", ".[test]"], cwd=ROOT)
        STAMP.write_text(want)
    # Apache ECharts for the dashboard, pinned and hash-checked, from the npm registry
    # (services/web/vendoring.py; does nothing when present). Without it the platform still runs and the
    # dashboard says that its charts are missing, so a failed download is reported, not fatal.
    run(BIN / "python", "-m", "services.web.vendoring")


def ensure_chromium() -> None:
    """The web UI is tested in a real headless browser: install Debian's chromium (and a Chinese
    font, so that the screenshots kept as test artifacts are legible) when missing.

    Browser tests must never skip silently, so when chromium cannot be installed the test command fails.
    """
    if CHROMIUM.exists() and CJK_FONT.exists():
        return
    if os.name == "nt" or not hasattr(os, "geteuid") or os.geteuid() != 0:
        if CHROMIUM.exists():
            return  # the font only makes screenshots legible
        sys.exit(
            f"浏览器测试需要 {CHROMIUM}：请以 root 运行一次 python3 dev.py test，或执行 apt-get install -y chromium"
        )
    print("安装 chromium 与中文字体（浏览器测试用）…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium", "fonts-wqy-zenhei"]
    if subprocess.call(install, stdout=subprocess.DEVNULL, env=env) != 0:  # package lists may be stale
        subprocess.call(["apt-get", "update", "-qq"], stdout=subprocess.DEVNULL, env=env)
        subprocess.call(install, stdout=subprocess.DEVNULL, env=env)
    if not CHROMIUM.exists():
        sys.exit("无法安装 chromium（apt-get install chromium 失败），浏览器测试不能运行：请安装后重试")


def test(extra: list[str]) -> int:
    ensure_chromium()
    for step in (
        [BIN / "ruff", "check", "."],
        [BIN / "ruff", "format", "--check", "."],
        [BIN / "mypy"],
        [BIN / "lint-imports"],  # the layering contracts in pyproject.toml
    ):
        code = run(*step)
        if code:
            print(f"检查未通过：{' '.join(str(s) for s in step)}", file=sys.stderr)
            return code
    code = run(BIN / "python", "-m", "pytest", "-m", "not benchmark", *extra)
    if code == 5:
        print("pytest 没有收集到任何测试：视为失败", file=sys.stderr)
    return code


def main() -> int:
    command, *rest = sys.argv[1:] or ["help"]
    if command not in ("up", "test", "bench", "scale", "soak", "cluster"):
        print(__doc__)
        return 2
    ensure_installed()
    if command == "up":
        return run(BIN / "jixiao", "up", *rest)
    if command == "cluster":  # deploy/local_cluster/README.md: root, about 10 minutes, not part of `test`
        return run(BIN / "python", "-m", "deploy.local_cluster", *(rest or ["suite"]))
    if command == "bench":
        only = "benchmark and not scale and not soak"  # the long ones have commands of their own
        return run(BIN / "python", "-m", "pytest", "-m", only, "tests/benchmarks", "-s", "-q", *rest)
    if command in ("scale", "soak"):  # docs/read-side.md: JIXIAO_SCALE_EVENTS, JIXIAO_SOAK_SECONDS
        return run(BIN / "python", "-m", "pytest", "-m", command, "tests/benchmarks", "-s", "-q", *rest)
    return test(rest)


if __name__ == "__main__":
    sys.exit(main())
