"""Tamper evidence: verify names each kind of tampering, and passes on an untouched store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from domain.tenants import Role, TenantLevel
from projections.core.runner import Projector
from projections.integrity.checkpoints import CheckpointError, export, load_or_create_key, read_verified
from projections.integrity.verify import Report, verify
from projections.registry import projection
from services.app.commands.inputs import RegisterTenant
from services.commands.demo import seed_demo
from services.compose import build_application
from tests.support import quick_accounts, staff

REPORTS = Path(__file__).resolve().parents[2] / "reports"
ADMIN = staff("341100", "admin", Role.ADMIN, cid="integrity-test")


@pytest.fixture
def store(database_url: str) -> Iterator[str]:
    app = build_application(database_url)
    seed_demo(app, REPORTS, quick_accounts(app))
    app.close()
    with Projector(database_url, projection("integrity")) as p:
        p.ensure()
        p.catch_up()
    yield database_url


def as_superuser(url: str, *statements: str) -> list[int]:
    """What an intruder with the database's superuser could do: bypass the immutability trigger."""
    counts = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        for s in statements:
            counts.append(conn.execute(s).rowcount)
    return counts


def check(url: str, checkpoints: list = ()) -> Report:  # type: ignore[type-arg,assignment]
    with psycopg.connect(url) as conn:
        return verify(conn, None, checkpoints)


def an_event(url: str, tenant: str = "341182", nth: int = 10) -> int:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT notification_id FROM jixiao_events WHERE convert_from(state, 'UTF8')::jsonb #>> '{meta,tenant}' = %s "
            "ORDER BY notification_id",
            (tenant,),
        ).fetchall()
    return int(rows[nth][0])


def test_untouched_store_passes(store: str) -> None:
    report = check(store)
    assert report.ok and report.events == report.chained > 500


def test_the_application_cannot_update_or_delete_events(store: str) -> None:
    with psycopg.connect(store) as conn:
        for statement in (
            "UPDATE jixiao_events SET topic = topic",
            "DELETE FROM jixiao_events",
            "TRUNCATE jixiao_events",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="不可修改或删除"):
                conn.execute(statement)
            conn.rollback()
    assert check(store).ok


def test_edited_payload(store: str) -> None:
    p = an_event(store)
    as_superuser(
        store,
        f"UPDATE jixiao_events SET state = replace(convert_from(state, 'UTF8'), '\"', '\"')::bytea || ' '::bytea WHERE notification_id = {p}",
    )
    first = check(store).findings[0]
    assert (first.kind, first.position, first.tenant) == ("altered", p, "341182")
    assert "事件内容被修改" in str(first)


def test_deleted_event(store: str) -> None:
    p = an_event(store)
    as_superuser(store, f"DELETE FROM jixiao_events WHERE notification_id = {p}")
    first = check(store).findings[0]
    assert (first.kind, first.position) == ("deleted", p)


def test_inserted_event(store: str) -> None:
    app = build_application(store)
    with psycopg.connect(store, autocommit=True) as conn:  # a rolled-back write leaves a gap in the order
        row = conn.execute(
            "SELECT nextval(pg_get_serial_sequence('jixiao_events', 'notification_id'))"
        ).fetchone()
    assert row is not None
    gap = int(row[0])
    app.register_tenant(  # history goes on
        ADMIN, RegisterTenant("341181", "天长市医疗保障局", TenantLevel.COUNTY, "341100")
    )
    app.close()
    with Projector(store, projection("integrity")) as p:
        p.catch_up()
    source = an_event(store)
    as_superuser(  # a forged event slipped into the gap, inside the chained range
        store,
        f"INSERT INTO jixiao_events (originator_id, originator_version, topic, state, notification_id) "
        f"SELECT originator_id, originator_version + 1000, topic, state, {gap} FROM jixiao_events "
        f"WHERE notification_id = {source}",
    )
    first = check(store).findings[0]
    assert (first.kind, first.position) == ("inserted", gap)


def test_swapped_events(store: str) -> None:
    a, b = an_event(store, nth=10), an_event(store, nth=11)
    as_superuser(
        store,
        f"UPDATE jixiao_events SET notification_id = -1 WHERE notification_id = {a}",
        f"UPDATE jixiao_events SET notification_id = {a} WHERE notification_id = {b}",
        f"UPDATE jixiao_events SET notification_id = {b} WHERE notification_id = -1",
    )
    first = check(store).findings[0]
    assert (first.kind, first.position) == ("reordered", a)
    assert str(b) in first.detail


def test_rewritten_chain_is_caught_without_and_with_a_checkpoint(store: str, tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "key.pem")
    with psycopg.connect(store) as conn:
        export(conn, key, tmp_path / "checkpoints.json")
    checkpoints = read_verified(tmp_path / "checkpoints.json", key.public_key())
    assert {c.tenant for c in checkpoints} >= {"360100", "341182", "652829"}
    with psycopg.connect(store) as conn:
        row = conn.execute(
            "SELECT notification_id FROM jixiao_events WHERE convert_from(state, 'UTF8') LIKE '%%医疗保险业务%%' "
            "ORDER BY notification_id LIMIT 1"
        ).fetchone()
    assert row is not None
    p = int(row[0])
    # rewrite an event, then the chain table only: the chain no longer follows from its own hashes
    as_superuser(store, f"UPDATE rm_integrity.chain SET chain_hash = sha256(chain_hash) WHERE position = {p}")
    assert check(store).findings[0].kind == "chain_rewritten"
    # a careful intruder rewrites the event and recomputes every hash: only the exported checkpoint sees it
    changed = as_superuser(
        store,
        f"UPDATE jixiao_events SET state = convert_to(replace(convert_from(state, 'UTF8'), '医疗保险', '医疗报销'), 'UTF8') "
        f"WHERE notification_id = {p}",
        "DROP SCHEMA rm_integrity CASCADE",
    )
    assert changed[0] == 1
    with Projector(store, projection("integrity")) as proj:
        proj.ensure()
        proj.catch_up()  # the chain recomputed over the forged history
    assert check(store).ok  # the database alone cannot tell
    findings = check(store, checkpoints).findings
    assert [(f.kind, f.tenant) for f in findings] == [("checkpoint_mismatch", "360100")]


def test_a_forged_checkpoint_file_is_refused(tmp_path: Path, store: str) -> None:
    key = load_or_create_key(tmp_path / "key.pem")
    with psycopg.connect(store) as conn:
        export(conn, key, tmp_path / "cp.json")
    text = (tmp_path / "cp.json").read_text()
    (tmp_path / "cp.json").write_text(text.replace('"count":', '"count":1', 1))
    with pytest.raises(CheckpointError):
        read_verified(tmp_path / "cp.json", key.public_key())
