"""Who sees what: the isolation matrix over every endpoint, RLS as a second wall, tokens,
If-Match and Idempotency-Key, problem+json errors."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from domain.tenants import Role
from projections.core.scope import SET_SCOPE_SQL, listed, load_key, subtree
from tests.api.conftest import Live

OWN, PARENT, CHILD, SIBLING, UNRELATED = "360100", "360000", "360102", "360200", "652829"


@pytest.fixture(scope="module")
def resource(live: Live) -> Iterator[dict[str, str]]:
    """A project, its self-evaluation with one indicator and one deduction, in bureau 360100."""
    own = live.token(OWN, Role.PREPARER, Role.EVALUATOR, user="owner.360100")
    with live.client() as http:
        project = http.post(
            "/api/v1/projects", headers=own, json={"code": "SEC-1", "name": "安全测试项目", "year": 2023}
        ).json()["id"]
        r = http.post(
            f"/api/v1/projects/{project}/entries",
            headers=own,
            json={
                "kind": "initial_budget",
                "source": "当年财政拨款",
                "amount": "1000.00",
                "date": "2023-01-05",
            },
        )
        assert r.status_code == 201, r.text
        ev = http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=own,
            json={"kind": "self", "evaluator_name": "自评"},
        ).json()["id"]
        spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
        assert http.post(f"/api/v1/evaluations/{ev}/indicators", headers=own, json=spec).status_code == 200
        assert (
            http.put(
                f"/api/v1/evaluations/{ev}/indicators/1/actual",
                headers=own,
                json={"given": {"points": "100"}},
            ).status_code
            == 200
        )
        r = http.post(
            f"/api/v1/evaluations/{ev}/deductions",
            headers=own,
            json={"deduction_id": "D1", "indicator": "1", "points": "1", "reason": "材料不全"},
        )
        assert r.status_code == 201, r.text
    live.settle()
    yield {"project": project, "evaluation": ev}


def _endpoints(r: dict[str, str]) -> list[tuple[str, str, str, Any, tuple[Role, ...]]]:
    """(kind, method, path, body, roles that may call it): kind is 'read' or 'write'."""
    p, e = r["project"], r["evaluation"]
    history = (Role.AUDITOR,)
    prepare = (Role.PREPARER, Role.EVALUATOR)  # services/api/access.py: PREPARE
    return [
        ("read", "GET", f"/api/v1/tenants/{OWN}", None, (Role.PREPARER,)),
        ("read", "GET", f"/api/v1/tenants/{OWN}/evaluations", None, (Role.PREPARER,)),
        ("read", "GET", f"/api/v1/tenants/{OWN}/rollup?year=2023", None, (Role.PREPARER,)),
        ("read", "GET", f"/api/v1/projects/{p}/ledger", None, (Role.PREPARER,)),
        ("read", "GET", f"/api/v1/evaluations/{e}", None, (Role.PREPARER,)),
        ("read", "GET", f"/api/v1/evaluations/{e}?version=2", None, history),
        ("read", "GET", f"/api/v1/projects/{p}/ledger?version=1", None, history),
        ("read", "GET", f"/api/v1/evaluations/{e}/history", None, history),
        ("read", "GET", f"/api/v1/evaluations/{e}/deductions/D1/history", None, history),
        (
            "write",
            "POST",
            f"/api/v1/projects/{p}/entries",
            {"kind": "expenditure", "source": "当年财政拨款", "amount": "1.00", "date": "2023-02-01"},
            prepare,
        ),
        ("write", "PUT", f"/api/v1/projects/{p}/summary", {"achieved": "完成"}, prepare),
        (
            "write",
            "POST",
            f"/api/v1/evaluations/{e}/indicators",
            {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}},
            prepare,
        ),
        (
            "write",
            "PUT",
            f"/api/v1/evaluations/{e}/indicators/1/actual",
            {"given": {"points": "99"}},
            prepare,
        ),
        ("write", "PUT", f"/api/v1/evaluations/{e}/indicators/1/deviation", {"note": "说明"}, prepare),
        (
            "write",
            "POST",
            f"/api/v1/evaluations/{e}/deductions",
            {"deduction_id": "DX", "indicator": "1", "points": "0.5", "reason": "r"},
            (Role.EVALUATOR,),
        ),
        (
            "write",
            "PUT",
            f"/api/v1/evaluations/{e}/deductions/D1",
            {"points": "0.5", "reason": "复核"},
            (Role.EVALUATOR,),
        ),
        (
            "write",
            "POST",
            f"/api/v1/evaluations/{e}/deductions/DX/withdraw",
            {"reason": "撤销"},
            (Role.EVALUATOR,),
        ),
        ("write", "POST", f"/api/v1/evaluations/{e}/return", {"reason": "退回"}, (Role.REVIEWER,)),
        ("write", "POST", f"/api/v1/evaluations/{e}/reopen", {"reason": "重开"}, (Role.REVIEWER,)),
        (
            "write",
            "POST",
            f"/api/v1/tenants/{OWN}/users",
            {"username": "new.user", "display_name": "新用户", "roles": ["auditor"]},
            (Role.ADMIN,),
        ),
        (
            "write",
            "PUT",
            f"/api/v1/tenants/{OWN}/users/auditor.{OWN}/roles",
            {"roles": ["auditor"], "reason": "核对"},
            (Role.ADMIN,),
        ),
        (
            "write",
            "POST",
            f"/api/v1/tenants/{OWN}/users/auditor.{OWN}/enable",
            {"reason": "核对"},
            (Role.ADMIN,),
        ),
    ]


def _call(http: httpx.Client, method: str, path: str, body: Any, headers: dict[str, str]) -> httpx.Response:
    return http.request(method, path, json=body, headers=headers)


def test_isolation_matrix(live: Live, resource: dict[str, str]) -> None:
    expired = live.token(
        OWN,
        now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2),
        ttl=datetime.timedelta(hours=1),
    )
    forged = {"Authorization": "Bearer " + live.token(OWN)["Authorization"].split()[1][:-4] + "AAAA"}
    failures: list[str] = []
    cells = 0
    with live.client() as http:
        for kind, method, path, body, roles in _endpoints(resource):
            wrong = [
                r
                for r in Role
                if r not in roles
                and r is not Role.ADMIN
                and not (kind == "read" and roles == (Role.PREPARER,))
            ]
            callers: list[tuple[str, dict[str, str], set[int]]] = [
                ("own", live.token(OWN, *roles), {200, 201, 409, 422} if kind == "write" else {200}),
                ("parent", live.token(PARENT, *roles), {403} if kind == "write" else {200}),
                ("child", live.token(CHILD, *roles), {404}),
                ("sibling", live.token(SIBLING, *roles), {404}),
                ("unrelated", live.token(UNRELATED, *roles), {404}),
                ("no token", {}, {401}),
                ("expired", expired, {401}),
                ("forged", forged, {401}),
            ]
            if wrong:
                callers.append(("wrong role", live.token(OWN, wrong[0]), {403}))
            for who, headers, expected in callers:
                r = _call(http, method, path, body, headers)
                cells += 1
                if r.status_code not in expected:
                    failures.append(
                        f"{who:10} {method} {path}: {r.status_code} (expected {sorted(expected)}) {r.text[:120]}"
                    )
                if r.status_code >= 400:
                    assert r.headers["content-type"].startswith("application/problem+json"), r.text
                    problem = r.json()
                    assert problem["status"] == r.status_code and problem["code"] and problem["title"]
                if who in ("child", "sibling", "unrelated") and r.status_code == 404:
                    assert r.json()["code"] == "not_found" and "安全测试项目" not in r.text  # as if absent
    assert cells > 150
    assert not failures, "\n".join(failures)


def test_rls_is_a_second_wall(live: Live, resource: dict[str, str]) -> None:
    """Queried directly as the API's database role, the read models show only the rows of a scope
    signed with the platform's key; a scope the reader sets itself shows nothing."""
    with psycopg.connect(live.database_url) as owner:
        key = load_key(owner)
    with psycopg.connect(live.database_url) as conn:
        conn.execute("SET ROLE jixiao_reader")
        tables = [
            ("rm_scorecards", "scorecards"),
            ("rm_ledgers", "projects"),
            ("rm_ledgers", "entries"),
            ("rm_audit", "changes"),
            ("rm_tenants", "users"),
        ]

        def seen(schema: str, table: str) -> set[str]:
            return {r[0] for r in conn.execute(f"SELECT DISTINCT tenant FROM {schema}.{table}")}

        for schema, table in tables:
            assert seen(schema, table) == set(), table  # no scope: nothing
            conn.execute(SET_SCOPE_SQL, (listed([UNRELATED]), key.sign(listed([UNRELATED]))))
            assert seen(schema, table) <= {UNRELATED}, table
            conn.execute(SET_SCOPE_SQL, (subtree(OWN), key.sign(subtree(OWN))))
            assert seen(schema, table) <= {OWN, CHILD} and OWN in seen(schema, table), table
            # the reader forging a wider scope: an unsigned, a re-signed-elsewhere or an altered one
            for forged, sig in (
                (subtree(PARENT), "0" * 64),
                (subtree(PARENT), key.sign(subtree(OWN))),
                (listed([OWN, SIBLING]), key.sign(listed([OWN]))),
            ):
                conn.execute(SET_SCOPE_SQL, (forged, sig))
                assert seen(schema, table) == set(), (table, forged)
            conn.execute(
                "SELECT set_config('jixiao.tenants', %s, false)", (f"{OWN},{PARENT}",)
            )  # the old setting
            assert seen(schema, table) == set(), table
            conn.execute("RESET jixiao.scope")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM jixiao_events")
        conn.rollback()
        conn.execute("SET ROLE jixiao_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT ipad FROM jixiao_scope_key")  # the key: never the reader's


def test_stale_if_match_answers_409_and_stores_nothing(live: Live, resource: dict[str, str]) -> None:
    h = live.token(OWN, Role.EVALUATOR)
    e = resource["evaluation"]
    with live.client() as http:
        current = http.get(f"/api/v1/evaluations/{e}?version=1", headers=live.token(OWN, Role.AUDITOR))
        assert current.status_code == 200
        fresh = http.put(f"/api/v1/evaluations/{e}/indicators/1/deviation", headers=h, json={"note": "基线"})
        etag = fresh.headers["etag"]
        before = live.events()
        stale = http.put(
            f"/api/v1/evaluations/{e}/deductions/D1",
            headers={**h, "If-Match": '"1"'},
            json={"points": "0.25", "reason": "过期版本上的修改"},
        )
        assert stale.status_code == 409, stale.text
        assert stale.json()["current_version"] == int(etag.strip('"'))
        assert live.events() == before
        ok = http.put(
            f"/api/v1/evaluations/{e}/deductions/D1",
            headers={**h, "If-Match": etag},
            json={"points": "0.25", "reason": "按当前版本修改"},
        )
        assert ok.status_code == 200 and ok.headers["etag"] == f'"{int(etag.strip(chr(34))) + 1}"'
        assert live.events() == before + 1


def test_one_idempotency_key_retried_ten_times_concurrently_stores_one_event(
    live: Live, resource: dict[str, str]
) -> None:
    h = {**live.token(OWN, Role.PREPARER), "Idempotency-Key": "retry-test-0001"}
    p = resource["project"]
    body = {
        "kind": "expenditure",
        "source": "当年财政拨款",
        "amount": "12.34",
        "date": "2023-03-01",
        "purpose": "重试",
    }
    before = live.events()
    results: list[httpx.Response] = []
    lock = threading.Lock()

    def send() -> None:
        with live.client() as http:
            r = http.post(f"/api/v1/projects/{p}/entries", headers=h, json=body)
        with lock:
            results.append(r)

    threads = [threading.Thread(target=send) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [r.status_code for r in results] == [201] * 10
    assert len({r.text for r in results}) == 1  # every retry got the first answer
    assert live.events() == before + 1
    with live.client() as http:
        reused = http.post(f"/api/v1/projects/{p}/entries", headers=h, json={**body, "amount": "99.00"})
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency.key_reused"
    assert live.events() == before + 1


def test_errors_are_problem_json_in_chinese(live: Live, resource: dict[str, str]) -> None:
    h = live.token(OWN, Role.EVALUATOR)
    e = resource["evaluation"]
    with live.client() as http:
        before = live.events()
        malformed = http.post(
            f"/api/v1/evaluations/{e}/deductions",
            headers={**h, "content-type": "application/json"},
            content=b"{not json",
        )
        assert malformed.status_code == 400
        wrong_type = http.post(
            f"/api/v1/evaluations/{e}/deductions",
            headers=h,
            json={"deduction_id": "D9", "indicator": "1", "points": "很多", "reason": "x"},
        )
        assert wrong_type.status_code == 400 and "points" in wrong_type.json()["detail"]
        refused = http.post(
            f"/api/v1/evaluations/{e}/deductions",
            headers=h,
            json={"deduction_id": "D9", "indicator": "1", "points": "500", "reason": "过多"},
        )
        assert refused.status_code == 422
        assert refused.json()["code"].startswith("deduction") and refused.json()["row"]
        too_big = http.post(
            f"/api/v1/evaluations/{e}/deductions", headers=h, content=b"x" * (2 * 1024 * 1024)
        )
        assert too_big.status_code == 413
        unknown = http.get(f"/api/v1/evaluations/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=h)
        assert unknown.status_code == 404
        assert live.events() == before
        for r in (malformed, wrong_type, refused, too_big, unknown):
            body = r.json()
            assert r.headers["content-type"].startswith("application/problem+json")
            assert any("\u4e00" <= ch <= "\u9fff" for ch in body["title"] + body["detail"])
            assert "Traceback" not in r.text and r.headers.get("x-correlation-id")


def test_third_party_token_sees_only_its_evaluation_until_it_expires(
    live: Live, resource: dict[str, str]
) -> None:
    e, p = resource["evaluation"], resource["project"]
    granted = live.token(OWN, Role.EVALUATOR, user="third.party", evaluations=(e,))
    lapsed = live.token(
        OWN,
        Role.EVALUATOR,
        user="third.party",
        evaluations=(e,),
        now=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1),
        ttl=datetime.timedelta(hours=2),
    )
    with live.client() as http:
        assert http.get(f"/api/v1/evaluations/{e}", headers=granted).status_code == 200
        assert (
            http.put(
                f"/api/v1/evaluations/{e}/indicators/1/deviation", headers=granted, json={"note": "第三方"}
            ).status_code
            == 200
        )
        assert http.get(f"/api/v1/projects/{p}/ledger", headers=granted).status_code == 404
        assert http.get(f"/api/v1/tenants/{OWN}/evaluations", headers=granted).status_code == 404
        assert http.get(f"/api/v1/evaluations/{e}", headers=lapsed).status_code == 401


def test_rate_limit_answers_429(live: Live) -> None:
    from services.api.ratelimit import RateLimiter

    limiter = RateLimiter(rate_per_second=5, burst=3)
    waits = [limiter.take("token-a") for _ in range(4)]
    assert waits[:3] == [0, 0, 0] and waits[3] > 0
    assert limiter.take("token-b") == 0


def test_health_readiness_metrics(live: Live) -> None:
    with live.client() as http:
        assert http.get("/healthz").json() == {"status": "ok"}
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        metrics = http.get("/metrics").text
        assert "jixiao_http_requests_total" in metrics and "jixiao_projection_lag_events" in metrics
        assert "jixiao_relay_lag_events" in metrics
