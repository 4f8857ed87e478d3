"""Templates built on a parent bureau's, for a year; an evaluation pinned to the revision it
adopted, moved only by a recorded act with a reason (named commands, in-memory log)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import DomainError, InvalidState
from domain.ids import template_id
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.templates import IndicatorTemplate
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import AdoptTemplate, MoveTemplate, PublishTemplate, ReviseTemplate
from services.compose import build_in_memory
from tests.support import evaluation, project, register, staff

PROVINCE = staff("340000", "province", Role.ADMIN)
CITY = staff("341100", "city", Role.ADMIN)
COUNTY = staff("341182", "county")
BASE = [
    IndicatorSpec("1", "产出", Decimal(60)),
    IndicatorSpec("1.1", "数量", Decimal(60), parent="1", rule=Manual()),
    IndicatorSpec("2", "效益", Decimal(40)),
    IndicatorSpec("2.1", "满意度", Decimal(40), parent="2", rule=Manual()),
]


@pytest.fixture
def app() -> JixiaoApplication:
    application = build_in_memory()
    register(application, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(application, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(application, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    application.publish_template(PROVINCE, "340000", PublishTemplate("省级模板", BASE))
    return application


def test_a_city_template_inherits_the_provinces_and_replaces_by_key(app: JixiaoApplication) -> None:
    own = [
        IndicatorSpec("2.1", "参保群众满意度", Decimal(30), parent="2", rule=Manual()),
        IndicatorSpec("2.2", "基金安全", Decimal(10), parent="2", rule=Manual()),
    ]
    basis = AdoptTemplate("340000", "省级模板")
    city = app.publish_template(CITY, "341100", PublishTemplate("市级模板", own, year=2024, based_on=basis))
    specs = {s.key: s.name for s in city.specs_at()}
    assert specs == {"1": "产出", "1.1": "数量", "2": "效益", "2.1": "参保群众满意度", "2.2": "基金安全"}
    assert city.year == 2024 and city.based_on is not None and city.based_on.revision == 1
    app.revise_template(PROVINCE, city.based_on.template_id, ReviseTemplate(BASE[:2], "删去效益"))
    assert {s.key for s in app.load(type(city), city.id).specs_at()} == set(specs)  # a copy, not a link


def test_a_template_for_a_silly_year_or_with_nothing_in_it_is_refused(app: JixiaoApplication) -> None:
    with pytest.raises(DomainError, match="模板至少需要一个指标"):
        app.publish_template(CITY, "341100", PublishTemplate("空模板", []))
    with pytest.raises(DomainError, match="不在 2000–2100"):
        IndicatorTemplate.publish("341100", "x", tuple(BASE), year=1999)


def test_an_evaluation_stays_pinned_until_moved_with_a_reason(app: JixiaoApplication) -> None:
    ev = evaluation(app, COUNTY, project(app, COUNTY, "P1", "项目", 2024).id)
    app.adopt_template(COUNTY, ev.id, AdoptTemplate("340000", "省级模板"))
    revised = [*BASE[:3], IndicatorSpec("2.1", "满意度（新口径）", Decimal(40), parent="2", rule=Manual())]
    app.revise_template(PROVINCE, template_id("340000", "省级模板"), ReviseTemplate(revised, "口径调整"))
    pinned = app.evaluation(ev.id)
    assert pinned.template is not None and pinned.template[2] == 1
    assert pinned.nodes["2.1"].spec.name == "满意度"
    with pytest.raises(InvalidState, match="改用模板版本"):
        app.adopt_template(COUNTY, ev.id, AdoptTemplate("340000", "省级模板"))
    with pytest.raises(DomainError, match="原因"):
        app.move_template(COUNTY, ev.id, MoveTemplate(2, " "))
    moved = app.move_template(COUNTY, ev.id, MoveTemplate(2, "采用新口径")).aggregate
    assert moved.template is not None and moved.template[2] == 2
    assert moved.nodes["2.1"].spec.name == "满意度（新口径）"
