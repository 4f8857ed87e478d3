"""Commands on indicator templates (指标模板): publish (optionally inheriting a template the
bureau may use — its parent's or the platform's — at a revision) and revise (a new revision,
with a reason; evaluations stay on the revision they adopted)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ids import tenant_id
from domain.templates import PLATFORM_TENANT, IndicatorTemplate
from domain.tenants import Tenant
from services.app.commands.evaluations import Adoption, usable_template
from services.app.commands.inputs import PublishTemplate, ReviseTemplate
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Caller, Relation, Target


@dataclass(frozen=True)
class Publishing:
    basis: Adoption | None


def _prepare(load: Loader, body: tuple[str, PublishTemplate]) -> Publishing:
    tenant, t = body
    if tenant != PLATFORM_TENANT:  # the platform's own templates have no bureau behind them
        load(Tenant, tenant_id(tenant))
    if t.based_on is None:
        return Publishing(None)
    b = t.based_on
    return Publishing(usable_template(load, tenant, b.template_tenant, b.template_name, b.revision))


def _make(
    caller: Caller, relation: Relation, body: tuple[str, PublishTemplate], p: Publishing
) -> IndicatorTemplate:
    tenant, t = body
    based_on = None if p.basis is None else (p.basis.template, p.basis.revision)
    return IndicatorTemplate.publish(
        tenant, t.name, tuple(t.indicators), t.description, year=t.year, based_on=based_on
    )


PUBLISH_TEMPLATE: Create[IndicatorTemplate, tuple[str, PublishTemplate], Publishing] = Create(
    action=lambda body: "template.publish",
    prepare=_prepare,
    target=lambda caller, body, _: Target(body[0]),
    make=_make,
)
REVISE_TEMPLATE: Change[IndicatorTemplate, ReviseTemplate, None, None] = Change(
    "template.revise", IndicatorTemplate, lambda t, body, _: t.revise(tuple(body.indicators), body.reason)
)
