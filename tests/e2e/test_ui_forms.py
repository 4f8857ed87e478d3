"""The 项目支出绩效自评表 / 评分表 shaped like the official tables (财预〔2020〕10号 attachment), on
screen and on the print page: the 项目资金 grid from the ledger and the 执行率 indicator, 一级 / 二级
cells spanning their leaves, the columns of each form, and nothing internal on paper (flags such
as 表中得分 …，计算得分 …, the rule's 评价人评分 …) while the screen keeps them for the evaluator."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import evaluation_of, shot, sign_in, sign_in_link

TEAM = (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _self_evaluation(live: Live, tenant: str, year: int, name: str) -> tuple[str, str]:
    with live.client() as http:
        projects = http.get(
            f"/api/v1/tenants/{tenant}/projects?year={year}", headers=live.token(tenant)
        ).json()["items"]
    project = next(p for p in projects if p["name"] == name)
    evaluation = next(e for e in project["evaluations"] if e["kind"] == "self")
    return str(evaluation["evaluation_id"]), str(project["project_id"])


def _funds_row(page: Page, label: str) -> Any:
    return page.get_by_role("table", name="项目资金").get_by_role("row", name=re.compile(f"^{label}"))


def _branch(page: Page, label: str) -> Any:
    return page.get_by_role("table", name="评分表").locator("th[data-branch]", has_text=label)


def test_the_self_evaluation_form_on_screen_and_in_print(page: Page, live: Live) -> None:
    evaluation, _ = _self_evaluation(live, "341182", 2021, "三医建设业务经费")
    sign_in(page, live, "341182", *TEAM, user="demo.341182")
    for path in (f"/ui/evaluations/{evaluation}", f"/ui/evaluations/{evaluation}/print"):
        page.goto(live.url + path)
        expect(page.get_by_role("table", name="项目资金")).to_contain_text("项目资金（万元）")
        total = _funds_row(page, "年度资金总额")
        for cells in ("24.00", "100.00%", "10.00"):  # 万元; 执行率 (B/A); the 执行率 indicator's score
            expect(total).to_contain_text(cells)
        expect(_funds_row(page, "其中：当年财政拨款")).to_contain_text("10.00")
        expect(_funds_row(page, "其他资金")).to_contain_text("14.00")
        info = page.get_by_role("table", name="项目基本信息")
        expect(info).to_contain_text("明光市医疗保险局")
        expect(_branch(page, "产出指标（50分）")).to_have_attribute("rowspan", "4")
        expect(_branch(page, "数量指标（30分）")).to_have_attribute("rowspan", "2")
        head = page.get_by_role("table", name="评分表").locator("thead")
        expect(head).to_contain_text("年度指标值")
        expect(head).to_contain_text("偏差原因分析及改进措施")
        expect(head).not_to_contain_text("评分标准")
        expect(page.get_by_role("table", name="评分表").locator("tfoot")).to_contain_text("自评等级")
        expect(page.locator(".sign-lines")).to_contain_text("填报人")
    shot(page, "30-self-form-print-screen")
    page.emulate_media(media="print")
    # indicator names stay whole: the 三级指标 column is wide enough for a line of text
    name = page.locator("th.leaf").first
    box = name.bounding_box()
    assert box is not None and box["width"] > 180, box
    shot(page, "31-self-form-print")


def test_no_internal_notes_on_paper_and_the_review_form(page: Page, live: Live) -> None:
    evaluation, project = evaluation_of(live, "652829")
    roles = (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR)
    sign_in_link(page, live, "652829", *roles, user="staff.652829")
    page.goto(f"{live.url}/ui/evaluations/{evaluation}")
    table = page.get_by_role("table", name="评分表")
    expect(table).to_contain_text("表中得分")  # report 004's contradiction, flagged for the evaluator
    expect(table).to_contain_text("评价人评分")
    page.goto(f"{live.url}/ui/evaluations/{evaluation}/print")
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    form = page.get_by_role("article")
    expect(form.get_by_role("table", name="评分表")).to_contain_text("绩效目标合理性")
    for internal in ("表中得分", "计算得分", "评价人评分", "规则得分"):
        expect(page.get_by_role("main")).not_to_contain_text(internal)
    assert page.locator(".flag, .explain, .flags").count() == 0
    page.emulate_media(media="print")
    shot(page, "32-self-form-004-print")

    # a third party's 评分表: 评分标准 and 扣分原因 instead of 年度指标值 and 偏差原因分析
    with live.client() as http:
        team = live.token("652829", *roles, user="staff.652829")
        body = {"kind": "department", "evaluator_name": "某会计师事务所", "third_party": True}
        fresh = http.post(f"/api/v1/projects/{project}/evaluations", headers=team, json=body).json()["id"]
        exported = http.get(f"/api/v1/evaluations/{evaluation}/export.xlsx", headers=team).content
        answer = http.post(
            f"/api/v1/evaluations/{fresh}/import.xlsx",
            headers={**team, "Content-Type": XLSX, "X-Filename": "004.xlsx"},
            content=exported,
        ).json()
    assert answer["refusals"] == [], answer
    live.settle()
    page.emulate_media(media="screen")
    page.goto(f"{live.url}/ui/evaluations/{fresh}/print")
    expect(page.get_by_role("heading", level=1)).to_have_text("项目支出绩效评分表")
    head = page.get_by_role("table", name="评分表").locator("thead")
    expect(head).to_contain_text("评分标准")
    expect(head).to_contain_text("扣分原因")
    expect(head).not_to_contain_text("年度指标值")
    expect(page.get_by_role("table", name="项目基本信息")).to_contain_text("某会计师事务所（第三方）")
    expect(page.get_by_role("table", name="评分表").locator("tfoot")).to_contain_text("评价等级")
    page.emulate_media(media="print")
    shot(page, "33-review-form-print")
