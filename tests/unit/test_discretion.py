"""Discretionary scores (酌情): a judgement rule's score set by the evaluator, a rule's result
adjusted within the bound the rule states, checklist items met in part — each with a reason, its
own event, shown in the scorecard's flags for the reviewer; and a ledger rate scored through a
version 2 rule's rounding policy, its steps recorded on the scoring event."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from uuid import UUID

import pytest

from domain.errors import DomainError
from domain.evaluation import events
from domain.indicators import IndicatorSpec, LedgerSource
from domain.ledger import EntryKind, FundingSource
from domain.rules import (
    Checklist,
    ChecklistItem,
    ItemCredit,
    Judgement,
    Proportional,
    RateRounding,
    Rounding,
    RuleInput,
)
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import JudgeScore, RecordActual, RecordEntry
from services.compose import build_in_memory
from tests.support import define, evaluation, events_of, project, register, staff

OWN = staff("341182", "prep")
EVALUATOR = staff("341182", "eva", Role.EVALUATOR)
ROOT = IndicatorSpec("1", "全部", D(100))


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def _draft(app: JixiaoApplication, *specs: IndicatorSpec) -> UUID:
    p = project(app, OWN, "P1", "项目", 2023)
    ev = evaluation(app, OWN, p.id).id
    define(app, OWN, ev, ROOT, *specs)
    return ev


def test_a_judgement_rule_is_scored_by_the_evaluator_with_a_reason(app: JixiaoApplication) -> None:
    ev = _draft(app, IndicatorSpec("1.1", "档案管理", D(100), parent="1", rule=Judgement()))
    assert app.evaluation(ev).nodes["1.1"].outcome is None  # unscored until judged
    with pytest.raises(DomainError, match="原因"):
        app.judge_score(EVALUATOR, ev, "1.1", JudgeScore(" ", points=D(90)))
    with pytest.raises(DomainError, match="0–100"):
        app.judge_score(EVALUATOR, ev, "1.1", JudgeScore("过高", points=D(101)))
    e = app.judge_score(
        EVALUATOR, ev, "1.1", JudgeScore("档案基本齐全，个别缺页", points=D("92.5"))
    ).aggregate
    assert e.total() == D("92.50")
    flags = [f for f in e.flags() if f.code == "score.discretionary"]
    assert flags and "档案基本齐全" in flags[0].message
    stored = [x for x in events_of(app, ev) if isinstance(x, events.ScoreJudged)]
    assert (
        len(stored) == 1
        and stored[0].meta.reason == "档案基本齐全，个别缺页"
        and stored[0].points == D("92.5")
    )
    e = app.judge_score(EVALUATOR, ev, "1.1", JudgeScore("改由复核决定")).aggregate  # withdrawn
    assert e.nodes["1.1"].outcome is None and e.nodes["1.1"].judged is None


def test_an_adjustment_stays_within_the_rules_discretion(app: JixiaoApplication) -> None:
    items = (ChecklistItem("制度健全", D("4.5")), ChecklistItem("执行到位", D("4.5")))
    loose = Checklist(items=items, discretion=D(1))  # the items add to 9 of 10; up to ±1 at discretion
    strict = Checklist(items=items)
    ev = _draft(
        app,
        IndicatorSpec("1.1", "管理制度", D(10), parent="1", rule=loose),
        IndicatorSpec("1.2", "财务管理", D(10), parent="1", rule=strict),
        IndicatorSpec("1.3", "其他", D(80), parent="1", rule=Judgement()),
    )
    assert app.evaluation(ev).nodes["1.1"].spec.rule.version == 2  # type: ignore[union-attr]
    for key in ("1.1", "1.2"):
        app.record_actual(OWN, ev, key, RecordActual(given=RuleInput(met=(1, 2))))
    with pytest.raises(DomainError, match="超出规则允许的 ±1"):
        app.judge_score(EVALUATOR, ev, "1.1", JudgeScore("全部达标", adjustment=D("1.5")))
    with pytest.raises(DomainError, match="不允许酌情调整"):
        app.judge_score(EVALUATOR, ev, "1.2", JudgeScore("全部达标", adjustment=D(1)))
    with pytest.raises(DomainError, match="只有“酌情给分”的指标"):
        app.judge_score(EVALUATOR, ev, "1.1", JudgeScore("全部达标", points=D(10)))
    e = app.judge_score(EVALUATOR, ev, "1.1", JudgeScore("要点全部满足，给满分", adjustment=D(1))).aggregate
    node = e.nodes["1.1"]
    assert node.outcome is not None and node.outcome.score == D("10.00")
    assert any("酌情调整+1.00分" in s for s in node.outcome.steps), node.outcome.steps
    assert e.nodes["1.2"].outcome is not None and e.nodes["1.2"].outcome.score == D("9.00")


def test_checklist_items_may_be_met_in_part(app: JixiaoApplication) -> None:
    rule = Checklist(items=(ChecklistItem("制度", D("1.5")), ChecklistItem("台账", D("1.5"))))
    ev = _draft(app, IndicatorSpec("1.1", "管理", D(3), parent="1", rule=rule))
    with pytest.raises(DomainError, match=r"应在 0–1\.5 之间"):
        app.record_actual(
            OWN, ev, "1.1", RecordActual(given=RuleInput(met=(1,), partial=(ItemCredit(2, D(2)),)))
        )
    with pytest.raises(DomainError, match="已计为满足"):
        app.record_actual(
            OWN, ev, "1.1", RecordActual(given=RuleInput(met=(1,), partial=(ItemCredit(1, D(1)),)))
        )
    e = app.record_actual(
        OWN, ev, "1.1", RecordActual(given=RuleInput(met=(1,), partial=(ItemCredit(2, D(1)),)))
    ).aggregate
    assert e.nodes["1.1"].outcome is not None and e.nodes["1.1"].outcome.score == D("2.50")
    assert any(f.code == "score.partial_credit" for f in e.flags())


def test_a_ledger_rate_is_scored_through_the_rules_policy_and_shown_step_by_step(
    app: JixiaoApplication,
) -> None:
    p = project(app, OWN, "P1", "项目", 2023)
    day = datetime.date(2023, 6, 30)
    for kind, amount in (
        (EntryKind.INITIAL_BUDGET, "10000"),
        (EntryKind.RECEIVED, "10000"),
        (EntryKind.EXPENDITURE, "8741.38"),
    ):
        app.record_entry(OWN, p.id, RecordEntry(kind, FundingSource.CURRENT, D(amount), day))  # type: ignore[arg-type]
    ev = evaluation(app, OWN, p.id).id
    printed = Proportional(rounding_policy=Rounding(rate=RateRounding.FRACTION, rate_places=2))
    define(
        app,
        OWN,
        ev,
        ROOT,
        IndicatorSpec(
            "1.1", "预算执行率", D(10), parent="1", rule=printed, ledger_source=LedgerSource.EXECUTION_RATE
        ),
        IndicatorSpec(
            "1.2",
            "预算执行率（旧）",
            D(10),
            parent="1",
            rule=Proportional(),
            ledger_source=LedgerSource.EXECUTION_RATE,
        ),
        IndicatorSpec("1.3", "其他", D(80), parent="1", rule=Judgement()),
    )
    e = app.sync_ledger(OWN, ev).aggregate
    new, old = e.nodes["1.1"].outcome, e.nodes["1.2"].outcome
    assert new is not None and old is not None
    assert new.score == D("8.70") and old.score == D("8.74")
    assert new.steps[0] == "台账：预算执行率 = 实际支出 / 实际到位 = 8741.38 元 / 10000.00 元 = 87.4138%"
    assert any("0.874138 → 0.87（87%）" in s for s in new.steps)
    scored = [x for x in events_of(app, ev) if isinstance(x, events.IndicatorScored) and x.key == "1.1"]
    assert scored[-1].steps == new.steps  # the steps are stored with the score (and go out on NATS)
