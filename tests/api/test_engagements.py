"""Third-party engagements over HTTP on the real server: the city records a firm (and that it is
related to another district), engages it for its 部门评价 of a district project; the firm's person,
whose token names the engagement, sees nothing until accepting with a conflict-of-interest
declaration, then reaches that evaluation only (and deducts); someone not on the staff is refused;
an engagement on the related district's evaluation is refused; revoking takes effect on the firm's
next request."""

from __future__ import annotations

import datetime
from typing import Any

from domain.tenants import Role
from tests.api.conftest import Live

CITY, DISTRICT = "360100", "360102"
FIRM, RELATED_FIRM = "91360100MA35K7XY9E", "91360100MA35K7XY8D"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _department_evaluation(http: Any, live: Live, bureau: str, code: str) -> str:
    unit = live.token(bureau, Role.PREPARER, user=f"prep.{bureau}")
    city = live.token(CITY, Role.EVALUATOR, user="eval.360100")
    p = _ok(
        http.post("/api/v1/projects", headers=unit, json={"code": code, "name": f"委托{code}", "year": 2024}),
        201,
    )["id"]
    ev = _ok(
        http.post(
            f"/api/v1/projects/{p}/evaluations",
            headers=city,
            json={"kind": "department", "evaluator_name": "南昌市医疗保障局"},
        ),
        201,
    )["id"]
    for spec in (
        {"key": "1", "name": "产出", "weight": "100"},
        {"key": "1.1", "name": "覆盖", "weight": "100", "parent": "1", "rule": {"kind": "manual"}},
    ):
        _ok(http.post(f"/api/v1/evaluations/{ev}/indicators", headers=city, json=spec))
    return str(ev)


def test_an_engagement_grants_accepts_and_revokes(live: Live) -> None:
    finance = live.token(CITY, Role.FINANCE, user="fin.360100")
    today = datetime.date.today()
    with live.client() as http:
        ev = _department_evaluation(http, live, DISTRICT, "ENG-1")
        other = _department_evaluation(http, live, DISTRICT, "ENG-2")
        bad_code = http.post(
            f"/api/v1/tenants/{CITY}/firms",
            headers=finance,
            json={"firm_code": "91360100MA35K7XYIO", "name": "x"},
        )
        assert bad_code.status_code == 422 and "统一社会信用代码" in bad_code.json()["detail"]
        _ok(
            http.post(
                f"/api/v1/tenants/{CITY}/firms",
                headers=finance,
                json={"firm_code": FIRM, "name": "江西某会计师事务所"},
            ),
            201,
        )
        _ok(
            http.post(
                f"/api/v1/tenants/{CITY}/firms",
                headers=finance,
                json={"firm_code": RELATED_FIRM, "name": "某记账公司"},
            ),
            201,
        )
        _ok(
            http.post(
                f"/api/v1/tenants/{CITY}/firms/{RELATED_FIRM}/relations",
                headers=finance,
                json={"bureau": DISTRICT, "nature": "为其提供记账服务"},
            )
        )
        grant = {
            "firm_code": FIRM,
            "name": "2024年度部门评价委托",
            "evaluations": [ev],
            "start": today.isoformat(),
            "end": (today + datetime.timedelta(days=30)).isoformat(),
            "staff": ["firm.zhang"],
        }
        related = http.post(
            f"/api/v1/tenants/{CITY}/engagements",
            headers=finance,
            json={**grant, "firm_code": RELATED_FIRM},
        )
        assert related.status_code == 422 and "关联关系" in related.json()["detail"]
        eid = _ok(http.post(f"/api/v1/tenants/{CITY}/engagements", headers=finance, json=grant), 201)["id"]
        firm = live.token(CITY, Role.EVALUATOR, user="firm.zhang", engagement=eid)
        assert http.get(f"/api/v1/evaluations/{ev}", headers=firm).status_code == 404  # not accepted yet
        mine = _ok(http.get(f"/api/v1/engagements/{eid}", headers=firm))
        assert mine["status"] == "granted" and mine["evaluations"] == [ev]
        short = http.post(f"/api/v1/engagements/{eid}/accept", headers=firm, json={"declaration": "无"})
        assert short.status_code == 422 and "利益冲突声明" in short.json()["detail"]
        declaration = {"declaration": "本机构及参与人员与被评价单位无任何利害关系，承诺独立客观开展评价。"}
        _ok(http.post(f"/api/v1/engagements/{eid}/accept", headers=firm, json=declaration))
        live.settle()  # the scorecard is a read model
        assert _ok(http.get(f"/api/v1/evaluations/{ev}", headers=firm))["evaluation_id"] == ev
        assert http.get(f"/api/v1/evaluations/{other}", headers=firm).status_code == 404
        deduction = {"indicator": "1.1", "points": "2", "reason": "现场核查：宣传台账不全"}
        _ok(http.post(f"/api/v1/evaluations/{ev}/deductions", headers=firm, json=deduction), 201)
        stranger = live.token(CITY, Role.EVALUATOR, user="firm.li", engagement=eid)
        refused = http.get(f"/api/v1/evaluations/{ev}", headers=stranger)
        assert refused.status_code == 401 and "人员名单" in refused.json()["detail"]
        _ok(http.post(f"/api/v1/engagements/{eid}/revoke", headers=finance, json={"reason": "合同终止"}))
        gone = http.get(f"/api/v1/evaluations/{ev}", headers=firm)
        assert gone.status_code == 401 and "委托已撤销" in gone.json()["detail"]
