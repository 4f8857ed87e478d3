"""Commands on bureaus (tenants); their users' are in ``users.py``."""

from __future__ import annotations

from domain.ids import tenant_id
from domain.tenants import Tenant
from services.app.commands.inputs import RegisterTenant
from services.app.commands.spec import Create, Loader
from services.app.policy import Caller, Relation, Target


def _parent(load: Loader, body: RegisterTenant) -> Tenant | None:
    return load(Tenant, tenant_id(body.parent)) if body.parent else None


def _tenant_target(caller: Caller, body: RegisterTenant, parent: Tenant | None) -> Target:
    return Target(body.parent or body.code)


def _make_tenant(caller: Caller, relation: Relation, body: RegisterTenant, parent: Tenant | None) -> Tenant:
    return Tenant.register(body.code, body.name, body.level, parent)


REGISTER_TENANT: Create[Tenant, RegisterTenant, Tenant | None] = Create(
    action=lambda body: "tenant.register" if body.parent else "tenant.register_province",
    prepare=_parent,
    target=_tenant_target,
    make=_make_tenant,
)
