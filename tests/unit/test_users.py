"""Accounts in the domain and the application: rules, lock-out, sessions that end, tokens."""

from __future__ import annotations

import datetime

import pytest
from argon2 import PasswordHasher

from domain.context import Actor, acting
from domain.errors import DomainError, InvalidState
from domain.tenants import Role, TenantLevel
from domain.users import LOCK_MINUTES, MAX_FAILURES, AccountKind, SignInCause, User, check_password
from services.app.accounts import Accounts, SignInRefused
from services.app.commands.inputs import (
    ChangeRoles,
    IssueToken,
    RegisterUser,
    SetPassword,
    SignIn,
    WithReason,
)
from services.app.credentials import InMemoryCredentials
from services.app.errors import Forbidden
from services.app.personal import InMemoryKeyStore, Personal
from services.compose import build_in_memory
from tests.support import events_of, register, staff

NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
ACTOR = Actor("admin", "admin", "341182", "c")


@pytest.mark.parametrize(
    "password", ["short1A!", "alllowercaseletters", "ALLUPPER12345", "12345678901", "Zhangsan-2026"]
)
def test_password_rules(password: str) -> None:
    with pytest.raises(DomainError):
        check_password(password, "zhangsan")


def test_good_passwords_pass() -> None:
    check_password("Mingguang@2026", "zhangsan")
    check_password("correct horse battery 9", "zhangsan")


def _person() -> User:
    with acting(ACTOR):
        u = User.register("341182", "li.si", "李四", (Role.PREPARER,))
        u.password_set(by_self=False, reason="初始密码")
    return u


def test_five_failures_lock_the_account_for_a_while() -> None:
    u = _person()
    with acting(ACTOR):
        for n in range(1, MAX_FAILURES + 1):
            assert u.sign_in(now=NOW, password_ok=False, session=f"s{n}", expires=NOW) is SignInCause.PASSWORD
        assert u.locked_until == NOW + datetime.timedelta(minutes=LOCK_MINUTES)
        assert u.sign_in(now=NOW, password_ok=True, session="s9", expires=NOW) is SignInCause.LOCKED
        later = NOW + datetime.timedelta(minutes=LOCK_MINUTES, seconds=1)
        assert u.sign_in(now=later, password_ok=True, session="s10", expires=later) is None
    names = [type(e).__name__ for e in u.pending_events]
    assert (
        names.count("SignInFailed") == MAX_FAILURES + 1
        and names.count("LockedOut") == 1
        and names[-1] == "SignedIn"
    )


def test_service_accounts_hold_tokens_and_never_sign_in() -> None:
    with acting(ACTOR):
        svc = User.register("341182", "budget", "预算系统", (Role.AUDITOR,), AccountKind.SERVICE)
        assert svc.sign_in(now=NOW, password_ok=True, session="s1", expires=NOW) is SignInCause.SERVICE
        with pytest.raises(InvalidState):
            svc.password_set(by_self=False, reason="x")
        svc.issue_token("t1", "对接", NOW + datetime.timedelta(days=30), NOW)
        assert svc.token_valid("t1", NOW)
        svc.revoke_token("t1", "下线")
        assert not svc.token_valid("t1", NOW)
        with pytest.raises(DomainError):
            svc.issue_token("t2", "太久", NOW + datetime.timedelta(days=400), NOW)


def _accounts() -> tuple[Accounts, list[datetime.datetime]]:
    app = build_in_memory()
    register(app, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(app, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(app, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    clock = [NOW]
    return Accounts(
        app,
        InMemoryCredentials(),
        Personal(InMemoryKeyStore()),
        clock=lambda: clock[0],
        hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
    ), clock


def test_sign_in_through_the_application_records_every_attempt() -> None:
    accounts, _ = _accounts()
    admin = staff("341182", "admin", Role.ADMIN)
    person = accounts.register_user(
        admin, "341182", RegisterUser("li.si", "李四", [Role.PREPARER], password="Lisi-pass-2026")
    )
    session = accounts.sign_in(SignIn("341182", "li.si", "Lisi-pass-2026"))
    assert session.roles == (Role.PREPARER,) and session.expires > NOW
    with pytest.raises(SignInRefused) as refused:
        accounts.sign_in(SignIn("341182", "li.si", "wrong"))
    assert refused.value.message == "用户名或密码不正确"
    with pytest.raises(SignInRefused):  # no such account: the same answer, and nothing recorded
        accounts.sign_in(SignIn("341182", "nobody", "wrong"))
    kinds = [type(e).__name__ for e in events_of(accounts.app, person.id)]
    assert kinds == ["Registered", "PasswordSet", "SignedIn", "SignInFailed"]
    meta = events_of(accounts.app, person.id)[2].meta  # type: ignore[attr-defined]
    assert (meta.actor_id, meta.tenant) == ("li.si", "341182")


def test_only_the_bureaus_administrators_manage_its_accounts() -> None:
    accounts, _ = _accounts()
    admin = staff("341182", "admin", Role.ADMIN)
    person = accounts.register_user(
        admin, "341182", RegisterUser("li.si", "李四", [Role.PREPARER], password="Lisi-pass-2026")
    )
    with pytest.raises(Forbidden):  # the parent bureau's administrator
        accounts.change_roles(
            staff("341100", "boss", Role.ADMIN), person.id, ChangeRoles([Role.ADMIN], "越权")
        )
    with pytest.raises(Forbidden):  # not an administrator
        accounts.reset_password(
            staff("341182", "x", Role.PREPARER), person.id, SetPassword("Another-pass-2026")
        )
    with pytest.raises(DomainError):  # a weak reset
        accounts.reset_password(admin, person.id, SetPassword("weak"))
    accounts.disable_user(admin, person.id, WithReason("离岗"))
    with pytest.raises(SignInRefused) as refused:
        accounts.sign_in(SignIn("341182", "li.si", "Lisi-pass-2026"))
    assert "停用" in refused.value.message
    service = accounts.register_user(
        admin, "341182", RegisterUser("budget", "预算系统", [Role.AUDITOR], kind=AccountKind.SERVICE)
    )
    token = accounts.issue_token(admin, service.id, IssueToken("对接", days=7))
    assert token.expires == NOW + datetime.timedelta(days=7) and token.roles == (Role.AUDITOR,)
