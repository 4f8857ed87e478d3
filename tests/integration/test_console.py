"""``jixiao up``'s console, as an operator sees it: after 已就绪 the demo accounts and the addresses
are the last lines (no request is logged unless asked), and 「jixiao 已停止。」 is the very last
line on stop; asked for, access lines come as one JSON object per line."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.commands.up import DEMO_ACCOUNTS
from tests.conftest import REPO, free_port


@pytest.fixture
def data_dir() -> Iterator[Path]:
    """A data directory outside pytest's own: another pytest run starting meanwhile resets that
    folder's permissions to 0700, and the embedded PostgreSQL (its own OS user) then fails to
    write its control file on the way out, which the console rightly reports."""
    found = Path(tempfile.mkdtemp(prefix="jixiao-console-"))
    yield found
    shutil.rmtree(found, ignore_errors=True)


def _up(tmp_path: Path, *args: str, **env: str) -> tuple[list[str], str]:
    """Run ``jixiao up`` until it is ready, send it a few requests, stop it with SIGTERM; its
    output (standard output and error together) before the requests and all of it."""
    port = free_port()
    environ = {
        **os.environ,
        "JIXIAO_DATA_DIR": str(tmp_path),
        "JIXIAO_NATS_PORT": str(free_port()),
        "JIXIAO_PORT": str(port),
        **env,
    }
    for name in ("DATABASE_URL", "NATS_URL", "JIXIAO_ACCESS_LOG", "JIXIAO_LOG_FORMAT"):
        if name not in env:
            environ.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up", *args],
        cwd=REPO,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if "Ctrl-C" in line:
            break
    assert any("Ctrl-C" in line for line in lines), lines
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
        for path in ("/healthz", "/ui/", "/ui/app.css", "/api/docs"):
            http.get(path)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    return lines, "\n".join(lines) + "\n" + rest


def test_the_accounts_are_the_last_lines_and_stopped_is_the_very_last(data_dir: Path) -> None:
    ready, everything = _up(data_dir)
    after = ready[next(n for n, line in enumerate(ready) if line.startswith("jixiao 已就绪")) :]
    assert any("演示账户" in line for line in after)
    for _, user, _ in DEMO_ACCOUNTS:
        assert any(user in line for line in after), user
    assert after[-3].startswith("  网页界面：") and after[-2].startswith("  API 文档：")
    assert after[-1] == "按 Ctrl-C 停止。"
    lines = [line for line in everything.splitlines() if line.strip()]
    assert lines[-1] == "jixiao 已停止。"
    assert lines[-2] == "按 Ctrl-C 停止。"  # not one request logged, nothing of PostgreSQL's stop
    assert not any("/healthz" in line or "pgserver" in line or "INFO" in line for line in lines)
    assert any("信息公开" in line and "/public/341182" in line for line in lines)  # the demo publishes


def test_access_lines_as_json_when_asked(data_dir: Path) -> None:
    _, everything = _up(data_dir, "--no-demo", JIXIAO_ACCESS_LOG="1", JIXIAO_LOG_FORMAT="json")
    lines = [line for line in everything.splitlines() if line.strip()]
    assert lines[-1] == "jixiao 已停止。"
    records = [json.loads(line) for line in lines if line.startswith("{")]
    access = [r for r in records if r["logger"] == "jixiao.api.access"]
    assert {r["path"] for r in access} >= {"/healthz", "/ui/app.css", "/api/docs"}
    health = next(r for r in access if r["path"] == "/healthz")
    assert (health["method"], health["status"], health["level"]) == ("GET", 200, "INFO")
    assert health["correlation_id"] and health["time"] and isinstance(health["ms"], float)
    assert not any("pgserver" in line for line in lines)
