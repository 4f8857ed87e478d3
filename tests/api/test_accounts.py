"""Accounts over HTTP: sign-in with a session cookie and CSRF, lock-out, sign-out that revokes,
administrators managing people and service accounts, and every act in the audit trail."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import psycopg

from domain.tenants import Role
from services.commands.demo import DEMO_PASSWORD
from tests.api.conftest import Live

COUNTY = "341182"


@contextmanager
def _session(live: Live, tenant: str, user: str, password: str = DEMO_PASSWORD) -> Iterator[httpx.Client]:
    with live.client() as http:
        r = http.post("/api/v1/session", json={"tenant": tenant, "username": user, "password": password})
        assert r.status_code == 200, r.text
        assert r.cookies.get("jixiao_session") and r.json()["csrf"] == http.cookies.get("jixiao_csrf")
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        yield http


def _until(check: object, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("condition not reached")


def _audit(live: Live, tenant: str, user: str) -> list[str]:
    with psycopg.connect(live.database_url) as conn:
        rows = conn.execute(
            "SELECT action FROM rm_audit.changes WHERE tenant = %s AND aggregate_type = 'User' "
            "AND aggregate_id = (SELECT originator_id FROM jixiao_events e WHERE e.topic = 'domain.tenants:User.Registered' "
            "AND convert_from(e.state, 'UTF8')::jsonb ->> 'username' = %s) ORDER BY position",
            (tenant, user),
        ).fetchall()
    return [r[0] for r in rows]


def test_a_person_signs_in_works_with_csrf_and_signs_out(live: Live) -> None:
    with _session(live, COUNTY, "demo.341182") as http:
        me = http.get("/api/v1/me").json()
        assert me["user"] == "demo.341182" and "evaluator" in me["roles"]
        body = {"code": "ACC-1", "name": "会话项目", "year": 2023}
        assert http.post("/api/v1/projects", json=body).status_code == 403  # a change without the CSRF token
        csrf = http.cookies.get("jixiao_csrf") or ""
        done = http.post("/api/v1/projects", json=body, headers={"X-CSRF-Token": csrf})
        assert done.status_code == 201, done.text
        stolen = http.cookies.get("jixiao_session")
        assert http.delete("/api/v1/session", headers={"X-CSRF-Token": csrf}).status_code == 200
    with live.client() as other:  # the ended session, replayed from elsewhere, is dead too
        other.cookies.set("jixiao_session", stolen or "")
        _until(lambda: other.get("/api/v1/me").status_code == 401)
    live.settle()
    assert {"SignedIn", "SignedOut"} <= set(_audit(live, COUNTY, "demo.341182"))


def test_wrong_passwords_lock_the_account_and_say_nothing_of_existence(live: Live) -> None:
    with live.client() as http:
        unknown = http.post("/api/v1/session", json={"tenant": COUNTY, "username": "nobody", "password": "x"})
        wrong = http.post(
            "/api/v1/session",
            json={"tenant": COUNTY, "username": "auditor.341182", "password": "Wrong-pass-1"},
        )
        assert unknown.status_code == wrong.status_code == 401
        assert unknown.json()["detail"] == wrong.json()["detail"] == "用户名或密码不正确"
        for _ in range(4):
            http.post(
                "/api/v1/session",
                json={"tenant": COUNTY, "username": "auditor.341182", "password": "Wrong-pass-1"},
            )
        locked = http.post(
            "/api/v1/session",
            json={"tenant": COUNTY, "username": "auditor.341182", "password": DEMO_PASSWORD},
        )
        assert locked.status_code == 401 and "锁定" in locked.json()["detail"]
    live.settle()
    trail = _audit(live, COUNTY, "auditor.341182")
    assert trail.count("SignInFailed") == 6 and "LockedOut" in trail


def test_administrators_manage_people_and_service_accounts(live: Live) -> None:
    admin = live.token(COUNTY, Role.ADMIN, user="admin.341182")
    with live.client() as http:
        weak = http.post(
            f"/api/v1/tenants/{COUNTY}/users",
            headers=admin,
            json={"username": "wang.wu", "display_name": "王五", "roles": ["preparer"], "password": "short"},
        )
        assert weak.status_code == 422 and weak.json()["code"] == "password.weak"
        made = http.post(
            f"/api/v1/tenants/{COUNTY}/users",
            headers=admin,
            json={
                "username": "wang.wu",
                "display_name": "王五",
                "roles": ["preparer"],
                "password": "Wangwu-2026!",
            },
        )
        assert made.status_code == 201, made.text
        others = live.token("360100", Role.ADMIN)
        assert (
            http.post(
                f"/api/v1/tenants/{COUNTY}/users",
                headers=others,
                json={"username": "x.y", "display_name": "越权", "roles": ["admin"]},
            ).status_code
            == 404
        )
        parent = live.token("341100", Role.ADMIN)
        assert (
            http.post(
                f"/api/v1/tenants/{COUNTY}/users",
                headers=parent,
                json={"username": "x.y", "display_name": "上级", "roles": ["admin"]},
            ).status_code
            == 403
        )
    with _session(live, COUNTY, "wang.wu", "Wangwu-2026!") as person:
        assert person.get("/api/v1/me").status_code == 200
        with live.client() as http:
            roles = http.put(
                f"/api/v1/tenants/{COUNTY}/users/wang.wu/roles",
                headers=admin,
                json={"roles": ["preparer", "evaluator"], "reason": "兼任评价"},
            )
            assert roles.status_code == 200, roles.text
        _until(lambda: person.get("/api/v1/me").status_code == 401)  # new roles: sign in again
    with _session(live, COUNTY, "wang.wu", "Wangwu-2026!") as person:
        assert "evaluator" in person.get("/api/v1/me").json()["roles"]
        with live.client() as http:
            assert (
                http.post(
                    f"/api/v1/tenants/{COUNTY}/users/wang.wu/disable", headers=admin, json={"reason": "离岗"}
                ).status_code
                == 200
            )
        _until(lambda: person.get("/api/v1/me").status_code == 401)
    with live.client() as http:
        refused = http.post(
            "/api/v1/session", json={"tenant": COUNTY, "username": "wang.wu", "password": "Wangwu-2026!"}
        )
        assert refused.status_code == 401 and "停用" in refused.json()["detail"]
        service = http.post(
            f"/api/v1/tenants/{COUNTY}/users",
            headers=admin,
            json={
                "username": "budget-sys",
                "display_name": "预算系统",
                "roles": ["auditor"],
                "kind": "service",
            },
        )
        assert service.status_code == 201, service.text
        issued = http.post(
            f"/api/v1/tenants/{COUNTY}/users/budget-sys/tokens",
            headers=admin,
            json={"label": "预算系统对接", "days": 30},
        )
        assert issued.status_code == 201, issued.text
        token = {"Authorization": f"Bearer {issued.json()['token']}"}
        assert http.get(f"/api/v1/tenants/{COUNTY}/evaluations", headers=token).status_code == 200
        assert (
            http.post(
                "/api/v1/session",
                json={"tenant": COUNTY, "username": "budget-sys", "password": "Whatever-123!"},
            ).status_code
            == 401
        )
        live.settle()
        listed = http.get(f"/api/v1/tenants/{COUNTY}/tokens", headers=admin).json()
        assert [t["label"] for t in listed if t["username"] == "budget-sys"] == [
            "预算系统对接"
        ] and "token" not in listed[0]
        revoked = http.post(
            f"/api/v1/tenants/{COUNTY}/users/budget-sys/tokens/{issued.json()['token_id']}/revoke",
            headers=admin,
            json={"reason": "系统下线"},
        )
        assert revoked.status_code == 200, revoked.text
        _until(lambda: http.get(f"/api/v1/tenants/{COUNTY}/evaluations", headers=token).status_code == 401)
        accounts = {
            a["username"]: a for a in http.get(f"/api/v1/tenants/{COUNTY}/accounts", headers=admin).json()
        }
        assert accounts["wang.wu"]["disabled"] and accounts["budget-sys"]["kind"] == "service"
    live.settle()
    assert {"Registered", "PasswordSet", "SignedIn", "RolesChanged", "Disabled", "SignInFailed"} <= set(
        _audit(live, COUNTY, "wang.wu")
    )
    assert {"TokenIssued", "TokenRevoked"} <= set(_audit(live, COUNTY, "budget-sys"))


def test_a_person_changes_their_password(live: Live) -> None:
    with _session(live, "360100", "demo.360100") as http:
        csrf = {"X-CSRF-Token": http.cookies.get("jixiao_csrf") or ""}
        wrong = http.put(
            "/api/v1/me/password", headers=csrf, json={"current": "nope", "password": "Another-pass-2026"}
        )
        assert wrong.status_code == 422
        done = http.put(
            "/api/v1/me/password",
            headers=csrf,
            json={"current": DEMO_PASSWORD, "password": "Another-pass-2026"},
        )
        assert done.status_code == 200, done.text
    with live.client() as http:
        assert (
            http.post(
                "/api/v1/session",
                json={"tenant": "360100", "username": "demo.360100", "password": DEMO_PASSWORD},
            ).status_code
            == 401
        )
    with _session(live, "360100", "demo.360100", "Another-pass-2026") as http:
        csrf = {"X-CSRF-Token": http.cookies.get("jixiao_csrf") or ""}
        assert (
            http.put(
                "/api/v1/me/password",
                headers=csrf,
                json={"current": "Another-pass-2026", "password": DEMO_PASSWORD},
            ).status_code
            == 200
        )
