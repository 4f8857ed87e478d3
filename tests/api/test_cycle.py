"""The year's first half over HTTP on the real server: a district declares its targets, submits;
the city reviews (the district may not), the city's finance side approves; an adjustment is
requested and approved; the city opens a monitoring round, the district answers and submits, the
warning shows on the city's dashboard and on the NATS-facing history; the evaluation of the year
starts from the approved targets; refusals change nothing."""

from __future__ import annotations

from typing import Any

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, CITY = "360102", "360100"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def test_targets_reviewed_approved_adjusted_then_monitored_and_evaluated(live: Live) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, user="prep.360102")
    reviewer, finance = live.token(CITY, Role.REVIEWER), live.token(CITY, Role.FINANCE)
    with live.client() as http:
        project = _ok(
            http.post(
                "/api/v1/projects", headers=unit, json={"code": "CY-API", "name": "全周期", "year": 2024}
            ),
            201,
        )["id"]
        for kind, amount, day in (
            ("initial_budget", "100000", "2024-01-02"),
            ("expenditure", "30000", "2024-06-30"),
        ):
            _ok(
                http.post(
                    f"/api/v1/projects/{project}/entries",
                    headers=unit,
                    json={"kind": kind, "source": "当年财政拨款", "amount": amount, "date": day},
                ),
                201,
            )
        d = _ok(
            http.post(
                f"/api/v1/projects/{project}/targets",
                headers=unit,
                json={"details": {"annual_goal": "全年目标"}},
            ),
            201,
        )["id"]
        for row in (
            {"key": "1", "name": "产出指标", "weight": "100"},
            {
                "key": "1.1",
                "name": "参保人数",
                "weight": "100",
                "parent": "1",
                "value": "≥30万人",
                "nature": "≥",
            },
        ):
            _ok(http.put(f"/api/v1/targets/{d}/indicators", headers=unit, json={"indicator": row}))
        _ok(http.post(f"/api/v1/targets/{d}/submit", headers=unit))
        own = http.post(
            f"/api/v1/targets/{d}/review",
            headers=live.token(DISTRICT, Role.REVIEWER),
            json={"stage": "supervisor", "grade": "优"},
        )
        assert own.status_code == 403 and own.json()["code"] == "forbidden.own_review"
        assert (
            http.post(
                f"/api/v1/targets/{d}/review", headers=unit, json={"stage": "supervisor", "grade": "优"}
            ).status_code
            == 403
        )
        _ok(
            http.post(
                f"/api/v1/targets/{d}/review", headers=reviewer, json={"stage": "supervisor", "grade": "优"}
            )
        )
        _ok(
            http.post(
                f"/api/v1/targets/{d}/review",
                headers=finance,
                json={"stage": "finance", "grade": "优", "opinion": "同意"},
            )
        )
        adjust = {
            "adjustment_id": "A1",
            "reason": "政策调整",
            "indicators": [
                {"key": "1.1", "name": "参保人数", "weight": "100", "parent": "1", "value": "≥28万人"}
            ],
        }
        no_reason = http.post(f"/api/v1/targets/{d}/adjustments", headers=unit, json=adjust | {"reason": ""})
        assert no_reason.status_code == 400
        _ok(http.post(f"/api/v1/targets/{d}/adjustments", headers=unit, json=adjust), 201)
        _ok(
            http.post(
                f"/api/v1/targets/{d}/adjustments/A1/decision",
                headers=finance,
                json={"approve": True, "reason": "同意"},
            )
        )
        view = _ok(
            http.get(f"/api/v1/projects/{project}/targets", headers=unit, params={"targets_version": 1})
        )
        assert view["status"] == "approved" and len(view["versions"]) == 2
        assert view["targets"]["indicators"][1]["value"] == "≥30万人"  # version 1 as approved
        auditor = live.token(CITY, Role.AUDITOR)
        past = _ok(http.get(f"/api/v1/projects/{project}/targets", headers=auditor, params={"version": 2}))
        assert past["status"] == "draft" and len(past["indicators"]) == 1  # as it stood at version 2
        assert (
            http.get(
                f"/api/v1/projects/{project}/targets", headers=auditor, params={"version": 999}
            ).status_code
            == 422
        )
        live.settle()
        history = _ok(http.get(f"/api/v1/targets/{d}/history", headers=auditor))
        assert [c["action"] for c in history].count("Reviewed") == 2

        opened = _ok(
            http.post(
                f"/api/v1/tenants/{CITY}/monitoring/rounds",
                headers=reviewer,
                json={"year": 2024, "name": "1–7月", "period_end": "2024-07-31", "deadline": "2099-08-20"},
            ),
            201,
        )["id"]
        report = _ok(
            http.post(f"/api/v1/monitoring/rounds/{opened}/projects/{project}/report", headers=unit), 201
        )["id"]
        again = http.post(f"/api/v1/monitoring/rounds/{opened}/projects/{project}/report", headers=unit)
        assert again.status_code == 409 and again.json()["existing"]["id"] == report
        _ok(
            http.put(
                f"/api/v1/monitoring/reports/{report}/lines/1.1",
                headers=unit,
                json={"reached": "20万人", "expected": "27万人", "likelihood": "有可能"},
            )
        )
        _ok(http.post(f"/api/v1/monitoring/reports/{report}/submit", headers=unit))
        late = http.put(
            f"/api/v1/monitoring/reports/{report}/lines/1.1", headers=unit, json={"reached": "21万人"}
        )
        assert late.status_code in (409, 422) and "已报送" in late.json()["detail"]
        seen = _ok(http.get(f"/api/v1/monitoring/reports/{report}", headers=unit))
        assert seen["execution"]["spent"] == "30000.00" and seen["level"] == "red"
        rules = {a["rule"] for a in seen["alerts"]}
        assert rules == {
            "schedule_gap",
            "forecast_miss",
        }  # 30 % vs 58.33 %; 27万 < ≥28万 (the adjusted target)
        live.settle()
        board = _ok(http.get(f"/api/v1/monitoring/rounds/{opened}/dashboard", headers=reviewer))
        assert [(b["tenant"], b["name"], b["red"]) for b in board["bureaus"]] == [
            (DISTRICT, "南昌市东湖区医疗保障局", 1)
        ]  # named from the tenants read model, not by the scoped query
        mine = _ok(http.get(f"/api/v1/projects/{project}/monitoring", headers=unit))
        assert mine[0]["report_id"] == report and mine[0]["level"] == "red"
        decided = http.post(
            f"/api/v1/monitoring/reports/{report}/alerts/schedule_gap/resolve",
            headers=finance,
            json={"resolution": "funds_paused", "reason": "暂缓拨付"},
        )
        _ok(decided)

        ev = _ok(
            http.post(
                f"/api/v1/projects/{project}/evaluations",
                headers=unit,
                json={"kind": "self", "evaluator_name": "自评"},
            ),
            201,
        )["id"]
        live.settle()
        card = _ok(http.get(f"/api/v1/evaluations/{ev}", headers=unit))
        rows = {i["key"]: i for i in card["indicators"]}
        assert (
            rows["1.1"]["target"] == "≥28万人" and rows["1.1"]["rule"]["kind"] == "ratio"
        )  # the latest approved


def test_refusals_change_nothing(live: Live) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, user="prep2.360102")
    with live.client() as http:
        project = _ok(
            http.post("/api/v1/projects", headers=unit, json={"code": "CY-NO", "name": "拒绝", "year": 2024}),
            201,
        )["id"]
        d = _ok(http.post(f"/api/v1/projects/{project}/targets", headers=unit, json={}), 201)["id"]
        before = live.events()
        empty = http.post(f"/api/v1/targets/{d}/submit", headers=unit)
        assert empty.status_code == 422 and "至少需要一个绩效指标" in empty.json()["detail"]
        bad = http.put(
            f"/api/v1/targets/{d}/indicators",
            headers=unit,
            json={"indicator": {"key": "1", "name": "x", "weight": "101"}},
        )
        assert bad.status_code == 422
        closed_round = http.post(
            f"/api/v1/tenants/{DISTRICT}/monitoring/rounds",
            headers=unit,
            json={"year": 2024, "name": "x", "period_end": "2024-07-31", "deadline": "2024-08-20"},
        )
        assert closed_round.status_code == 403  # a preparer does not open rounds
        assert live.events() == before
