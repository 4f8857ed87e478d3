"""The application's account commands: registering people and service accounts, passwords,
signing in and out, roles, disabling, and service tokens — ``Accounts``, beside the
``JixiaoApplication`` it runs its commands on, with the password store (``credentials.py``).

Signing in is the one command without a caller: the password is the credential. It is decided
like any other — load the account, check the password (Argon2, on the calling worker thread),
record ``SignedIn`` or ``SignInFailed`` (and ``LockedOut`` at the limit) — and a failure is
recorded, then answered as a refusal. The answer never tells an unknown user from a wrong
password. What signs the session (a cookie's token) is the HTTP layer's business: the command
returns the facts a session carries.
"""

from __future__ import annotations

import datetime
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from argon2 import PasswordHasher

from domain.context import Actor
from domain.errors import DomainError, InvalidState, NotFound
from domain.ids import user_id
from domain.tenants import Role, check_code
from domain.users import CAUSE_LABEL, AccountKind, SignInCause, User, check_password
from services.app.application import JixiaoApplication
from services.app.commands import users as commands
from services.app.commands.inputs import (
    ChangeContact,
    ChangeOwnPassword,
    ChangeRoles,
    IssueToken,
    RegisterUser,
    SetPassword,
    SignIn,
    WithReason,
)
from services.app.commands.spec import Change, Done
from services.app.credentials import HASHER, Credentials, hash_password, verify_password
from services.app.errors import Forbidden
from services.app.personal import Personal
from services.app.policy import Caller, Target

SESSION_HOURS = 8  # a working day; a longer one signs in again


class SignInRefused(DomainError):
    """A sign-in that failed: recorded as an event where there is an account, answered as 401."""

    code = "auth.sign_in_failed"


@dataclass(frozen=True)
class Session:
    """What a signed-in session carries: whom, which roles, until when."""

    session: str
    tenant: str
    username: str
    display_name: str
    roles: tuple[Role, ...]
    expires: datetime.datetime


@dataclass(frozen=True)
class ServiceToken:
    token_id: str
    tenant: str
    username: str
    roles: tuple[Role, ...]
    expires: datetime.datetime


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Accounts:
    def __init__(
        self,
        app: JixiaoApplication,
        credentials: Credentials,
        personal: Personal,
        clock: Callable[[], datetime.datetime] = utc_now,
        hasher: PasswordHasher = HASHER,
    ) -> None:
        self.app = app
        self.credentials = credentials
        self.personal = personal
        self.clock = clock
        self.hasher = hasher

    # ---- administration ------------------------------------------------------------------
    def register_user(self, caller: Caller, tenant: str, body: RegisterUser) -> User:
        """A person (with a first password, when given; name and phone sealed with the person's
        own key) or a service account (its name in the clear)."""
        if body.password is not None:
            if body.kind is AccountKind.SERVICE:
                raise DomainError("系统账户没有密码，请为它签发 API 令牌", code="user.service_password")
            check_password(body.password, body.username)
        name = phone = None
        if body.kind is AccountKind.PERSON:
            self.app.authorize(caller, "user.register", Target(tenant))  # before a key is made
            subject = str(user_id(tenant, body.username))
            name = self.personal.seal(subject, body.display_name.strip() or body.username)
            phone = self.personal.seal(subject, body.phone) if body.phone else None
        account = commands.NewAccount(tenant, body, name, phone)
        user = self.app.create_with(caller, commands.REGISTER_USER, account)
        if body.password is not None:
            self._store_password(caller, user.id, body.password, "设置初始密码", commands.PASSWORD_RESET)
        return user

    def change_roles(self, caller: Caller, user: uuid.UUID, body: ChangeRoles) -> Done[User, None]:
        return self.app.execute(caller, commands.CHANGE_ROLES, user, body)

    def disable_user(self, caller: Caller, user: uuid.UUID, body: WithReason) -> Done[User, None]:
        return self.app.execute(caller, commands.DISABLE, user, body)

    def enable_user(self, caller: Caller, user: uuid.UUID, body: WithReason) -> Done[User, None]:
        return self.app.execute(caller, commands.ENABLE, user, body)

    def reset_password(self, caller: Caller, user: uuid.UUID, body: SetPassword) -> None:
        account = self.app.load(User, user)
        self.app.authorize(caller, "user.set_password", Target(account.tenant))
        check_password(body.password, account.username)
        self._store_password(caller, user, body.password, body.reason, commands.PASSWORD_RESET)

    def change_own_password(self, caller: Caller, body: ChangeOwnPassword) -> None:
        """The caller's own password, the current one given again."""
        self.app.authorize(caller, "me.change_password", None)
        uid = user_id(caller.tenant, caller.user)
        try:
            account = self.app.load(User, uid)
        except NotFound:
            raise Forbidden("此令牌不属于平台账户，不能修改密码", code="forbidden.no_account") from None
        if not verify_password(self.credentials.get(uid), body.current):
            raise DomainError("当前密码不正确", code="password.current_wrong")
        check_password(body.password, account.username)
        self.credentials.put(uid, hash_password(body.password, self.hasher))
        self.app.execute(caller, commands.PASSWORD_CHANGED, uid, None)

    def _store_password(
        self,
        caller: Caller,
        uid: uuid.UUID,
        password: str,
        reason: str,
        command: Change[User, WithReason, None, None],
    ) -> None:
        """The event first (authorized and recorded), then the hash: a failure in between leaves
        an account whose password must be set again, never a hash no event accounts for."""
        self.app.execute(caller, command, uid, WithReason(reason))
        self.credentials.put(uid, hash_password(password, self.hasher))

    def change_contact(self, caller: Caller, user: uuid.UUID, body: ChangeContact) -> Done[User, None]:
        account = self.app.load(User, user)
        self.app.authorize(caller, "user.change_contact", Target(account.tenant))
        if account.erased:
            raise InvalidState("此人的个人信息已删除，不能再记录", code="user.erased")
        subject = str(user)
        name = self.personal.seal(subject, body.display_name)
        phone = self.personal.seal(subject, body.phone) if body.phone else None
        return self.app.execute(caller, commands.CHANGE_CONTACT, user, (name, phone))

    def erase_personal(self, caller: Caller, user: uuid.UUID, body: WithReason) -> Done[User, None]:
        """Destroy the person's key, then record that it was destroyed: their name and phone in
        every event, snapshot and read model now read 已删除; the events themselves — and so the
        hash chain — stay exactly as they were."""
        account = self.app.load(User, user)
        self.app.authorize(caller, "user.erase_personal", Target(account.tenant))
        if not body.reason.strip():
            raise DomainError("必须填写原因", code="reason.missing")
        self.personal.erase(str(user))
        return self.app.execute(caller, commands.ERASED, user, body)

    def name_of(self, user: User) -> str:
        """A person's name (已删除 once erased), or a service account's."""
        return (
            self.personal.reveal(user.name, user.display_name) if user.name is not None else user.display_name
        )

    # ---- signing in and out ----------------------------------------------------------------
    def sign_in(self, body: SignIn, *, correlation_id: str = "") -> Session:
        """Check the password and record the attempt; ``SignInRefused`` (in Chinese) on failure."""
        generic = SignInRefused(CAUSE_LABEL[SignInCause.PASSWORD])
        try:
            check_code(body.tenant)
            uid = user_id(body.tenant, body.username)
            account = self.app.load(User, uid)
        except DomainError:
            verify_password(None, body.password)  # as long as a real check: no timing oracle
            raise generic from None
        refused = account.refusal(self.clock())
        password_ok = refused is None and verify_password(self.credentials.get(uid), body.password)
        return self._record_sign_in(account, password_ok, "password", correlation_id)

    def sign_in_external(self, tenant: str, username: str, *, correlation_id: str = "") -> Session:
        """A person the bureau's identity provider has signed in (single sign-on): the account
        must exist, be a person's and be enabled; the attempt is recorded like a password's."""
        try:
            check_code(tenant)
            account = self.app.load(User, user_id(tenant, username))
        except DomainError:
            raise SignInRefused(f"单位 {tenant} 没有账户 {username}，请联系本单位管理员登记") from None
        return self._record_sign_in(account, True, "oidc", correlation_id)

    def _record_sign_in(self, account: User, ok: bool, method: str, correlation_id: str) -> Session:
        now = self.clock()
        session = secrets.token_hex(16)
        expires = now + datetime.timedelta(hours=SESSION_HOURS)
        actor = Actor(account.username, "account", account.tenant, correlation_id or session)
        cause = self.app.change(
            actor,
            User,
            account.id,
            lambda u: u.sign_in(now=now, password_ok=ok, session=session, expires=expires, method=method),
        )
        if cause is SignInCause.PASSWORD:
            raise SignInRefused(CAUSE_LABEL[SignInCause.PASSWORD])
        if cause is not None:
            raise SignInRefused(CAUSE_LABEL[cause])
        fresh = self.app.load(User, account.id)
        return Session(session, fresh.tenant, fresh.username, self.name_of(fresh), fresh.roles, expires)

    def sign_out(self, caller: Caller, session: str) -> None:
        self.app.authorize(caller, "me.sign_out", None)
        uid = user_id(caller.tenant, caller.user)
        actor = Actor(caller.user, "account", caller.tenant, caller.correlation_id)
        try:
            self.app.change(actor, User, uid, lambda u: u.sign_out(session))
        except NotFound:
            return  # a token of no account (an operator's): nothing to record

    # ---- service tokens --------------------------------------------------------------------
    def issue_token(self, caller: Caller, account: uuid.UUID, body: IssueToken) -> ServiceToken:
        now = self.clock()
        token_id = secrets.token_hex(16)
        expires = now + datetime.timedelta(days=body.days)
        user = self.app.execute(
            caller, commands.ISSUE_TOKEN, account, (token_id, body.label, expires, now)
        ).aggregate
        return ServiceToken(token_id, user.tenant, user.username, user.roles, expires)

    def revoke_token(
        self, caller: Caller, account: uuid.UUID, token_id: str, body: WithReason
    ) -> Done[User, None]:
        return self.app.execute(caller, commands.REVOKE_TOKEN, account, (token_id, body))
