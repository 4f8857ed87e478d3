"""The read side from the command line: projections status and rebuild, verify, checkpoint export."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from services.cli import main
from services.commands.demo import seed_demo
from services.compose import build_application
from tests.support import quick_accounts

REPORTS = Path(__file__).resolve().parents[2] / "reports"


@pytest.fixture
def platform(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")  # external: the CLI starts no servers
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    app = build_application(database_url)
    seed_demo(app, REPORTS, quick_accounts(app))
    app.close()
    return database_url


def test_status_rebuild_verify_and_export(
    platform: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["projections", "status"]) == 0
    out = capsys.readouterr().out
    assert "scorecards" in out and "落后事件" in out
    relay_row = next(line.split() for line in out.splitlines() if line.startswith("relay"))
    assert (
        int(relay_row[2]) == 0 and int(relay_row[4]) == int(relay_row[3]) > 0
    )  # nothing relayed yet: all lag
    assert main(["projections", "run", "--once"]) == 0
    assert main(["projections", "rebuild", "scorecards"]) == 0
    err = capsys.readouterr().err
    assert "事件/秒" in err and "已重建" in err
    assert main(["verify"]) == 0
    assert "完整性校验通过" in capsys.readouterr().out
    assert main(["checkpoints", "export", str(tmp_path / "cp.json")]) == 0
    assert main(["verify", "--checkpoint", str(tmp_path / "cp.json")]) == 0
    assert "签名检查点一致" in capsys.readouterr().out
    with psycopg.connect(platform, autocommit=True) as conn:
        row = conn.execute(
            "SELECT max(notification_id) FROM jixiao_events "
            "WHERE convert_from(state, 'UTF8')::jsonb #>> '{meta,tenant}' = '360100'"
        ).fetchone()
        assert row is not None
        conn.execute("SET session_replication_role = replica")
        conn.execute("DELETE FROM jixiao_events WHERE notification_id = %s", (row[0],))
    assert main(["verify", "--tenant", "652829"]) == 0  # another bureau's chain is intact
    capsys.readouterr()
    assert main(["verify", "--tenant", "360100"]) == 1
    out = capsys.readouterr().out
    assert f"位置 {row[0]}（单位 360100）：事件被删除" in out


def test_unknown_projection_is_a_clear_error(platform: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["projections", "rebuild", "nope"]) == 2
    assert "未知的投影" in capsys.readouterr().err


def test_commands_beside_a_running_platform_join_its_nats(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`jixiao projections status` while `jixiao up` owns the embedded nats-server of the data
    directory: it joins that server instead of failing; a clash the CLI cannot resolve is a
    one-line Chinese error, not a traceback."""
    import socket

    from services.runtime.nats import start_nats

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tmp_path / "data"
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.delenv("NATS_URL", raising=False)
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(data))
    monkeypatch.setenv("JIXIAO_NATS_PORT", str(port))
    build_application(database_url).close()
    owner = start_nats(data, port)  # what `jixiao up` runs
    try:
        assert main(["projections", "status"]) == 0
        assert "scorecards" in capsys.readouterr().out
        assert main(["relay", "run"]) == 2  # a second relay process of its own: refused, clearly
        err = capsys.readouterr().err
        assert err.startswith("错误：") and "已被另一个 jixiao 进程使用" in err and "Traceback" not in err
    finally:
        owner.stop()
