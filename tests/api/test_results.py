"""结果应用 over HTTP on the real server: the city's finance side sets its policy (then revises it
with a reason, each revision readable); the city's finalized 部门评价 of a district project gets
its recommendation from the platform's reaction; the region's table and the project's list show
it; its 整改 falling overdue is not needed here (unit-tested): the finance system records a
changed decision with a reason; the district cannot decide; refusals store nothing."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from domain.results import DEFAULT_RULES
from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, CITY = "360102", "360100"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


RULES = {
    "bands": [
        {"grade": "优", "advice": "priority"},
        {"grade": "良", "advice": "keep"},
        {"grade": "中", "advice": "cut", "cut_pct": "20"},
        {"grade": "差", "advice": "cancel"},
    ],
    "unrectified": "suspend",
}


def test_policy_recommendation_and_decision(live: Live) -> None:
    finance = live.token(CITY, Role.FINANCE, user="fin.360100")
    unit = live.token(DISTRICT, Role.PREPARER, Role.FINANCE, user="prep.360102")
    auditor = live.token(DISTRICT, Role.AUDITOR)
    with live.client() as http:
        default = _ok(http.get(f"/api/v1/tenants/{DISTRICT}/result-policy", headers=unit))
        assert default["default"] and default["labels"]["中"] == "压减 10%"
        assert len(default["rules"]["bands"]) == len(DEFAULT_RULES.bands)
        _ok(http.put(f"/api/v1/tenants/{CITY}/result-policy", headers=finance, json={"rules": RULES}), 201)
        bad = http.put(
            f"/api/v1/tenants/{CITY}/result-policy",
            headers=finance,
            json={"rules": {**RULES, "bands": RULES["bands"][:3]}, "reason": "少一档"},
        )
        assert bad.status_code == 422 and "优、良、中、差" in bad.json()["detail"]
        stricter = {
            **RULES,
            "bands": [
                *RULES["bands"][:2],
                {"grade": "中", "advice": "cut", "cut_pct": "30"},
                RULES["bands"][3],
            ],
        }
        no_reason = http.put(
            f"/api/v1/tenants/{CITY}/result-policy", headers=finance, json={"rules": stricter}
        )
        assert no_reason.status_code == 422 and "原因" in no_reason.json()["detail"]
        _ok(
            http.put(
                f"/api/v1/tenants/{CITY}/result-policy",
                headers=finance,
                json={"rules": stricter, "reason": "财力紧张"},
            )
        )
        applied = _ok(http.get(f"/api/v1/tenants/{DISTRICT}/result-policy", headers=unit))
        assert (applied["tenant"], applied["revision"], applied["labels"]["中"]) == (CITY, 2, "压减 30%")
        first = _ok(http.get(f"/api/v1/tenants/{CITY}/result-policy?version=1", headers=finance))
        assert first["labels"]["中"] == "压减 20%"
        refused = http.put(f"/api/v1/tenants/{CITY}/result-policy", headers=unit, json={"rules": RULES})
        assert refused.status_code in (403, 404)  # another bureau's policy

        project, ev = live.finalized_evaluation(DISTRICT, CITY, "RES-1", "结果应用")
        assert live.react() >= 1
        live.settle()
        table = _ok(http.get(f"/api/v1/tenants/{CITY}/recommendations?year=2024", headers=finance))
        mine = [r for r in table if r["evaluation_id"] == ev]
        assert [(r["grade"], r["advice_label"], r["policy_tenant"], r["policy_version"]) for r in mine] == [
            ("优", "优先保障", CITY, 2)
        ]
        rid = mine[0]["recommendation_id"]
        listed = _ok(http.get(f"/api/v1/projects/{project}/recommendations", headers=unit))
        assert [r["recommendation_id"] for r in listed] == [rid]
        one = _ok(http.get(f"/api/v1/recommendations/{rid}", headers=unit))
        assert one["budget_year"] == 2025 and one["decision"] is None
        district_decides = http.post(
            f"/api/v1/recommendations/{rid}/decision", headers=unit, json={"decision": "accepted"}
        )
        assert (
            district_decides.status_code == 403
        )  # the finance side above decides, not the bureau itself? own is allowed
        before = live.events()
        vague = http.post(
            f"/api/v1/recommendations/{rid}/decision",
            headers=finance,
            json={"decision": "changed", "outcome": {"advice": "cut", "cut_pct": "5"}},
        )
        assert vague.status_code == 422 and "原因" in vague.json()["detail"]
        assert live.events() == before
        _ok(
            http.post(
                f"/api/v1/recommendations/{rid}/decision",
                headers=finance,
                json={"decision": "changed", "outcome": {"advice": "keep"}, "reason": "重点民生项目"},
            )
        )
        decided = _ok(http.get(f"/api/v1/recommendations/{rid}", headers=unit))["decision"]
        assert (decided["label"], decided["applied_label"]) == ("调整", "维持")
        live.settle()
        trail = _ok(http.get(f"/api/v1/recommendations/{rid}/history", headers=auditor))
        assert [c["action"] for c in trail] == ["Made", "Decided"] and trail[1]["reason"] == "重点民生项目"
        sheet = http.get(f"/api/v1/tenants/{CITY}/recommendations/export.xlsx?year=2024", headers=finance)
        assert sheet.status_code == 200, sheet.text
        ws = load_workbook(io.BytesIO(sheet.content)).active
        assert ws is not None
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
        mine_row = next(r for r in rows if r[2] == "结果应用")
        assert mine_row[3:] == [
            "优",
            "100.00",
            "无",
            "优先保障",
            f"{CITY} / 第 2 版",
            "调整",
            "维持",
            mine_row[10],
        ]
        assert ws["A2"].value == "年度" and "预算建议" in str(ws["A1"].value)
