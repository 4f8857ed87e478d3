"""整改 over HTTP on the real server: the city's 部门评价 of a district project is finalized; the
city opens the 整改, records findings (on an indicator and a ledger entry), sends the demand; the
district answers; the city sends it back with a reason, then accepts the second answer; the
history names each step and its reason, time travel shows it as sent, the region's list and the
project's carry it; the overdue check runs; refusals store nothing, in Chinese."""

from __future__ import annotations

from typing import Any

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, CITY = "360102", "360100"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def test_a_rectification_sent_answered_sent_back_and_accepted(live: Live) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, user="prep.360102")
    city = live.token(CITY, Role.EVALUATOR, Role.REVIEWER, user="eval.360100")
    auditor = live.token(DISTRICT, Role.AUDITOR)
    with live.client() as http:
        project, ev = live.finalized_evaluation(DISTRICT, CITY, "RECT-1", "医保宣传")
        rid = _ok(
            http.post(
                "/api/v1/rectifications", headers=city, json={"source_kind": "evaluation", "source_id": ev}
            ),
            201,
        )["id"]
        again = http.post(
            "/api/v1/rectifications", headers=city, json={"source_kind": "evaluation", "source_id": ev}
        )
        assert again.status_code == 409 and again.json()["existing"]["href"] == f"/ui/rectifications/{rid}"
        f1 = _ok(
            http.post(
                f"/api/v1/rectifications/{rid}/findings",
                headers=city,
                json={
                    "text": "宣传覆盖不足",
                    "indicators": ["1.1"],
                    "entries": ["L0001"],
                    "suggestion": "扩大覆盖",
                },
            ),
            201,
        )
        assert f1["finding_id"] == "F1"
        sent = _ok(
            http.post(
                f"/api/v1/rectifications/{rid}/send",
                headers={**city, "If-Match": str(f1["version"])},
                json={"requirement": "请于 30 日内报送整改措施", "answer_days": 30},
            )
        )
        answer = {
            "measures": [{"finding_id": "F1", "measures": "增设宣传点", "result": "覆盖率 95%", "done": True}]
        }
        _ok(http.post(f"/api/v1/rectifications/{rid}/measures", headers=unit, json=answer))
        refused = http.post(f"/api/v1/rectifications/{rid}/review", headers=city, json={"accepted": False})
        assert refused.status_code == 422 and "原因" in refused.json()["detail"]
        _ok(
            http.post(
                f"/api/v1/rectifications/{rid}/review",
                headers=city,
                json={"accepted": False, "reason": "覆盖率无佐证", "answer_days": 15},
            )
        )
        _ok(http.post(f"/api/v1/rectifications/{rid}/measures", headers=unit, json=answer))
        _ok(
            http.post(
                f"/api/v1/rectifications/{rid}/review",
                headers=city,
                json={"accepted": True, "reason": "同意"},
            )
        )
        now = _ok(http.get(f"/api/v1/rectifications/{rid}", headers=unit))
        assert (now["status"], now["status_label"], len(now["answers"])) == ("closed", "整改完成", 2)
        assert now["findings"][0]["entries"] == ["L0001"] and now["demander"] == CITY
        assert now["demander_name"] == "南昌市医疗保障局"
        then = _ok(http.get(f"/api/v1/rectifications/{rid}?version={sent['version']}", headers=auditor))
        assert then["status"] == "sent" and then["answers"] == []
        assert (
            http.get(f"/api/v1/rectifications/{rid}?version=1", headers=unit).status_code == 403
        )  # history role
        live.settle()
        trail = _ok(http.get(f"/api/v1/rectifications/{rid}/history", headers=auditor))
        assert [c["action"] for c in trail] == [
            "Opened",
            "FindingRecorded",
            "Sent",
            "MeasuresFiled",
            "Reviewed",
            "MeasuresFiled",
            "Reviewed",
        ]
        assert trail[4]["reason"] == "覆盖率无佐证" and trail[4]["actor_tenant"] == CITY
        region = _ok(http.get(f"/api/v1/tenants/{CITY}/rectifications?status=closed", headers=city))
        assert rid in [r["rectification_id"] for r in region] and {r["status"] for r in region} == {"closed"}
        late = _ok(http.get(f"/api/v1/tenants/{CITY}/rectifications?overdue=true", headers=city))
        assert rid not in [r["rectification_id"] for r in late]
        mine = _ok(http.get(f"/api/v1/projects/{project}/rectifications", headers=unit))
        assert mine[0]["source_label"].startswith("2024年度部门评价")
        checked = _ok(http.post(f"/api/v1/tenants/{CITY}/rectifications/check", headers=city))
        assert checked["warned"] == 0  # the demo's overdue one (Mingguang) is in another province
        demo = _ok(
            http.get("/api/v1/tenants/341100/rectifications?overdue=true", headers=live.token("341100"))
        )
        assert [(r["tenant"], r["warning"]) for r in demo] == [("341182", "answer")]
        stranger = http.get(f"/api/v1/rectifications/{rid}", headers=live.token("360200", Role.AUDITOR))
        assert stranger.status_code == 404


def test_refusals_store_nothing_and_speak_chinese(live: Live) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, Role.REVIEWER, user="prep.rect2")
    city = live.token(CITY, Role.EVALUATOR, Role.REVIEWER, user="eval.360100")
    with live.client() as http:
        _, ev = live.finalized_evaluation(DISTRICT, CITY, "RECT-2", "医保宣传")
        before = live.events()
        own = http.post(
            "/api/v1/rectifications", headers=unit, json={"source_kind": "evaluation", "source_id": ev}
        )
        assert own.status_code == 403 and "提出整改的单位" in own.json()["detail"]
        bad = http.post(
            "/api/v1/rectifications", headers=city, json={"source_kind": "audit", "source_id": ev}
        )
        assert bad.status_code == 400
        days = http.post(
            "/api/v1/rectifications",
            headers=city,
            json={"source_kind": "evaluation", "source_id": ev, "send_days": 0},
        )
        assert days.status_code == 400
        assert live.events() == before
        rid = _ok(
            http.post(
                "/api/v1/rectifications", headers=city, json={"source_kind": "evaluation", "source_id": ev}
            ),
            201,
        )["id"]
        before = live.events()
        nothing = http.post(f"/api/v1/rectifications/{rid}/send", headers=city, json={"requirement": "整改"})
        assert nothing.status_code == 422 and "至少一个问题" in nothing.json()["detail"]
        unknown = http.post(
            f"/api/v1/rectifications/{rid}/findings", headers=city, json={"text": "问题", "indicators": ["9"]}
        )
        assert unknown.status_code == 404 and "指标「9」" in unknown.json()["detail"]
        early = http.post(
            f"/api/v1/rectifications/{rid}/measures",
            headers=unit,
            json={"measures": [{"finding_id": "F1", "measures": "x"}]},
        )
        assert early.status_code in (409, 422) and "拟定中" in early.json()["detail"]
        assert live.events() == before
