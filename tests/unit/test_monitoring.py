"""绩效运行监控 through the named commands (in-memory log): a round over a city's region, a county
project's answer taken from its ledger at the period's end, the warning rules at their edges
(序时进度 margins, forecasts against the approved targets, the deadline), resolutions by the unit
and decisions by the finance side, and the refusals (a closed round, a project outside the region,
a unit deciding what only the finance side decides)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D
from uuid import UUID

import pytest

from domain.errors import InvalidState, NotFound
from domain.ledger import EntryKind, FundingSource
from domain.monitoring import Level, Likelihood, Resolution, RoundRules
from domain.monitoring.rules import forecast_miss, schedule_gap, schedule_pct
from domain.targets import Details, Grade, Stage, TargetIndicator
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import (
    AnswerExecution,
    AnswerLine,
    DeclareTargets,
    OpenRound,
    ResolveAlert,
    ReviewTargets,
    SetTargetIndicator,
)
from services.app.commands.inputs import RecordEntry
from services.app.errors import Forbidden
from services.compose import build_in_memory
from tests.support import project, register, staff

COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR)
CITY = staff("341100", "city", Role.REVIEWER, Role.FINANCE)
JULY = datetime.date(2024, 7, 31)
RULES = RoundRules(D(10), D(20))


@pytest.mark.parametrize(
    ("spent", "level"),
    [("48.34", None), ("48.33", None), ("48.32", Level.AMBER), ("38.33", Level.AMBER), ("38.32", Level.RED)],
)
def test_schedule_gap_at_its_edges(spent: str, level: Level | None) -> None:
    assert schedule_pct(JULY) == D("58.33")  # 7/12
    found = schedule_gap(JULY, D(100), D(spent), RULES)  # 58.33 − 48.33 = 10.00: not beyond the margin
    assert (found.level if found else None) is level
    assert schedule_gap(JULY, D(0), D(0), RULES) is None  # nothing budgeted: nothing to be behind


@pytest.mark.parametrize(
    ("target", "expected", "likelihood", "level"),
    [
        ("≥30万人", "31万人", Likelihood.CERTAIN, None),
        ("≥30万人", "30万人", None, None),
        ("≥30万人", "29.9万人", None, Level.RED),
        ("≤5个工作日", "6个工作日", None, Level.RED),
        ("≤5个工作日", "5个工作日", Likelihood.POSSIBLE, Level.AMBER),
        ("良好", "", Likelihood.IMPOSSIBLE, Level.RED),
    ],
)
def test_forecast_miss(
    target: str, expected: str, likelihood: Likelihood | None, level: Level | None
) -> None:
    found = forecast_miss("1.1", "指标", target, expected, likelihood, 2024)
    assert (found.level if found else None) is level


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    register(a, "350000", "福建省医疗保障局", TenantLevel.PROVINCE)
    return a


def _approved_project(app: JixiaoApplication, spent: str) -> UUID:
    p = project(app, COUNTY, "M1", "监控项目", 2024)
    for kind, amount, day in (
        (EntryKind.INITIAL_BUDGET, "100000", datetime.date(2024, 1, 2)),
        (EntryKind.EXPENDITURE, spent, datetime.date(2024, 7, 15)),
        (EntryKind.EXPENDITURE, "5000", datetime.date(2024, 8, 15)),  # after the period: not counted
    ):
        app.record_entry(COUNTY, p.id, RecordEntry(kind, FundingSource.CURRENT, D(amount), day))  # type: ignore[arg-type]
    d = app.declare_targets(COUNTY, p.id, DeclareTargets(Details(annual_goal="提升经办能力"))).id
    for row in (
        TargetIndicator("1", "产出", D(100)),
        TargetIndicator("1.1", "参保人数", D(100), "1", "≥30万人"),
    ):
        app.set_target_indicator(COUNTY, d, SetTargetIndicator(row))
    app.submit_targets(COUNTY, d)
    app.review_targets(CITY, d, ReviewTargets(Stage.SUPERVISOR, Grade.EXCELLENT))
    app.review_targets(CITY, d, ReviewTargets(Stage.FINANCE, Grade.EXCELLENT))
    return p.id


def _round(app: JixiaoApplication, deadline: datetime.date) -> UUID:
    return app.open_round(CITY, "341100", OpenRound(2024, "1–7月", JULY, deadline)).id


def test_an_answer_judged_on_submit(app: JixiaoApplication) -> None:
    p = _approved_project(app, "40000")  # 40 % against 58.33 %: 18.33 points behind → amber
    r = _round(app, datetime.date(2099, 8, 20))
    report = app.start_report(COUNTY, r, p)
    assert report.execution is not None and report.execution.spent == D(
        "40000.00"
    )  # from the ledger, to July
    with pytest.raises(NotFound, match="不在批复的绩效目标中"):
        app.answer_line(COUNTY, report.id, "9.9", AnswerLine(reached="1"))
    app.set_expected_execution(COUNTY, report.id, AnswerExecution(D("95000")))
    app.answer_line(
        COUNTY,
        report.id,
        "1.1",
        AnswerLine("18万人", "29万人", likelihood=Likelihood.POSSIBLE, measures="加大宣传"),
    )
    done = app.submit_report(COUNTY, report.id).aggregate
    levels = {a.rule: a.level for a in done.alerts.values()}
    assert levels == {"schedule_gap": Level.AMBER, "forecast_miss": Level.RED}
    gap = done.alerts["schedule_gap"]
    assert gap.inputs["spent"] == "40000.00" and gap.inputs["schedule_pct"] == "58.33"
    with pytest.raises(InvalidState, match="已报送"):
        app.answer_line(COUNTY, report.id, "1.1", AnswerLine("19万人"))
    with pytest.raises(Forbidden, match="财政审核人"):  # pausing funds is the finance side's decision
        app.resolve_alert(COUNTY, report.id, "schedule_gap", ResolveAlert(Resolution.FUNDS_PAUSED, "暂缓"))
    app.resolve_alert(
        COUNTY, report.id, "forecast_miss:1.1", ResolveAlert(Resolution.CORRECTED, "已启动集中参保")
    )
    with pytest.raises(Forbidden):  # the finance side decides above the unit, never the unit's own bureau
        app.resolve_alert(
            staff("341182", "f", Role.FINANCE),
            report.id,
            "schedule_gap",
            ResolveAlert(Resolution.FUNDS_PAUSED, "暂缓"),
        )
    decided = app.resolve_alert(
        CITY, report.id, "schedule_gap", ResolveAlert(Resolution.FUNDS_PAUSED, "暂缓拨付下半年资金")
    ).aggregate
    assert decided.open_alerts() == []


def test_the_deadline_flags_the_unanswered_and_a_closed_round_takes_no_answers(
    app: JixiaoApplication,
) -> None:
    p = _approved_project(app, "60000")  # ahead of the schedule: no gap
    r = _round(app, datetime.date(2024, 8, 20))  # long past
    with pytest.raises(Forbidden):
        app.check_round(COUNTY, r, [p])  # the round's bureau runs its check
    assert app.check_round(CITY, r, [p]) == 1
    assert app.check_round(CITY, r, [p]) == 0  # raised once
    report = app.load_report_of(r, p)
    assert [a.rule for a in report.open_alerts()] == ["overdue"]
    app.close_round(CITY, r, "本轮结束")
    with pytest.raises(InvalidState, match="已结束"):
        app.answer_line(COUNTY, report.id, "1.1", AnswerLine("20万人"))


def test_a_project_outside_the_region_is_refused(app: JixiaoApplication) -> None:
    p = _approved_project(app, "1")
    other = app.open_round(
        staff("350000", "fj", Role.REVIEWER), "350000", OpenRound(2024, "1–7月", JULY, JULY)
    ).id
    with pytest.raises(NotFound, match="不在此监控轮次的范围内"):
        app.start_report(COUNTY, other, p)
