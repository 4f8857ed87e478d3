"""Commands on indicator templates (指标模板)."""

from __future__ import annotations

from domain.ids import tenant_id
from domain.templates import PLATFORM_TENANT, IndicatorTemplate
from domain.tenants import Tenant
from services.app.commands.inputs import PublishTemplate
from services.app.commands.spec import Create, Loader
from services.app.policy import Caller, Relation, Target


def _owner(load: Loader, body: tuple[str, PublishTemplate]) -> None:
    if body[0] != PLATFORM_TENANT:  # the platform's own templates have no bureau behind them
        load(Tenant, tenant_id(body[0]))


def _make(
    caller: Caller, relation: Relation, body: tuple[str, PublishTemplate], _: None
) -> IndicatorTemplate:
    tenant, t = body
    return IndicatorTemplate.publish(tenant, t.name, tuple(t.indicators), t.description)


PUBLISH_TEMPLATE: Create[IndicatorTemplate, tuple[str, PublishTemplate], None] = Create(
    action=lambda body: "template.publish",
    prepare=_owner,
    target=lambda caller, body, _: Target(body[0]),
    make=_make,
)
