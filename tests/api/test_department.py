"""部门整体 and the 部门决算 summary over HTTP on the real server: a district's projects of a year
(two with finalized self-evaluations, 优 and 中, one not evaluated), the 中 one's 整改 answered,
and the district's 部门整体 evaluation started (its project left out of the summary): the summary
counts, money, shares per grade, problems and measures, its text section and its Excel."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, YEAR = "360102", 2019


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def _project(http: Any, team: dict[str, str], code: str, budget: str, deducted: str | None) -> str:
    p = _ok(
        http.post("/api/v1/projects", headers=team, json={"code": code, "name": f"项目{code}", "year": YEAR}),
        201,
    )["id"]
    entry = {"kind": "initial_budget", "source": "当年财政拨款", "amount": budget, "date": f"{YEAR}-01-02"}
    _ok(http.post(f"/api/v1/projects/{p}/entries", headers=team, json=entry), 201)
    if deducted is None:
        return str(p)
    ev = _ok(
        http.post(
            f"/api/v1/projects/{p}/evaluations",
            headers=team,
            json={"kind": "self", "evaluator_name": "自评组"},
        ),
        201,
    )["id"]
    for spec in (
        {"key": "1", "name": "产出", "weight": "100"},
        {"key": "1.1", "name": "完成", "weight": "100", "parent": "1", "rule": {"kind": "manual"}},
    ):
        _ok(http.post(f"/api/v1/evaluations/{ev}/indicators", headers=team, json=spec))
    if deducted != "0":
        _ok(
            http.post(
                f"/api/v1/evaluations/{ev}/deductions",
                headers=team,
                json={"indicator": "1.1", "points": deducted, "reason": "进度滞后"},
            ),
            201,
        )
    _ok(http.post(f"/api/v1/evaluations/{ev}/submit", headers=team))
    _ok(http.post(f"/api/v1/evaluations/{ev}/finalize", headers=team))
    return str(ev)


def test_whole_department_and_the_final_accounts_summary(live: Live) -> None:
    team = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, user="team.360102")
    with live.client() as http:
        _project(http, team, "RF-1", "100000", "0")
        ev2 = _project(http, team, "RF-2", "300000", "30")
        _project(http, team, "RF-3", "100000", None)
        whole = _ok(
            http.post(
                f"/api/v1/tenants/{DISTRICT}/whole-department-evaluations", headers=team, json={"year": YEAR}
            ),
            201,
        )["id"]
        live.settle()  # the scorecard is a read model: read it once projected
        card = _ok(http.get(f"/api/v1/evaluations/{whole}", headers=team))
        assert [i["name"] for i in card["indicators"] if not i.get("parent")][:2] == ["运行成本", "管理效率"]
        r = _ok(
            http.post(
                "/api/v1/rectifications", headers=team, json={"source_kind": "evaluation", "source_id": ev2}
            ),
            201,
        )["id"]
        _ok(
            http.post(f"/api/v1/rectifications/{r}/findings", headers=team, json={"text": "项目进度滞后"}),
            201,
        )
        _ok(http.post(f"/api/v1/rectifications/{r}/send", headers=team, json={"requirement": "请整改"}))
        measures = {"measures": [{"finding_id": "F1", "measures": "倒排工期"}]}
        _ok(http.post(f"/api/v1/rectifications/{r}/measures", headers=team, json=measures))
        live.settle()
        s = _ok(http.get(f"/api/v1/tenants/{DISTRICT}/final-accounts?year={YEAR}", headers=team))
        assert (s["projects"], s["evaluated"], s["money"], s["money_evaluated"], s["money_share"]) == (
            3,
            2,
            "500000.00",
            "400000.00",
            "80.00",
        )
        assert [
            (g["grade"], g["count"], g["count_share"], g["money"], g["money_share"]) for g in s["grades"]
        ] == [
            ("优", 1, "50.00", "100000.00", "25.00"),
            ("中", 1, "50.00", "300000.00", "75.00"),
        ]
        assert s["problems"] == [{"project": "项目RF-2", "finding": "项目进度滞后", "measures": "倒排工期"}]
        assert (
            "占项目支出预算的 80.00%" in s["text"]
            and "项目RF-2：项目进度滞后。整改措施：倒排工期。" in s["text"]
        )
        sheet = http.get(f"/api/v1/tenants/{DISTRICT}/final-accounts.xlsx?year={YEAR}", headers=team)
        assert sheet.status_code == 200, sheet.text
        wb = load_workbook(io.BytesIO(sheet.content))
        ws = wb["自评结果汇总"]
        assert ws["B2"].value == 3 and ws["D2"].value == 2
        assert [c.value for c in wb["问题与整改"][2]] == ["项目RF-2", "项目进度滞后", "倒排工期"]
        reviewer = live.token(DISTRICT, Role.REVIEWER, user="rev.360102")
        published = http.post(
            f"/api/v1/tenants/{DISTRICT}/final-accounts/publish?year={YEAR}", headers=reviewer
        )
        assert published.status_code == 201, published.text
        again = http.post(f"/api/v1/tenants/{DISTRICT}/final-accounts/publish?year={YEAR}", headers=reviewer)
        assert again.status_code in (409, 422) and "已公开" in again.json()["detail"]
        missing = http.post(f"/api/v1/tenants/{DISTRICT}/final-accounts/publish?year=2017", headers=reviewer)
        assert missing.status_code == 404 and "部门整体" in missing.json()["detail"]
        live.settle()
        public = _ok(http.get(f"/api/v1/public/{DISTRICT}/publications?year={YEAR}"))
        summary = next(p for p in public["items"] if p["kind"] == "self_evaluation_summary")["content"][
            "summary"
        ]
        assert (summary["evaluated"], summary["money_share"]) == (2, "80.00")
        assert "problems" not in str(summary) and "倒排工期" not in str(public)  # free text is not published
        page = http.get(f"/public/{DISTRICT}?year={YEAR}")
        assert page.status_code == 200 and "已完成绩效自评 2 个" in page.text
        other = http.get(
            f"/api/v1/tenants/{DISTRICT}/final-accounts?year={YEAR}",
            headers=live.token("360200", Role.AUDITOR),
        )
        assert other.status_code == 404
