"""The reviewer's comments reach whoever works on the evaluation; a project's ledger changes reach
the roles that may read histories, and nobody outside the bureau's line."""

from __future__ import annotations

from domain.tenants import Role
from tests.api.conftest import Live


def test_reviews_and_ledger_history(live: Live) -> None:
    team = live.token("360100", *Role, user="trail.360100")
    with live.client() as http:
        project = http.post(
            "/api/v1/projects", headers=team, json={"code": "TRAIL-1", "name": "意见", "year": 2023}
        ).json()["id"]
        ev = http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=team,
            json={"kind": "self", "evaluator_name": "自评"},
        ).json()["id"]
        spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
        http.post(f"/api/v1/evaluations/{ev}/indicators", headers=team, json=spec)
        http.post(f"/api/v1/evaluations/{ev}/submit", headers=team)
        http.post(f"/api/v1/evaluations/{ev}/return", headers=team, json={"reason": "请补充说明"})
        entry = {"kind": "initial_budget", "source": "当年财政拨款", "amount": "100", "date": "2023-01-01"}
        http.post(f"/api/v1/projects/{project}/entries", headers=team, json=entry)
        live.settle()
        preparer = live.token("360100", Role.PREPARER)
        reviews = http.get(f"/api/v1/evaluations/{ev}/reviews", headers=preparer)
        assert reviews.status_code == 200, reviews.text
        assert [(r["action"], r["reason"]) for r in reviews.json()] == [("提交", ""), ("退回", "请补充说明")]
        assert http.get(f"/api/v1/evaluations/{ev}/history", headers=preparer).status_code == 403
        assert http.get(f"/api/v1/projects/{project}/history", headers=preparer).status_code == 403
        history = http.get(f"/api/v1/projects/{project}/history", headers=live.token("360100", Role.AUDITOR))
        assert history.status_code == 200
        assert [c["action"] for c in history.json()] == ["Registered", "EntryRecorded"]
        parent = http.get(f"/api/v1/projects/{project}/history", headers=live.token("360000", Role.AUDITOR))
        assert parent.status_code == 200  # the province reads its cities' ledgers
        stranger = http.get(f"/api/v1/evaluations/{ev}/reviews", headers=live.token("360200", Role.AUDITOR))
        assert stranger.status_code == 404
