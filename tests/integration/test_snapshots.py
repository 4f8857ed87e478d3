"""Snapshots are a cache of folds: time travel through them equals folding from version 1, and
a snapshot that disagrees with its events is named by the check `jixiao verify` runs."""

from __future__ import annotations

from decimal import Decimal

import psycopg

from domain.context import Actor
from domain.evaluation import EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import Manual
from domain.tenants import TenantLevel
from projections.scorecards.rows import scorecard_of
from projections.timetravel import evaluation_as_of
from services.app import snapshots
from services.app.application import build_application

ACTOR = Actor("u1", "evaluator", "360100", "c1")


def test_time_travel_through_snapshots_equals_a_full_fold(database_url: str) -> None:
    import datetime

    app = build_application(database_url)
    app.register_tenant(ACTOR, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    project = app.register_project(ACTOR, "360100", "S1", "快照", 2022)
    for i in range(snapshots.EVERY + 30):  # the ledger crosses a snapshot too
        app.record_entry(
            ACTOR,
            project.id,
            EntryKind.EXPENDITURE,
            FundingSource.CURRENT,
            Decimal("1.50"),
            datetime.date(2022, 3, 1),
            purpose=f"支出{i}",
        )
    ev = app.start_evaluation(ACTOR, project.id, EvaluationKind.SELF, Evaluator("自评"))
    app.define_indicator(ACTOR, ev.id, IndicatorSpec("1", "规范", Decimal(10), rule=Manual()))
    for i in range(2 * snapshots.EVERY + 40):
        if i % 3 == 0:
            app.apply_deduction(ACTOR, ev.id, f"D{i}", "1", Decimal("0.01"), f"原因{i}")
        else:
            app.on_evaluation(ACTOR, ev.id, lambda e, i=i: e.note_deviation("1", f"说明{i}"))
    with psycopg.connect(database_url) as conn:
        taken = {(oid, v) for oid, v, _, _ in snapshots.stored(conn)}
    assert (ev.id, 200) in {(o, v // 100 * 100) for o, v in taken}  # snapshots exist at the crossings
    assert any(o == project.id for o, _ in taken)
    last = app.evaluation(ev.id).version
    for version in (1, 2, 99, 100, 101, 150, 199, 200, 201, last):
        via_snapshot = app.history(ev.id, version)
        full = app.history(ev.id, version, use_snapshots=False)
        assert via_snapshot.version == full.version == version
        assert snapshots.encode(via_snapshot) == snapshots.encode(full)
        at = full.modified_on
        assert evaluation_as_of(app, ev.id, at=at) == scorecard_of(full)
    assert snapshots.encode(app.history(project.id)) == snapshots.encode(
        app.history(project.id, use_snapshots=False)
    )
    assert app.stale_snapshots() == []
    app.close()


def test_a_tampered_snapshot_is_named_and_never_trusted_by_verify(database_url: str) -> None:
    app = build_application(database_url)
    app.register_tenant(ACTOR, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    project = app.register_project(ACTOR, "360100", "S2", "快照", 2022)
    ev = app.start_evaluation(ACTOR, project.id, EvaluationKind.SELF, Evaluator("自评"))
    app.define_indicator(ACTOR, ev.id, IndicatorSpec("1", "规范", Decimal(10), rule=Manual()))
    for i in range(snapshots.EVERY):
        app.on_evaluation(ACTOR, ev.id, lambda e, i=i: e.note_deviation("1", f"说明{i}"))
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "UPDATE jixiao_snapshots SET state = replace(convert_from(state, 'UTF8'), '说明', '改写')::bytea "
            "RETURNING originator_id, originator_version"
        ).fetchone()
    assert row is not None
    assert app.stale_snapshots() == [(row[0], row[1])]
    assert app.stale_snapshots(tenant="652829") == []
    app.close()
