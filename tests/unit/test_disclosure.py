"""信息公开 through the application's named commands (in-memory log): what may be published (a
finalized evaluation, approved targets), what is refused and stores nothing (a draft, targets in
review, a 涉密 project, a kind not available yet, the wrong role, another bureau), the field rule
(levels 1–2 only, no person, no free text), withdrawal with a reason, and marking 涉密."""

from __future__ import annotations

from decimal import Decimal as D
from uuid import UUID

import msgspec
import pytest

from domain.disclosure import Kind, ProjectDisclosure
from domain.errors import DomainError, InvalidState, NotFound
from domain.ids import disclosure_id
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.targets import Details, Grade, Stage
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import DeclareTargets, ReviewTargets, SetTargetIndicator
from services.app.commands.disclosure import Classify, Publish, Withdraw
from services.app.commands.inputs import WithReason
from services.app.errors import Forbidden
from services.compose import build_in_memory
from tests.support import deduct, define, evaluation, events_of, project, register, staff

COUNTY = staff("341182", "张三", Role.PREPARER, Role.EVALUATOR)
COUNTY_REVIEWER = staff("341182", "李四", Role.REVIEWER)
CITY = staff("341100", "王五", Role.REVIEWER, Role.ADMIN)
CITY_FINANCE = staff("341100", "赵六", Role.FINANCE)


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def _finalized(app: JixiaoApplication, code: str = "P1") -> tuple[UUID, UUID]:
    p = project(app, COUNTY, code, "医保经办能力提升", 2024)
    ev = evaluation(app, COUNTY, p.id)
    define(
        app,
        COUNTY,
        ev.id,
        IndicatorSpec("1", "产出指标", D(100)),
        IndicatorSpec("1.1", "数量指标", D(100), parent="1"),
        IndicatorSpec("1.1.1", "参保人数", D(100), parent="1.1", rule=Manual(), target="≥30万人"),
    )
    deduct(app, COUNTY, ev.id, "D1", "1.1.1", "5", "经办人张三的档案不全，电话13800000000")
    app.submit(COUNTY, ev.id)
    return p.id, ev.id


def _approved(app: JixiaoApplication, project_id: UUID) -> UUID:
    details = Details(annual_goal="全年完成医保经办能力提升", responsible="张三 13800000000")
    d = app.declare_targets(COUNTY, project_id, DeclareTargets(details)).id
    app.set_target_indicator(COUNTY, d, SetTargetIndicator(_row("1", "产出指标")))
    app.set_target_indicator(COUNTY, d, SetTargetIndicator(_row("1.1", "参保人数", "1", "≥30万人")))
    app.submit_targets(COUNTY, d)
    app.review_targets(CITY, d, ReviewTargets(Stage.SUPERVISOR, Grade.EXCELLENT, "经办人王五同意"))
    return d


def _row(key: str, name: str, parent: str | None = None, value: str = "") -> object:
    from domain.targets import TargetIndicator

    return TargetIndicator(key, name, D(0), parent, value)


def test_a_finalized_result_is_published_frozen_with_only_the_rules_fields(app: JixiaoApplication) -> None:
    project_id, ev = _finalized(app)
    with pytest.raises(InvalidState, match="已定稿"):
        app.publish(COUNTY_REVIEWER, Publish(Kind.EVALUATION_RESULT, ev))
    assert not app.log.exists(disclosure_id("341182", project_id))  # a refusal stores nothing
    app.finalize(COUNTY_REVIEWER, ev)
    done = app.publish(COUNTY_REVIEWER, Publish(Kind.EVALUATION_RESULT, ev))
    item = done.aggregate.items[done.result]
    content = item.content
    assert (content.total, content.grade, content.bureau_name) == (D("95.00"), "优", "明光市医疗保障局")
    assert [(r.key, r.level, r.score) for r in content.scores] == [
        ("1", 1, D("95.00")),
        ("1.1", 2, D("95.00")),
    ]
    text = msgspec.json.encode(content).decode()
    for personal in ("张三", "李四", "13800000000", "档案不全", "1.1.1"):
        assert personal not in text
    assert item.source_version == app.evaluation(ev).version
    published = events_of(app, done.aggregate.id)[-1]
    assert published.meta.actor_id == "李四" and published.meta.role == "reviewer"  # type: ignore[attr-defined]
    # reopening the evaluation does not touch what was published: it is frozen
    app.reopen(COUNTY_REVIEWER, ev, WithReason("补充材料"))
    assert app.load_disclosure(done.aggregate.id).items[done.result].content == content
    app.submit(COUNTY, ev)
    app.finalize(COUNTY_REVIEWER, ev)
    with pytest.raises(InvalidState, match="请先撤回"):  # a newer version needs the old withdrawn
        app.publish(COUNTY_REVIEWER, Publish(Kind.EVALUATION_RESULT, ev))


def test_approved_targets_are_published_without_the_person_responsible(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "T1", "医保信息化", 2024)
    d = app.declare_targets(COUNTY, p.id, DeclareTargets(Details(annual_goal="目标"))).id
    with pytest.raises(InvalidState, match="已批复"):
        app.publish(COUNTY_REVIEWER, Publish(Kind.TARGETS, d))
    d = _approved(app, project(app, COUNTY, "T2", "医保经办", 2024).id)
    app.review_targets(CITY_FINANCE, d, ReviewTargets(Stage.FINANCE, Grade.EXCELLENT))
    with pytest.raises(InvalidState, match="来源已变更"):
        app.publish(COUNTY_REVIEWER, Publish(Kind.TARGETS, d, source_version=1))
    done = app.publish(COUNTY_REVIEWER, Publish(Kind.TARGETS, d))
    content = done.aggregate.items[done.result].content
    assert content.targets_version == 1 and content.annual_goal == "全年完成医保经办能力提升"
    assert [(r.key, r.level, r.value) for r in content.targets] == [("1", 1, ""), ("1.1", 2, "≥30万人")]
    text = msgspec.json.encode(content).decode()
    assert "张三" not in text and "13800000000" not in text and "王五" not in text


def test_who_may_publish(app: JixiaoApplication) -> None:
    _, ev = _finalized(app)
    app.finalize(COUNTY_REVIEWER, ev)
    with pytest.raises(Forbidden):
        app.publish(COUNTY, Publish(Kind.EVALUATION_RESULT, ev))  # preparer, evaluator: not in public
    with pytest.raises(Forbidden):
        app.publish(CITY, Publish(Kind.EVALUATION_RESULT, ev))  # the city reads, the county publishes
    with pytest.raises(NotFound):
        app.publish(staff("341100", "x", Role.REVIEWER), Publish(Kind.TARGETS, ev))  # not targets
    with pytest.raises(DomainError, match="部门整体"):
        app.publish(COUNTY_REVIEWER, Publish(Kind.SELF_EVALUATION_SUMMARY, ev))


def test_withdrawal_and_classification(app: JixiaoApplication) -> None:
    project_id, ev = _finalized(app)
    app.finalize(COUNTY_REVIEWER, ev)
    done = app.publish(COUNTY_REVIEWER, Publish(Kind.EVALUATION_RESULT, ev))
    register_id, key = done.aggregate.id, done.result
    with pytest.raises(InvalidState, match="请先撤回"):
        app.classify_project(COUNTY_REVIEWER, project_id, Classify(True, "涉及国家秘密"))
    with pytest.raises(NotFound):
        app.withdraw_publication(COUNTY_REVIEWER, register_id, Withdraw("evaluation_result:x", "错"))
    app.withdraw_publication(COUNTY_REVIEWER, register_id, Withdraw(key, "数据有误"))
    withdrawn = app.load_disclosure(register_id).items[key]
    assert withdrawn.withdrawn and withdrawn.withdrawn_reason == "数据有误"
    assert app.load(ProjectDisclosure, register_id).live() == []
    with pytest.raises(InvalidState, match="已撤回"):
        app.withdraw_publication(COUNTY_REVIEWER, register_id, Withdraw(key, "再撤"))
    app.classify_project(COUNTY_REVIEWER, project_id, Classify(True, "涉及国家秘密"))
    before = app.load_disclosure(register_id).version
    with pytest.raises(DomainError, match="涉密"):
        app.publish(COUNTY_REVIEWER, Publish(Kind.EVALUATION_RESULT, ev))
    assert app.load_disclosure(register_id).version == before
    app.classify_project(COUNTY_REVIEWER, project_id, Classify(False, "已解密"))
    again = app.publish(COUNTY_REVIEWER, Publish(Kind.EVALUATION_RESULT, ev))  # a new publish act
    assert not again.aggregate.items[key].withdrawn
