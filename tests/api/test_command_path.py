"""HTTP goes through the policy before anything else: the role is checked before the body is
read, and every command is the application's named command (the same one the tests call)."""

from __future__ import annotations

from domain.tenants import Role
from tests.api.conftest import Live


def _evaluation(live: Live, http: object, code: str) -> str:
    own = live.token("360100", Role.PREPARER, Role.EVALUATOR, user="path.360100")
    project = http.post(  # type: ignore[attr-defined]
        "/api/v1/projects", headers=own, json={"code": code, "name": "命令路径", "year": 2023}
    ).json()["id"]
    ev = http.post(  # type: ignore[attr-defined]
        f"/api/v1/projects/{project}/evaluations",
        headers=own,
        json={"kind": "self", "evaluator_name": "自评"},
    ).json()["id"]
    spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
    assert http.post(f"/api/v1/evaluations/{ev}/indicators", headers=own, json=spec).status_code == 200  # type: ignore[attr-defined]
    return str(ev)


def test_the_role_is_refused_before_the_body_is_read(live: Live) -> None:
    with live.client() as http:
        ev = _evaluation(live, http, "PATH-1")
        before = live.events()
        auditor = live.token("360100", Role.AUDITOR)
        for body in ({}, {"points": "x"}, "not json"):
            kwargs = {"json": body} if not isinstance(body, str) else {"content": body}
            r = http.post(f"/api/v1/evaluations/{ev}/deductions", headers=auditor, **kwargs)
            assert r.status_code == 403 and r.json()["code"] == "forbidden.role", r.text
        evaluator = live.token("360100", Role.EVALUATOR)
        r = http.post(f"/api/v1/evaluations/{ev}/deductions", headers=evaluator, json={})
        assert r.status_code == 400 and r.json()["code"] == "request.malformed"
        r = http.post(f"/api/v1/evaluations/{ev}/deductions", json={})
        assert r.status_code == 401
        assert live.events() == before


def test_a_parent_bureau_is_told_read_only_and_a_stranger_nothing(live: Live) -> None:
    with live.client() as http:
        ev = _evaluation(live, http, "PATH-2")
        body = {"deduction_id": "X1", "indicator": "1", "points": "1", "reason": "越权"}
        parent = http.post(
            f"/api/v1/evaluations/{ev}/deductions", headers=live.token("360000", Role.EVALUATOR), json=body
        )
        assert parent.status_code == 403 and parent.json()["code"] == "forbidden.read_only"
        stranger = http.post(
            f"/api/v1/evaluations/{ev}/deductions", headers=live.token("652829", Role.EVALUATOR), json=body
        )
        assert stranger.status_code == 404
        own = http.post(
            f"/api/v1/evaluations/{ev}/deductions", headers=live.token("360100", Role.EVALUATOR), json=body
        )
        assert own.status_code == 201 and own.json()["total"] == "99.00"
