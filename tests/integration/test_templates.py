"""Indicator templates on PostgreSQL: versioned, usable down the tenant tree, not across it."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from domain.context import Actor
from domain.errors import DomainError, NotFound
from domain.ids import template_id
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.templates import PLATFORM_TENANT, IndicatorTemplate
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.builtin import builtin_template
from services.app.commands.inputs import AdoptTemplate, PublishTemplate
from services.compose import build_application
from tests.support import evaluation, events_of, operator, project, register, staff

ADMIN = staff("341100", "admin", Role.ADMIN, cid="corr")
ADMIN_ACTOR = Actor("admin", "admin", "341100", "corr")  # the generic change's stamp


@pytest.fixture
def app(database_url: str) -> Iterator[JixiaoApplication]:
    application = build_application(database_url)
    register(application, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(application, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(application, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    register(application, "341181", "天长市医疗保障局", TenantLevel.COUNTY, "341100")
    yield application
    application.close()


def draft_of(app: JixiaoApplication, tenant: str) -> UUID:
    """A self-evaluation of ``tenant``'s project, started by its own staff."""
    p = project(app, staff(tenant), "P1", "项目", 2021)
    return evaluation(app, staff(tenant), p.id, tenant).id


def adopt(app: JixiaoApplication, ev: UUID, tpl: IndicatorTemplate, revision: int | None = None) -> None:
    """The evaluation's own bureau adopts ``tpl``."""
    tenant = app.evaluation(ev).tenant
    app.adopt_template(staff(tenant), ev, AdoptTemplate(tpl.tenant, tpl.name, revision))


def test_the_platform_framework_is_adopted_by_any_bureau(app: JixiaoApplication) -> None:
    name, description, specs = builtin_template("caiyu-2020-10.yaml")
    tpl = app.publish_template(
        operator(PLATFORM_TENANT), PLATFORM_TENANT, PublishTemplate(name, list(specs), description)
    )
    ev = draft_of(app, "341182")
    adopt(app, ev, tpl)
    evaluation = app.evaluation(ev)
    roots = {n.spec.name: n.spec.weight for n in evaluation.nodes.values() if n.spec.parent is None}
    assert roots == {"决策": Decimal(22), "过程": Decimal(18), "产出": Decimal(40), "效益": Decimal(20)}
    assert evaluation.flags() and all(f.code == "actual.missing" for f in evaluation.flags())
    events: list[Any] = events_of(app, ev)
    assert events[-1].meta.reason == f"采用模板「{name}」第 1 版"


def test_parent_template_usable_by_descendants_not_siblings(app: JixiaoApplication) -> None:
    city = app.publish_template(
        ADMIN,
        "341100",
        PublishTemplate("滁州市共性指标", [IndicatorSpec("1", "共性", Decimal(100), rule=Manual())]),
    )
    county = app.publish_template(
        staff("341181", "admin", Role.ADMIN),
        "341181",
        PublishTemplate("天长市指标", [IndicatorSpec("1", "天长", Decimal(100), rule=Manual())]),
    )
    ev = draft_of(app, "341182")
    adopt(app, ev, city)
    with pytest.raises(NotFound):
        adopt(app, ev, county)
    assert [n.spec.name for n in app.evaluation(ev).nodes.values()] == ["共性"]


def test_revisions_are_kept(app: JixiaoApplication) -> None:
    v1 = (IndicatorSpec("1", "旧", Decimal(100), rule=Manual()),)
    v2 = (IndicatorSpec("1", "新", Decimal(100), rule=Manual()),)
    tpl = app.publish_template(ADMIN, "341100", PublishTemplate("模板", list(v1)))
    app.change(ADMIN_ACTOR, IndicatorTemplate, tpl.id, lambda t: t.revise(v2, "2022 年口径调整"))
    stored = app.load(IndicatorTemplate, template_id("341100", "模板"))
    assert stored.revision == 2
    assert stored.specs_at(1) == v1 and stored.specs_at() == v2
    with pytest.raises(DomainError):
        app.change(ADMIN_ACTOR, IndicatorTemplate, tpl.id, lambda t: t.revise(v1, ""))
    ev = draft_of(app, "341182")
    adopt(app, ev, tpl, revision=1)
    assert [n.spec.name for n in app.evaluation(ev).nodes.values()] == ["旧"]
