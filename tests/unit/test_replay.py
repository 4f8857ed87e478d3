"""Replaying an aggregate's events rebuilds exactly its state (property-tested).

Random command sequences — valid and refused — run against an evaluation and a project;
the recorded events are passed through the stored-event mapper and replayed from nothing.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
from decimal import Decimal
from typing import Any
from uuid import uuid4

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.context import Actor, acting
from domain.errors import DomainError
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec, LedgerSource
from domain.ledger import EntryKind, FundingSource, Project, SourceTotals
from domain.rules import Band, Bands, Checklist, ChecklistItem, Manual, RatioToTarget, RuleInput
from services.eventlog.mapper import MsgspecMapper
from services.eventlog.replay import replay as fold

ACTOR = Actor("u1", "evaluator", "360100", "corr")
MAPPER = MsgspecMapper()
LEAVES = ("1.1", "1.2", "2.1", "2.2")
points = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(30), places=2)

TREE = (
    IndicatorSpec("1", "产出", Decimal(60)),
    IndicatorSpec("1.1", "数量", Decimal(30), parent="1", rule=RatioToTarget(), target="≥100人"),
    IndicatorSpec(
        "1.2",
        "资金到位率",
        Decimal(30),
        parent="1",
        ledger_source=LedgerSource.FUNDS_RECEIVED_RATE,
        rule=Bands(bands=(Band(Decimal(90), Decimal(30)), Band(Decimal(60), Decimal(10)))),
    ),
    IndicatorSpec("2", "效益", Decimal(40)),
    IndicatorSpec("2.1", "规范", Decimal(20), parent="2", rule=Manual()),
    IndicatorSpec(
        "2.2",
        "要点",
        Decimal(20),
        parent="2",
        rule=Checklist(items=(ChecklistItem("一", Decimal(10)), ChecklistItem("二", Decimal(10)))),
    ),
)

commands = st.one_of(
    st.tuples(
        st.just("actual"), st.sampled_from(LEAVES), st.sampled_from(["80人", "120人", "文字", "100%", ""])
    ),
    st.tuples(st.just("met"), st.sampled_from(LEAVES), st.lists(st.integers(0, 3), max_size=3)),
    st.tuples(st.just("deduct"), st.sampled_from(LEAVES), points, st.sampled_from(["原因", ""])),
    st.tuples(st.just("revise"), st.integers(1, 4), points),
    st.tuples(st.just("withdraw"), st.integers(1, 4)),
    st.tuples(st.just("stated"), st.sampled_from(LEAVES), points),
    st.tuples(st.just("ledger"), st.decimals(min_value=0, max_value=1000, places=2)),
    st.tuples(st.just("deviation"), st.sampled_from(LEAVES), st.text(max_size=5)),
    st.tuples(st.just("total"), st.one_of(st.none(), points)),
    st.tuples(st.just("reweight"), st.sampled_from(LEAVES), st.integers(0, 40)),
    st.sampled_from([("submit",), ("return",), ("finalize",), ("reopen",)]),
)


def run(e: Evaluation, cmd: tuple[Any, ...]) -> None:
    match cmd:
        case ("actual", key, text):
            e.record_actual(key, text or None)
        case ("met", key, items):
            e.record_actual(key, None, RuleInput(met=tuple(items)))
        case ("deduct", key, pts, reason):
            e.apply_deduction(f"D{len(e.deductions) + 1}", key, pts, reason)
        case ("revise", n, pts):
            e.revise_deduction(f"D{n}", pts, "复核")
        case ("withdraw", n):
            e.withdraw_deduction(f"D{n}", "撤销")
        case ("stated", key, pts):
            e.record_stated_score(key, pts)
        case ("ledger", received):
            e.sync_ledger(SourceTotals(initial=Decimal(1000), annual=Decimal(1000), received=received))
        case ("deviation", key, note):
            e.note_deviation(key, note)
        case ("total", total):
            e.record_stated_total(total)
        case ("reweight", key, weight):
            spec = e.nodes[key].spec
            e.define_indicator(
                IndicatorSpec(
                    **{**{f: getattr(spec, f) for f in spec.__struct_fields__}, "weight": Decimal(weight)}
                )
            )
        case ("submit",):
            e.submit()
        case ("return",):
            e.return_for_revision("请补充材料")
        case ("finalize",):
            e.finalize()
        case ("reopen",):
            e.reopen("复核发现问题")


def snapshot(e: Evaluation) -> Any:
    nodes = {
        k: (n.spec, n.actual, n.given, n.outcome, n.scored_given, n.stated_score, n.deviation)
        for k, n in e.nodes.items()
    }
    deductions = {k: (d.key, d.points, d.reason, d.active) for k, d in e.deductions.items()}
    return (
        e.id,
        e.version,
        e.tenant,
        e.status,
        nodes,
        deductions,
        e.ledger,
        e.stated_total,
        e.stated_grade,
        e.total(),
        e.grade(),
        e.flags(),
        e.created_on,
        e.modified_on,
    )


def replay(events: list[Any]) -> Any:
    """Through the stored-event mapper, folded by the library's mutate and by the app's fast fold."""
    decoded = [MAPPER.to_domain_event(MAPPER.to_stored_event(event)) for event in events]
    by_library = None
    for event in decoded:
        by_library = event.mutate(by_library)
    by_app = fold(None, decoded)
    assert by_library is not None and by_app is not None
    assert by_app.__dict__.keys() == by_library.__dict__.keys()
    assert (by_app.version, by_app.modified_on) == (by_library.version, by_library.modified_on)
    assert copy.deepcopy(by_app).__dict__ == by_app.__dict__  # the cache's copy is faithful
    return by_app


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(commands, max_size=25))
def test_evaluation_replay_rebuilds_state(cmds: list[tuple[Any, ...]]) -> None:
    with acting(ACTOR):
        e = Evaluation.start("360100", uuid4(), 2022, EvaluationKind.SELF, Evaluator("自评"))
        for spec in TREE:
            e.define_indicator(spec)
        for cmd in cmds:
            with contextlib.suppress(DomainError):  # refused: must leave no trace (checked by the replay)
                run(e, cmd)
    events = e.collect_events()
    assert len(events) == e.version
    assert snapshot(replay(events)) == snapshot(e)


entries = st.lists(
    st.tuples(
        st.sampled_from(list(EntryKind)),
        st.sampled_from(list(FundingSource)),
        st.decimals(min_value=-1000, max_value=100000, places=2),
        st.integers(1, 12),
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None)
@given(entries)
def test_project_ledger_replay_rebuilds_state(
    rows: list[tuple[EntryKind, FundingSource, Decimal, int]],
) -> None:
    with acting(ACTOR):
        p = Project.register("360100", "P1", "项目", 2022)
        for n, (kind, source, amount, month) in enumerate(rows):
            corrects = p.entries[0].entry_id if kind == EntryKind.CORRECTION and p.entries else None
            with contextlib.suppress(DomainError):
                p.record_entry(
                    kind, source, amount, datetime.date(2022, month, 1), corrects=corrects, reason=f"r{n}"
                )
    events = p.collect_events()
    rebuilt = replay(events)
    assert (rebuilt.version, rebuilt.entries, rebuilt.totals(), rebuilt.flags()) == (
        p.version,
        p.entries,
        p.totals(),
        p.flags(),
    )
    assert all(t.annual >= 0 and t.received >= 0 and t.spent >= 0 for t in p.totals().values())
