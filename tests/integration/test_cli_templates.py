"""``jixiao template``: an operator publishes a city's template from a file on top of the
platform's, revises it only with a reason, and lists what a county may use."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.cli import main
from services.commands.demo import seed_demo
from services.compose import build_application
from tests.support import quick_accounts

REPORTS = Path(__file__).resolve().parents[2] / "reports"
TEMPLATE = """\
name: 滁州市补充指标
description: 市级共性指标
indicators:
  - name: 产出指标
    weight: 100
    children:
      - name: 参保人数
        weight: 100
        rule: {kind: manual}
"""


@pytest.fixture
def platform(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    app = build_application(database_url)
    seed_demo(app, REPORTS, quick_accounts(app))
    app.close()
    return database_url


def test_publish_revise_and_list(platform: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "city.yaml"
    path.write_text(TEMPLATE, encoding="utf-8")
    assert main(["template", "publish", str(path), "--tenant", "341100", "--year", "2024"]) == 0
    assert "第 1 版" in capsys.readouterr().out
    assert main(["template", "publish", str(path), "--tenant", "341100"]) == 2
    assert "--reason" in capsys.readouterr().err
    assert main(["template", "publish", str(path), "--tenant", "341100", "--reason", "口径调整"]) == 0
    assert "相同，未产生新版本" in capsys.readouterr().out
    path.write_text(TEMPLATE.replace("参保人数", "参保人数（含灵活就业）"), encoding="utf-8")
    assert main(["template", "publish", str(path), "--tenant", "341100", "--reason", "口径调整"]) == 0
    assert "第 2 版" in capsys.readouterr().out
    assert main(["template", "publish", str(path), "--tenant", "341100", "--based-on", "nonsense"]) == 2
    assert main(["projections", "run", "--once"]) == 0
    capsys.readouterr()
    assert main(["template", "list", "--tenant", "341182", "--year", "2024"]) == 0
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert ["341100", "滁州市补充指标", "第 2 版", "2024 年", "2 个指标"] in rows
    assert any(r[0] == "000000" for r in rows)
    assert main(["template", "list", "--tenant", "341182", "--year", "2023"]) == 0
    assert "滁州市补充指标" not in capsys.readouterr().out
