"""Snapshots are a cache of folds: time travel through them equals folding from version 1, and
a snapshot that disagrees with its events is named by the check `jixiao verify` runs."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import Manual
from domain.tenants import TenantLevel
from projections.scorecards.rows import scorecard_of
from projections.timetravel import evaluation_as_of
from services.app.commands.inputs import NoteDeviation, RecordEntry
from services.compose import build_application
from services.eventlog import snapshots
from tests.support import deduct, evaluation, project, register, staff

CALLER = staff("360100", "u1", cid="c1")


def test_time_travel_through_snapshots_equals_a_full_fold(database_url: str) -> None:
    import datetime

    app = build_application(database_url)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    p = project(app, CALLER, "S1", "快照", 2022)
    for i in range(snapshots.EVERY + 30):  # the ledger crosses a snapshot too
        app.record_entry(
            CALLER,
            p.id,
            RecordEntry(
                EntryKind.EXPENDITURE,
                FundingSource.CURRENT,
                Decimal("1.50"),
                datetime.date(2022, 3, 1),
                purpose=f"支出{i}",
            ),
        )
    ev = evaluation(app, CALLER, p.id, "自评")
    app.define_indicator(CALLER, ev.id, IndicatorSpec("1", "规范", Decimal(10), rule=Manual()))
    for i in range(2 * snapshots.EVERY + 40):
        if i % 3 == 0:
            deduct(app, CALLER, ev.id, f"D{i}", "1", "0.01", f"原因{i}")
        else:
            app.note_deviation(CALLER, ev.id, "1", NoteDeviation(f"说明{i}"))
    with psycopg.connect(database_url) as conn:
        taken = {(oid, v) for oid, v, _, _ in snapshots.stored(conn)}
    assert (ev.id, 200) in {(o, v // 100 * 100) for o, v in taken}  # snapshots exist at the crossings
    assert any(o == p.id for o, _ in taken)
    last = app.evaluation(ev.id).version
    for version in (1, 2, 99, 100, 101, 150, 199, 200, 201, last):
        via_snapshot = app.log.load(ev.id, version=version)
        full = app.log.load(ev.id, version=version, use_snapshots=False)
        assert via_snapshot.version == full.version == version
        assert snapshots.encode(via_snapshot) == snapshots.encode(full)
        at = full.modified_on
        assert evaluation_as_of(app.log, ev.id, at=at) == scorecard_of(full)
    assert snapshots.encode(app.log.load(p.id)) == snapshots.encode(app.log.load(p.id, use_snapshots=False))
    assert app.log.stale_snapshots() == []
    app.close()


def test_a_tampered_snapshot_is_named_and_never_trusted_by_verify(database_url: str) -> None:
    app = build_application(database_url)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    p = project(app, CALLER, "S2", "快照", 2022)
    ev = evaluation(app, CALLER, p.id, "自评")
    app.define_indicator(CALLER, ev.id, IndicatorSpec("1", "规范", Decimal(10), rule=Manual()))
    for i in range(snapshots.EVERY):
        app.note_deviation(CALLER, ev.id, "1", NoteDeviation(f"说明{i}"))
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "UPDATE jixiao_snapshots SET state = replace(convert_from(state, 'UTF8'), '说明', '改写')::bytea "
            "RETURNING originator_id, originator_version"
        ).fetchone()
    assert row is not None
    assert app.log.stale_snapshots() == [(row[0], row[1])]
    assert app.log.stale_snapshots(tenant="652829") == []
    app.close()
