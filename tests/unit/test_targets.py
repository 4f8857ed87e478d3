"""绩效目标 through the application's named commands (in-memory log): declared from a template,
submitted, reviewed by the supervising bureau then the finance side with the 88号 outcomes,
returned and resubmitted, refused, approved, adjusted by an approved request — and every refusal:
reviewing one's own targets, reviewing without the role or at the wrong stage, adjusting without
a reason or before approval."""

from __future__ import annotations

from decimal import Decimal as D
from uuid import UUID

import pytest

from domain.errors import DomainError, InvalidState
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.targets import Details, Dimension, Grade, Stage, Status, TargetIndicator
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import (
    DecideAdjustment,
    DeclareTargets,
    RequestAdjustment,
    ReviewTargets,
    SetTargetIndicator,
)
from services.app.commands.inputs import AdoptTemplate, PublishTemplate
from services.app.errors import Forbidden
from services.compose import build_in_memory
from tests.support import project, register, staff

COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.FINANCE)
CITY_REVIEWER = staff("341100", "city", Role.REVIEWER)
CITY_FINANCE = staff("341100", "finance", Role.FINANCE)
GOAL = Details(annual_goal="全年完成医保经办能力提升")


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    specs = [
        IndicatorSpec("1", "产出指标", D(50)),
        IndicatorSpec("1.1", "参保人数", D(50), parent="1", rule=Manual(), target="≥30万人"),
    ]
    a.publish_template(staff("341100", "tpl", Role.ADMIN), "341100", PublishTemplate("市级目标模板", specs))
    return a


def _declared(app: JixiaoApplication) -> UUID:
    p = project(app, COUNTY, "T1", "医保经办能力提升", 2024)
    d = app.declare_targets(COUNTY, p.id, DeclareTargets(GOAL, AdoptTemplate("341100", "市级目标模板")))
    return d.id


def _review(stage: Stage, grade: Grade, opinion: str = "", **comments: str) -> ReviewTargets:
    return ReviewTargets(stage, grade, opinion, comments=comments)


def test_from_template_to_approval(app: JixiaoApplication) -> None:
    d = _declared(app)
    declared = app.load_targets(d)
    assert declared.indicators["1.1"].value == "≥30万人" and declared.indicators["1.1"].nature is not None
    app.set_target_indicator(
        COUNTY,
        d,
        SetTargetIndicator(TargetIndicator("1.2", "办件时限", D(0), "1", "≤5个工作日", unit="个工作日")),
    )
    app.submit_targets(COUNTY, d)
    with pytest.raises(Forbidden) as own:
        app.review_targets(COUNTY, d, _review(Stage.SUPERVISOR, Grade.EXCELLENT))  # never one's own
    assert own.value.code == "forbidden.own_review"
    with pytest.raises(Forbidden):
        app.review_targets(CITY_FINANCE, d, _review(Stage.SUPERVISOR, Grade.EXCELLENT))  # not a reviewer
    with pytest.raises(InvalidState, match="正等待主管部门审核"):
        app.review_targets(CITY_FINANCE, d, _review(Stage.FINANCE, Grade.EXCELLENT))  # the wrong stage
    with pytest.raises(DomainError, match="商定的修改内容"):
        app.review_targets(CITY_REVIEWER, d, _review(Stage.SUPERVISOR, Grade.GOOD, "基本合理"))
    app.review_targets(
        CITY_REVIEWER, d, _review(Stage.SUPERVISOR, Grade.GOOD, "基本合理", **{"1.1": "细化到季度"})
    )
    assert app.load_targets(d).status is Status.FINANCE_REVIEW
    done = app.review_targets(CITY_FINANCE, d, _review(Stage.FINANCE, Grade.EXCELLENT)).aggregate
    assert done.status is Status.APPROVED
    approved = done.targets()
    assert (
        approved is not None
        and approved.version == 1
        and {i.key for i in approved.indicators} == {"1", "1.1", "1.2"}
    )


def test_fair_returns_to_the_stage_that_returned_it_and_poor_refuses(app: JixiaoApplication) -> None:
    d = _declared(app)
    app.submit_targets(COUNTY, d)
    app.review_targets(CITY_REVIEWER, d, _review(Stage.SUPERVISOR, Grade.EXCELLENT))
    with pytest.raises(DomainError, match="须填写审核意见"):
        app.review_targets(CITY_FINANCE, d, _review(Stage.FINANCE, Grade.FAIR))
    returned = app.review_targets(
        CITY_FINANCE,
        d,
        ReviewTargets(
            Stage.FINANCE, Grade.FAIR, "指标值偏低", {Dimension.APPROPRIATENESS: "目标值低于上年实际"}
        ),
    ).aggregate
    assert returned.status is Status.RETURNED and returned.reviews[-1].findings
    app.set_target_indicator(
        COUNTY,
        d,
        SetTargetIndicator(TargetIndicator("1.1", "参保人数", D(50), "1", "≥32万人"), "按财政意见提高"),
    )
    resubmitted = app.submit_targets(COUNTY, d).aggregate
    assert resubmitted.status is Status.FINANCE_REVIEW  # back to the finance side, not to the start
    refused = app.review_targets(
        CITY_FINANCE, d, _review(Stage.FINANCE, Grade.POOR, "立项依据不足")
    ).aggregate
    assert refused.status is Status.REFUSED and refused.targets() is None
    with pytest.raises(InvalidState):
        app.submit_targets(COUNTY, d)


def test_adjustments_need_approval_a_reason_and_make_a_new_version(app: JixiaoApplication) -> None:
    d = _declared(app)
    raise_target = RequestAdjustment(
        "A1", [TargetIndicator("1.1", "参保人数", D(50), "1", "≥28万人")], "参保政策调整"
    )
    with pytest.raises(InvalidState, match="已批复"):
        app.request_adjustment(COUNTY, d, raise_target)
    app.submit_targets(COUNTY, d)
    app.review_targets(CITY_REVIEWER, d, _review(Stage.SUPERVISOR, Grade.EXCELLENT))
    app.review_targets(CITY_FINANCE, d, _review(Stage.FINANCE, Grade.EXCELLENT))
    with pytest.raises(DomainError, match="说明原因"):
        app.request_adjustment(COUNTY, d, RequestAdjustment("A1", raise_target.indicators, " "))
    app.request_adjustment(COUNTY, d, raise_target)
    with pytest.raises(InvalidState, match="待审批"):
        app.request_adjustment(COUNTY, d, RequestAdjustment("A2", raise_target.indicators, "再调"))
    with pytest.raises(Forbidden):
        app.decide_adjustment(
            CITY_REVIEWER, d, "A1", DecideAdjustment(True, "同意")
        )  # the budget's approver decides
    with pytest.raises(Forbidden):
        app.decide_adjustment(COUNTY, d, "A1", DecideAdjustment(True, "同意"))  # never the requesting bureau
    adjusted = app.decide_adjustment(
        CITY_FINANCE, d, "A1", DecideAdjustment(True, "同意随预算调整")
    ).aggregate
    assert [v.version for v in adjusted.versions] == [1, 2]
    assert adjusted.targets(1) is not None and adjusted.targets(2) is not None
    old = {i.key: i.value for i in adjusted.targets(1).indicators}  # type: ignore[union-attr]
    new = {i.key: i.value for i in adjusted.targets().indicators}  # type: ignore[union-attr]
    assert old["1.1"] == "≥30万人" and new["1.1"] == "≥28万人"
    with pytest.raises(InvalidState, match="已审批"):
        app.decide_adjustment(CITY_FINANCE, d, "A1", DecideAdjustment(False, "不同意"))
