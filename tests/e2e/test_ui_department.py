"""部门整体 in the browser: a district opens 「部门整体」, sees the 部门决算 summary of its year
(its finalized self-evaluation counted, the text section to paste), starts its 部门整体 self-evaluation
and lands on its scorecard with the framework's six first-level indicators; the Excel downloads."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import shot
from tests.e2e.test_ui_cycle import _as

DISTRICT, YEAR = "360102", 2018


def test_summary_and_whole_department_evaluation(page: Page, live: Live) -> None:
    team = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, user="ui.dept.360102")
    with live.client() as http:
        p = http.post(
            "/api/v1/projects", headers=team, json={"code": "UD-1", "name": "决算演示", "year": YEAR}
        ).json()["id"]
        entry = {
            "kind": "initial_budget",
            "source": "当年财政拨款",
            "amount": "200000",
            "date": f"{YEAR}-01-02",
        }
        assert http.post(f"/api/v1/projects/{p}/entries", headers=team, json=entry).status_code == 201
        ev = http.post(
            f"/api/v1/projects/{p}/evaluations",
            headers=team,
            json={"kind": "self", "evaluator_name": "自评组"},
        ).json()["id"]
        for spec in (
            {"key": "1", "name": "产出", "weight": "100"},
            {"key": "1.1", "name": "完成", "weight": "100", "parent": "1", "rule": {"kind": "manual"}},
        ):
            assert (
                http.post(f"/api/v1/evaluations/{ev}/indicators", headers=team, json=spec).status_code == 200
            )
        assert http.post(f"/api/v1/evaluations/{ev}/submit", headers=team).status_code == 200
        assert http.post(f"/api/v1/evaluations/{ev}/finalize", headers=team).status_code == 200
    live.settle()
    _as(page, live, DISTRICT, Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, user="ui.dept.360102")
    page.goto(f"{live.url}/ui/tenants/{DISTRICT}/department?year={YEAR}")
    expect(page.get_by_role("table", name="按评价等级")).to_contain_text("优")
    expect(page.locator("pre")).to_contain_text("已完成绩效自评并定稿的项目 1 个")
    with page.expect_download() as got:
        page.get_by_role("button", name="导出 Excel").click()
    assert got.value.suggested_filename.endswith(".xlsx")
    shot(page, "65-final-accounts")
    page.get_by_role("button", name=f"发起 {YEAR} 年度单位自评").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("部门整体支出")
    expect(page.locator("body")).to_contain_text("服务对象满意度")
    page.goto(f"{live.url}/ui/tenants/{DISTRICT}/department?year={YEAR}")
    page.get_by_role("button", name="公开自评结果汇总").click()
    page.get_by_role("dialog").get_by_role("button", name="公开").click()
    expect(page.get_by_role("status")).to_contain_text("已公开")
    live.settle()
    page.goto(f"{live.url}/public/{DISTRICT}?year={YEAR}")
    expect(page.locator("body")).to_contain_text("已完成绩效自评 1 个")
