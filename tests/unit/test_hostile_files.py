"""Hostile evaluation files and command-line arguments: one Chinese line each, never a traceback,
never minutes of work (issue 15, finding 5 and 6)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from services.cli import main
from services.files.loader import MAX_BYTES

ROOT = Path(__file__).resolve().parents[2]
GOOD = (ROOT / "reports" / "000-nanchang-2022.yaml").read_text(encoding="utf-8")

BOMB = """a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""

HOSTILE = {
    "alias-bomb.yaml": BOMB.encode(),
    "binary.yaml": bytes(range(256)) * 4,
    "nul.yaml": GOOD.encode().replace(b"project:", b"\x00project:", 1),
    "latin1.yaml": "project: {code: é}".encode("latin-1"),
    "nan.yaml": GOOD.replace("stated_total: 99.74", "stated_total: .nan").encode(),
    "inf.yaml": GOOD.replace("stated_total: 99.74", "stated_total: .inf").encode(),
    "huge.yaml": GOOD.replace("stated_total: 99.74", "stated_total: 1e400").encode(),
    "forty-digits.yaml": GOOD.replace("stated_total: 99.74", "stated_total: " + "9" * 40).encode(),
    "full-width.yaml": GOOD.replace("stated_total: 99.74", "stated_total: '９９'").encode(),
    "deep.yaml": ("x: " + "[" * 5000 + "]" * 5000).encode(),
    "deep-map.yaml": ("".join(f"{'  ' * n}k{n}:\n" for n in range(200)) + "  " * 200 + "v: 1\n").encode(),
    "not-an-object.yaml": b"- 1\n- 2\n",
    "syntax.yaml": b"project: {code: [unclosed\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_gets_one_chinese_line(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    started = time.monotonic()
    code = main(["score", str(path)])
    elapsed = time.monotonic() - started
    out = capsys.readouterr()
    assert code == 2 and elapsed < 5, (code, elapsed)
    lines = [line for line in out.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("错误："), out.err
    assert "Traceback" not in out.err + out.out


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as f:
        f.write(GOOD.encode())
        f.write(b"# " + b"x" * (MAX_BYTES + 10) + b"\n")
    started = time.monotonic()
    assert main(["score", str(path)]) == 2
    assert time.monotonic() - started < 1
    assert "超过评价文件的上限" in capsys.readouterr().err


def _file_with(indicators: int) -> str:
    rows = "\n".join(
        f"      - {{name: 指标{n}, weight: 0.1, rule: {{kind: ratio}}, target: '≥{n + 1}件', actual: '{n}件'}}"
        for n in range(indicators)
    )
    return (
        'format: "jixiao/evaluation@1"\n'
        "project: {code: LIN, name: 线性, year: 2022}\n"
        "evaluation: {kind: self, evaluator: {name: 自评}}\n"
        f"indicators:\n  - name: 产出\n    weight: {indicators / 10}\n    children:\n{rows}\n"
    )


def test_scoring_time_grows_linearly_with_the_file(tmp_path: Path) -> None:
    timings = []
    for size in (200, 800):
        path = tmp_path / f"n{size}.yaml"
        path.write_text(_file_with(size), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "services.cli", "score", str(path)],
            cwd=ROOT,
            check=False,
            capture_output=True,
            timeout=120,
        )
        timings.append(time.perf_counter() - started)
    assert timings[1] / timings[0] < 8, timings  # 4× the rows: linear ≈ 4×, quadratic ≈ 16×


@pytest.mark.parametrize(
    "args",
    [
        ["--tenant", "341182,360100", "--user", "u", "--roles", "auditor"],
        ["--tenant", "３４１１８２", "--user", "u", "--roles", "auditor"],
        ["--tenant", "341182", "--user", "u", "--roles", "auditor", "--evaluations", " , "],
        ["--tenant", "341182", "--user", "u", "--roles", "auditor", "--evaluations", "not-a-uuid"],
        ["--tenant", "341182", "--user", "../x", "--roles", "auditor"],
        ["--tenant", "341182", "--user", "u", "--roles", "root"],
    ],
)
def test_token_issue_refuses_what_would_widen_or_blur_a_token(
    args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path))
    assert main(["token", "issue", *args]) == 2
    assert capsys.readouterr().err.startswith("错误：")
