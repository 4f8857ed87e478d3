"""Commands on accounts: a bureau's administrators register people and service accounts, change
their roles, disable and enable them, reset passwords and issue and revoke service tokens.

Passwords are checked (``domain.users.check_password``) and hashed by the application
(``services/app/application_accounts.py``) before these decisions; a decision only records that
it happened.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from domain.ids import tenant_id
from domain.personal import Sealed
from domain.tenants import Tenant
from domain.users import User
from services.app.commands.inputs import ChangeRoles, RegisterUser, WithReason
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Caller, Relation, Target


@dataclass(frozen=True)
class NewAccount:
    """A registration as the application prepared it: a person's name and phone already sealed."""

    tenant: str
    form: RegisterUser
    name: Sealed | None
    phone: Sealed | None


def _existing_tenant(load: Loader, body: NewAccount) -> Tenant:
    return load(Tenant, tenant_id(body.tenant))


def _make_user(caller: Caller, relation: Relation, body: NewAccount, tenant: Tenant) -> User:
    f = body.form
    return User.register(
        body.tenant, f.username, f.display_name, tuple(f.roles), f.kind, body.name, body.phone
    )


REGISTER_USER: Create[User, NewAccount, Tenant] = Create(
    action=lambda body: "user.register",
    prepare=_existing_tenant,
    target=lambda caller, body, tenant: Target(tenant.code),
    make=_make_user,
)
CHANGE_CONTACT: Change[User, tuple[Sealed | None, Sealed | None], None, None] = Change(
    "user.change_contact", User, lambda u, body, _: u.change_contact(*body)
)
ERASED: Change[User, WithReason, None, None] = Change(
    "user.erase_personal", User, lambda u, body, _: u.personal_data_erased(body.reason)
)
CHANGE_ROLES: Change[User, ChangeRoles, None, None] = Change(
    "user.change_roles", User, lambda u, body, _: u.change_roles(tuple(body.roles), body.reason)
)
DISABLE: Change[User, WithReason, None, None] = Change(
    "user.disable", User, lambda u, body, _: u.disable(body.reason)
)
ENABLE: Change[User, WithReason, None, None] = Change(
    "user.enable", User, lambda u, body, _: u.enable(body.reason)
)
# the password itself was checked and stored by the application; the decision records the act
PASSWORD_RESET: Change[User, WithReason, None, None] = Change(
    "user.set_password", User, lambda u, body, _: u.password_set(by_self=False, reason=body.reason)
)
PASSWORD_CHANGED: Change[User, None, None, None] = Change(
    "me.change_password", User, lambda u, _, __: u.password_set(by_self=True, reason="本人修改密码")
)


def _issue(u: User, body: tuple[str, str, datetime.datetime, datetime.datetime], _: None) -> None:
    token_id, label, expires, now = body
    u.issue_token(token_id, label, expires, now)


ISSUE_TOKEN: Change[User, tuple[str, str, datetime.datetime, datetime.datetime], None, None] = Change(
    "user.issue_token", User, _issue
)
REVOKE_TOKEN: Change[User, tuple[str, WithReason], None, None] = Change(
    "user.revoke_token", User, lambda u, body, _: u.revoke_token(body[0], body[1].reason)
)
