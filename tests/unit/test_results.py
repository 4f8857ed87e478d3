"""结果应用 through the named commands (in-memory log): the default policy's advice per grade, a
city's own policy (adopted, revised with a reason, versioned) applied to its counties, the
rectification turning an advice harsher when it falls overdue and back when it is accepted, the
reactions making and re-making a recommendation from stored events (idempotent), the finance
system's decision recorded back, and the refusals."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import pytest

from domain.errors import DomainError, InvalidState, NotFound
from domain.evaluation import EvaluationKind
from domain.rectification import Measure, SourceKind
from domain.results import DEFAULT_RULES, Advice, Band, Decision, Outcome, Rules, recommend
from domain.results.values import harsher
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands import rectification as rect_commands
from services.app.commands.cycle_inputs import (
    FileMeasures,
    OpenRectification,
    RecordFinding,
    ReviewRectification,
    SendDemand,
)
from services.app.commands.results import AdoptPolicy, DecideRecommendation, RevisePolicy
from services.app.commands.targets import today
from services.app.errors import Forbidden
from services.app.reactions import react, service
from services.compose import build_in_memory
from tests.support import deduct, finalized_evaluation, project, register, staff

COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER)
CITY = staff("341100", "city", Role.EVALUATOR, Role.REVIEWER)
FINANCE = staff("341100", "fin", Role.FINANCE)
COUNTY_FINANCE = staff("341182", "fin", Role.FINANCE)


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


@pytest.mark.parametrize(
    ("grade", "rectification", "advice", "cut"),
    [
        ("优", "", Advice.PRIORITY, "0"),
        ("优秀", "closed", Advice.PRIORITY, "0"),
        ("良好", "open", Advice.KEEP, "0"),  # open and on time: unchanged by default
        ("良", "overdue", Advice.SUSPEND, "0"),  # not rectified: funds paused
        ("中", "", Advice.CUT, "10"),
        ("中", "overdue", Advice.SUSPEND, "0"),
        ("差", "", Advice.CANCEL, "0"),
        ("差", "overdue", Advice.CANCEL, "0"),  # already the harshest
    ],
)
def test_the_default_policy(grade: str, rectification: str, advice: Advice, cut: str) -> None:
    assert recommend(DEFAULT_RULES, grade, rectification) == Outcome(advice, Decimal(cut))


def test_a_policy_must_name_every_grade_and_its_cuts() -> None:
    with pytest.raises(DomainError, match="优、良、中、差"):
        Rules(DEFAULT_RULES.bands[:3]).check()
    with pytest.raises(DomainError, match="比例"):
        Rules((*DEFAULT_RULES.bands[:2], Band("中", Advice.CUT), DEFAULT_RULES.bands[3])).check()
    with pytest.raises(DomainError, match="比例"):
        Rules((Band("优", Advice.PRIORITY, Decimal(5)), *DEFAULT_RULES.bands[1:])).check()
    with pytest.raises(DomainError, match="比例"):
        Rules(
            (*DEFAULT_RULES.bands[:2], Band("中", Advice.CUT, Decimal(101)), DEFAULT_RULES.bands[3])
        ).check()
    assert (
        harsher(Advice.KEEP, None) is Advice.KEEP and harsher(Advice.CANCEL, Advice.SUSPEND) is Advice.CANCEL
    )


def _finalized(app: JixiaoApplication, code: str, deducted: str | None = None) -> UUID:
    p = project(app, COUNTY, code, f"项目{code}", 2024)
    ev = finalized_evaluation(app, CITY, p.id, EvaluationKind.DEPARTMENT, finalize=deducted is None)
    if deducted is not None:  # points deducted before finalizing (30: a 中)
        deduct(app, CITY, ev.id, "D1", "1.1", deducted, "宣传覆盖不足")
        app.submit(CITY, ev.id)
        app.finalize(CITY, ev.id)
    return ev.id


def _rows(app: JixiaoApplication, after: int = 0) -> list[object]:
    return list(app.log.read(after, 10**6))


def test_the_reactions_make_and_remake_a_recommendation(
    app: JixiaoApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    half = Rules(
        tuple(Band(b.grade, Advice.CUT, Decimal(50)) if b.grade == "良" else b for b in DEFAULT_RULES.bands)
    )
    app.adopt_policy(FINANCE, "341100", AdoptPolicy(DEFAULT_RULES, "采用默认"))
    app.revise_policy(FINANCE, "341100", RevisePolicy(half, "良也压减一半"))
    ev = _finalized(app, "R1")
    assert react(app, _rows(app)) == 1
    assert react(app, _rows(app)) == 0  # read again: nothing new (idempotent)
    rec = app.load_recommendation(_rid(ev))
    assert (rec.inputs.grade, rec.inputs.policy_tenant, rec.inputs.policy_version) == ("优", "341100", 2)
    assert rec.outcome == Outcome(Advice.PRIORITY) and rec.tenant == "341182"
    r = app.open_rectification(CITY, OpenRectification(SourceKind.EVALUATION, ev))
    app.record_finding(CITY, r.id, RecordFinding("问题"))
    mark = len(_rows(app))
    app.send_demand(CITY, r.id, SendDemand("请整改", answer_days=10))
    assert (
        react(app, _rows(app, mark)) == 1 and app.load_recommendation(rec.id).inputs.rectification == "open"
    )
    mark = len(_rows(app))
    monkeypatch.setattr(rect_commands, "today", lambda: today() + datetime.timedelta(days=11))
    app.check_rectifications(FINANCE, "341100", [r.id])
    assert react(app, _rows(app, mark)) == 1
    late = app.load_recommendation(rec.id)
    assert late.outcome == Outcome(Advice.SUSPEND) and late.inputs.rectification == "overdue"
    mark = len(_rows(app))
    app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "已整改")]))
    app.review_rectification(CITY, r.id, ReviewRectification(True))
    assert react(app, _rows(app, mark)) == 1
    done = app.load_recommendation(rec.id)
    assert done.outcome == Outcome(Advice.PRIORITY) and done.inputs.rectification == "closed"
    assert len(done.history) == 4


def _rid(evaluation: UUID) -> UUID:
    from domain.ids import recommendation_id

    return recommendation_id(evaluation)


def test_the_nearest_policy_applies_and_decisions_are_recorded(app: JixiaoApplication) -> None:
    ev = _finalized(app, "R2", deducted="30")
    made = app.recommend(service(), ev)
    assert made is not None and made.outcome == Outcome(Advice.CUT, Decimal(10))  # the default
    assert (made.inputs.policy_tenant, made.inputs.policy_version) == ("", 0)
    assert app.recommend(service(), ev) is None  # nothing changed
    with pytest.raises(DomainError, match="原因"):
        app.decide_recommendation(
            FINANCE, made.id, DecideRecommendation(Decision.CHANGED, Outcome(Advice.CUT, Decimal(5)))
        )
    with pytest.raises(DomainError, match="调整后的建议"):
        app.decide_recommendation(FINANCE, made.id, DecideRecommendation(Decision.CHANGED, None, "x"))
    app.decide_recommendation(
        FINANCE, made.id, DecideRecommendation(Decision.CHANGED, Outcome(Advice.CUT, Decimal(5)), "财力紧张")
    )
    decided = app.load_recommendation(made.id).decision
    assert decided is not None and decided[1] == Outcome(Advice.CUT, Decimal(5))
    with pytest.raises(Forbidden):  # the evaluated bureau's preparer does not decide budgets
        app.decide_recommendation(COUNTY, made.id, DecideRecommendation(Decision.ACCEPTED))
    with pytest.raises(Forbidden):
        app.adopt_policy(FINANCE, "341182", AdoptPolicy(DEFAULT_RULES))  # another bureau's policy
    with pytest.raises(InvalidState, match="未变化"):
        app.adopt_policy(COUNTY_FINANCE, "341182", AdoptPolicy(DEFAULT_RULES))
        app.revise_policy(COUNTY_FINANCE, "341182", RevisePolicy(DEFAULT_RULES, "同样"))
    county = app.load_policy("341182")
    assert county.revision == 1
    again = app.recommend(service(), ev)  # the county's own policy now applies: made again
    assert again is not None and again.inputs.policy_tenant == "341182" and again.decision is None


def test_a_draft_gets_no_recommendation(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "R3", "草稿", 2024)
    ev = finalized_evaluation(app, CITY, p.id, finalize=False)
    with pytest.raises(InvalidState, match="尚未定稿"):
        app.recommend(service(), ev.id)
    assert react(app, _rows(app)) == 0
    with pytest.raises(NotFound):
        app.load_recommendation(_rid(ev.id))
