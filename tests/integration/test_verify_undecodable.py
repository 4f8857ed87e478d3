"""``jixiao verify`` on a row that cannot be decoded (rewritten by someone who bypassed the
append-only trigger with the superuser's replication role): it names the row's position and
says it is altered, instead of a traceback. (Issue 20, part 7.)"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from services.cli import main
from services.commands.demo import seed_demo
from services.compose import build_application, install
from services.runtime.settings import Settings
from tests.conftest import REPORTS
from tests.support import quick_accounts


def test_an_undecodable_row_is_named(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    install(database_url, Settings.from_env())
    app = build_application(database_url)
    seed_demo(app, REPORTS, quick_accounts(app))
    app.close()
    assert main(["verify"]) == 0
    capsys.readouterr()
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute("SELECT max(notification_id) FROM jixiao_events").fetchone()
        assert row is not None
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "UPDATE jixiao_events SET state = '{not json'::bytea WHERE notification_id = %s", (row[0],)
        )
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert f"位置 {row[0]}" in out and "被修改" in out  # altered after it was chained
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            "INSERT INTO jixiao_events (originator_id, originator_version, topic, state) "
            "SELECT originator_id, originator_version + 1000, topic, '{not json'::bytea FROM jixiao_events "
            "WHERE notification_id = %s",
            (row[0] - 1,),
        )
        appended = conn.execute("SELECT max(notification_id) FROM jixiao_events").fetchone()
    assert appended is not None
    assert main(["verify"]) == 1  # appended behind the chain's back, and not even an event
    out = capsys.readouterr().out
    assert f"位置 {appended[0]}" in out and "无法解码" in out
