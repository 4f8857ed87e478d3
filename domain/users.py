"""Accounts: the people of a bureau and its systems' service accounts, and how they sign in.

A user belongs to one bureau with one or more roles. A person signs in with a password (or
through the bureau's identity provider); a service account never signs in — it holds API tokens
its bureau's administrators issue and revoke. Every sign-in, failure, lock-out, sign-out, password
change, role change, grant and revocation is an event of the user, so the audit trail shows who
had access when. Passwords themselves never enter an event: only that one was set, and by whom.

Lock-out: ``MAX_FAILURES`` failed sign-ins in a row lock the account for ``LOCK_MINUTES``. Any
change that should end existing sessions (a new password, new roles, disabling) moves the
account's ``sessions_not_before``: tokens and sessions issued earlier stop working.
"""

from __future__ import annotations

import datetime
import enum
import re
from typing import Any

from domain.base import TenantAggregate, check_id
from domain.context import Meta
from domain.errors import DomainError, InvalidState
from domain.ids import user_id
from domain.personal import Sealed
from domain.tenants import Role, check_code

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{1,63}$")


class AccountKind(enum.StrEnum):
    PERSON = "person"  # 人员：用密码或单点登录
    SERVICE = "service"  # 系统账户：只用 API 令牌


class SignInCause(enum.StrEnum):
    PASSWORD = "password"  # 密码不正确
    DISABLED = "disabled"  # 账户已停用
    LOCKED = "locked"  # 账户已锁定
    NO_PASSWORD = "no_password"  # 尚未设置密码
    SERVICE = "service"  # 系统账户不能登录


CAUSE_LABEL = {
    SignInCause.PASSWORD: "用户名或密码不正确",
    SignInCause.DISABLED: "账户已停用，请联系本单位管理员",
    SignInCause.LOCKED: "连续登录失败次数过多，账户已临时锁定，请稍后再试",
    SignInCause.NO_PASSWORD: "账户尚未设置密码，请联系本单位管理员",
    SignInCause.SERVICE: "系统账户不能登录，请使用 API 令牌",
}


def check_password(password: str, username: str) -> None:
    """Password rules: at least ``MIN_PASSWORD`` characters, three of upper case, lower case,
    digits and symbols, and not the username."""
    classes = sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    if len(password) < MIN_PASSWORD or classes < 3:
        raise DomainError(
            f"密码至少 {MIN_PASSWORD} 位，且须包含大写字母、小写字母、数字、符号中的三类",
            code="password.weak",
        )
    if username.lower() in password.lower():
        raise DomainError("密码不能包含用户名", code="password.contains_username")
    if len(password) > 256:
        raise DomainError("密码不能超过 256 个字符", code="password.too_long")


class User(TenantAggregate):
    """A person or a service account of one bureau."""

    class Registered(TenantAggregate.Created):
        username: str
        display_name: str  # a service account's name; a person's is sealed in ``name``
        roles: tuple[Role, ...]
        kind: AccountKind = AccountKind.PERSON
        name: Sealed | None = None  # 姓名, sealed with the person's own key
        phone: Sealed | None = None  # 联系电话, sealed

    class ContactChanged(TenantAggregate.Event):
        name: Sealed | None
        phone: Sealed | None

        def apply(self, aggregate: Any) -> None:
            aggregate.name, aggregate.phone = self.name, self.phone

    class PersonalDataErased(TenantAggregate.Event):
        """The person's key was destroyed: every sealed value of theirs now reads 已删除."""

        def apply(self, aggregate: Any) -> None:
            aggregate.erased = True

    class RolesChanged(TenantAggregate.Event):
        roles: tuple[Role, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.roles = self.roles
            aggregate.sessions_not_before = self.timestamp

    class PasswordSet(TenantAggregate.Event):
        by_self: bool

        def apply(self, aggregate: Any) -> None:
            aggregate.has_password = True
            aggregate.failures = 0
            aggregate.locked_until = None
            aggregate.sessions_not_before = self.timestamp

    class Disabled(TenantAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.disabled = True
            aggregate.sessions_not_before = self.timestamp

    class Enabled(TenantAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.disabled = False
            aggregate.failures = 0
            aggregate.locked_until = None

    class SignedIn(TenantAggregate.Event):
        session: str
        method: str  # password | oidc
        expires: datetime.datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.failures = 0
            aggregate.last_sign_in = self.timestamp

    class SignInFailed(TenantAggregate.Event):
        cause: SignInCause
        attempt: int  # failures in a row, this one included

        def apply(self, aggregate: Any) -> None:
            aggregate.failures = self.attempt

    class LockedOut(TenantAggregate.Event):
        until: datetime.datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.locked_until = self.until

    class SignedOut(TenantAggregate.Event):
        session: str

        def apply(self, aggregate: Any) -> None:
            aggregate.ended = (*aggregate.ended[-49:], self.session)

    class TokenIssued(TenantAggregate.Event):
        token_id: str
        label: str
        expires: datetime.datetime

        def apply(self, aggregate: Any) -> None:
            aggregate.tokens[self.token_id] = (self.label, self.expires, False)

    class TokenRevoked(TenantAggregate.Event):
        token_id: str

        def apply(self, aggregate: Any) -> None:
            label, expires, _ = aggregate.tokens[self.token_id]
            aggregate.tokens[self.token_id] = (label, expires, True)

    def __init__(
        self,
        meta: Meta,
        username: str,
        display_name: str,
        roles: tuple[Role, ...],
        kind: AccountKind = AccountKind.PERSON,
        name: Sealed | None = None,
        phone: Sealed | None = None,
    ) -> None:
        self.tenant = meta.tenant
        self.username = username
        self.display_name = display_name
        self.roles = roles
        self.kind = kind
        self.name = name
        self.phone = phone
        self.erased = False
        self.disabled = False
        self.has_password = False
        self.failures = 0
        self.locked_until: datetime.datetime | None = None
        self.sessions_not_before: datetime.datetime | None = None
        self.last_sign_in: datetime.datetime | None = None
        self.ended: tuple[str, ...] = ()  # sessions signed out (the latest 50)
        self.tokens: dict[str, tuple[str, datetime.datetime, bool]] = {}  # id → (label, expires, revoked)

    # ---- administration --------------------------------------------------------------------
    @classmethod
    def register(
        cls,
        tenant: str,
        username: str,
        display_name: str,
        roles: tuple[Role, ...],
        kind: AccountKind = AccountKind.PERSON,
        name: Sealed | None = None,
        phone: Sealed | None = None,
    ) -> User:
        """A person's name and phone come sealed (``name``/``phone``; ``display_name`` then stays
        empty); a service account's ``display_name`` is the system's name, in the clear."""
        check_code(tenant)
        if not _USERNAME.match(username):
            raise DomainError(
                "用户名只能包含字母、数字和 _.@-（以字母或数字开头），长度2–64",
                code="user.username_invalid",
                row=username,
            )
        if not roles:
            raise DomainError("用户至少需要一个角色", code="user.roles_empty", row=username)
        user: User = cls._start(
            cls.Registered,
            id=user_id(tenant, username),
            tenant=tenant,
            username=username,
            display_name=display_name.strip() if name is None else "",
            roles=tuple(dict.fromkeys(roles)),
            kind=kind,
            name=name,
            phone=phone,
        )
        return user

    def change_contact(self, name: Sealed | None, phone: Sealed | None) -> None:
        if self.erased:
            raise InvalidState("此人的个人信息已删除，不能再记录", code="user.erased")
        if (name, phone) != (self.name, self.phone):
            self._emit(self.ContactChanged, name=name, phone=phone)

    def personal_data_erased(self, reason: str) -> None:
        """Record that the person's key was destroyed (the application destroyed it first)."""
        _need_reason(reason, self.username)
        if not self.erased:
            self._emit(self.PersonalDataErased, reason=reason)

    def change_roles(self, roles: tuple[Role, ...], reason: str) -> None:
        if not roles:
            raise DomainError("用户至少需要一个角色", code="user.roles_empty", row=self.username)
        _need_reason(reason, self.username)
        if tuple(dict.fromkeys(roles)) != self.roles:
            self._emit(self.RolesChanged, reason=reason, roles=tuple(dict.fromkeys(roles)))

    def password_set(self, *, by_self: bool, reason: str) -> None:
        """Record that a password was set (the application checked and hashed it)."""
        if self.kind is AccountKind.SERVICE:
            raise InvalidState("系统账户没有密码，请为它签发 API 令牌", code="user.service_password")
        self._emit(self.PasswordSet, reason=reason, by_self=by_self)

    def disable(self, reason: str) -> None:
        _need_reason(reason, self.username)
        if not self.disabled:
            self._emit(self.Disabled, reason=reason)

    def enable(self, reason: str) -> None:
        _need_reason(reason, self.username)
        if self.disabled or self.locked_until is not None:
            self._emit(self.Enabled, reason=reason)

    # ---- signing in ------------------------------------------------------------------------
    def refusal(self, now: datetime.datetime, *, needs_password: bool = True) -> SignInCause | None:
        """Why this account may not sign in now, before its password is even looked at
        (``needs_password``: False for single sign-on, where the provider checked the person)."""
        if self.kind is AccountKind.SERVICE:
            return SignInCause.SERVICE
        if self.disabled:
            return SignInCause.DISABLED
        if self.locked_until is not None and now < self.locked_until:
            return SignInCause.LOCKED
        if needs_password and not self.has_password:
            return SignInCause.NO_PASSWORD
        return None

    def sign_in(
        self,
        *,
        now: datetime.datetime,
        password_ok: bool,
        session: str,
        expires: datetime.datetime,
        method: str = "password",
    ) -> SignInCause | None:
        """Record an attempt: ``SignedIn``, or ``SignInFailed`` (and ``LockedOut`` at the limit).
        Returns why it failed, or None. Failures are recorded, not refused: the record is the point."""
        check_id(session, "会话编号")
        cause = self.refusal(now, needs_password=method == "password")
        if cause is None and not password_ok:
            cause = SignInCause.PASSWORD
        if cause is None:
            self._emit(self.SignedIn, session=session, method=method, expires=expires)
            return None
        attempt = self.failures + 1 if cause is SignInCause.PASSWORD else self.failures
        self._emit(self.SignInFailed, cause=cause, attempt=attempt)
        if cause is SignInCause.PASSWORD and attempt >= MAX_FAILURES:
            self._emit(self.LockedOut, until=now + datetime.timedelta(minutes=LOCK_MINUTES))
        return cause

    def sign_out(self, session: str) -> None:
        check_id(session, "会话编号")
        if session not in self.ended:
            self._emit(self.SignedOut, session=session)

    # ---- service accounts' tokens ----------------------------------------------------------
    def issue_token(
        self, token_id: str, label: str, expires: datetime.datetime, now: datetime.datetime
    ) -> None:
        if self.kind is not AccountKind.SERVICE:
            raise InvalidState("只有系统账户可以签发 API 令牌", code="user.not_service")
        if self.disabled:
            raise InvalidState("账户已停用，不能签发令牌", code="user.disabled")
        check_id(token_id, "令牌编号")
        if not label.strip():
            raise DomainError("请为令牌写明用途", code="token.label_missing")
        if expires <= now or expires > now + datetime.timedelta(days=366):
            raise DomainError("令牌有效期须在一年以内", code="token.expiry_invalid")
        self._emit(
            self.TokenIssued, reason=label.strip(), token_id=token_id, label=label.strip(), expires=expires
        )

    def revoke_token(self, token_id: str, reason: str) -> None:
        _need_reason(reason, token_id)
        if token_id not in self.tokens:
            raise DomainError("没有这个令牌", code="token.unknown", row=token_id)
        if not self.tokens[token_id][2]:
            self._emit(self.TokenRevoked, reason=reason, token_id=token_id)

    def token_valid(self, token_id: str, now: datetime.datetime) -> bool:
        found = self.tokens.get(token_id)
        return found is not None and not found[2] and now < found[1] and not self.disabled


def _need_reason(reason: str, row: str) -> None:
    if not reason.strip():
        raise DomainError("必须填写原因", code="reason.missing", row=row)
