"""Why a score is what it is, and what it would be under other rules — over HTTP, on the real
server: the lineage of a ledger-rate score (figures, event positions, steps), a discretionary
score with its reason, what-if by rule version, by rounding policy, over the history, and refusals
that change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.tenants import Role
from tests.api.conftest import Live

EVERYONE = ("360100", *Role)


def _evaluation(live: Live, http: Any, code: str) -> str:
    own = live.token(*EVERYONE, user="score.360100")
    project = http.post(
        "/api/v1/projects", headers=own, json={"code": code, "name": "为什么", "year": 2023}
    ).json()["id"]
    for kind, amount in (
        ("initial_budget", "10000.00"),
        ("received", "10000.00"),
        ("expenditure", "8741.38"),
    ):
        r = http.post(
            f"/api/v1/projects/{project}/entries",
            headers=own,
            json={"kind": kind, "source": "当年财政拨款", "amount": amount, "date": "2023-06-30"},
        )
        assert r.status_code == 201, r.text
    ev = http.post(
        f"/api/v1/projects/{project}/evaluations",
        headers=own,
        json={"kind": "self", "evaluator_name": "自评"},
    ).json()["id"]
    specs = [
        {"key": "1", "name": "全部", "weight": "100"},
        {
            "key": "1.1",
            "name": "预算执行率",
            "weight": "10",
            "parent": "1",
            "ledger_source": "execution_rate",
            "rule": {"kind": "proportional", "rounding_policy": {"rate": "fraction", "rate_places": 2}},
        },
        {"key": "1.2", "name": "档案管理", "weight": "90", "parent": "1", "rule": {"kind": "judgement"}},
    ]
    for spec in specs:
        r = http.post(f"/api/v1/evaluations/{ev}/indicators", headers=own, json=spec)
        assert r.status_code == 200, r.text
    assert http.post(f"/api/v1/evaluations/{ev}/ledger-sync", headers=own).status_code == 200
    judged = http.put(
        f"/api/v1/evaluations/{ev}/indicators/1.2/judgement",
        headers=own,
        json={"points": "80", "reason": "档案基本齐全，个别缺页"},
    )
    assert judged.status_code == 200, judged.text
    assert judged.json()["total"] == "88.70"
    return str(ev)


def test_lineage_shows_figures_steps_discretion_and_event_positions(live: Live) -> None:
    with live.client() as http:
        ev = _evaluation(live, http, "WHY-1")
        live.settle()
        auditor = live.token("360100", Role.AUDITOR)
        r = http.get(f"/api/v1/evaluations/{ev}/indicators/1.1/lineage", headers=auditor)
        assert r.status_code == 200, r.text
        body = r.json()
        lin = body["lineage"]
        assert lin["rule_version"] == 2 and "小数（比值）保留2位小数" in lin["rounding"]
        assert lin["ledger"]["spent"] == "8741.38" and lin["score"] == "8.70"
        assert lin["steps"][0].startswith("台账：预算执行率") and lin["steps"][-1].endswith("8.70")
        assert [e["action"] for e in body["ledger_events"]] == ["EntryRecorded"] * 3
        assert all(e["position"] > 0 for e in body["events"] + body["ledger_events"])
        assert "LedgerFiguresSynced" in [e["action"] for e in body["events"]]
        judged = http.get(f"/api/v1/evaluations/{ev}/indicators/1.2/lineage", headers=auditor).json()
        assert judged["lineage"]["judged"] == {"points": "80", "reason": "档案基本齐全，个别缺页"}
        assert [e["reason"] for e in judged["events"] if e["action"] == "ScoreJudged"] == [
            "档案基本齐全，个别缺页"
        ]
        card = http.get(f"/api/v1/evaluations/{ev}", headers=auditor).json()
        assert "score.discretionary" in [f["code"] for f in card["flags"]]
        missing = http.get(f"/api/v1/evaluations/{ev}/indicators/9.9/lineage", headers=auditor)
        assert missing.status_code == 404
        stranger = http.get(
            f"/api/v1/evaluations/{ev}/indicators/1.1/lineage", headers=live.token("360200", Role.AUDITOR)
        )
        assert stranger.status_code == 404


def test_what_if_changes_nothing_and_shows_the_rows_that_move(live: Live) -> None:
    with live.client() as http:
        ev = _evaluation(live, http, "WHY-2")
        auditor = live.token("360100", Role.AUDITOR)
        before = live.events()
        v1 = http.post(f"/api/v1/evaluations/{ev}/what-if", headers=auditor, json={"rule_version": 1})
        assert v1.status_code == 200, v1.text
        [now] = v1.json()
        assert now["total"] == "88.70" and now["alternative_total"] == "88.74"
        assert now["moved"] == [{"key": "1.1", "name": "预算执行率", "score": "8.70", "alternative": "8.74"}]
        exact = http.post(
            f"/api/v1/evaluations/{ev}/what-if", headers=auditor, json={"rounding_policy": {"rate": "exact"}}
        ).json()[0]
        assert exact["alternative_total"] == "88.74"  # 87.4138 % × 10 = 8.741 → 8.74
        other_rule = http.post(
            f"/api/v1/evaluations/{ev}/what-if",
            headers=auditor,
            json={
                "rules": {
                    "1.1": {
                        "kind": "bands",
                        "bands": [{"min_pct": "90", "points": "10"}, {"min_pct": "80", "points": "6"}],
                    }
                }
            },
        ).json()[0]
        assert other_rule["moved"][0]["alternative"] == "6.00"
        history = http.post(
            f"/api/v1/evaluations/{ev}/what-if", headers=auditor, json={"rule_version": 1, "history": True}
        )
        assert history.status_code == 200, history.text
        versions = history.json()
        assert [v["version"] for v in versions] == sorted(v["version"] for v in versions)
        assert versions[-1] == now
        assert any(Decimal(v["total"]) != Decimal(v["alternative_total"]) for v in versions)
        for bad, code in (
            ({"rule_version": 3}, 400),
            ({"rules": {"9.9": {"kind": "manual"}}}, 422),
            ({"template_revision": 1}, 422),
            ({"unknown": True}, 400),
        ):
            r = http.post(f"/api/v1/evaluations/{ev}/what-if", headers=auditor, json=bad)
            assert r.status_code == code, (bad, r.text)
        assert live.events() == before  # nothing stored changed
