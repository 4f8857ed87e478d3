"""The year's first half in the browser: a district declares its targets and submits them; the
city's reviewer returns them with an opinion the district then reads; the city opens a monitoring
round, the district answers from the project's page and submits, the warnings show on its 监控表
and on the city's dashboard; the project's year reads 申报 → 批复 → 监控 → 评价."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import shot, sign_in_link

DISTRICT, CITY = "360102", "360100"


def _as(page: Page, live: Live, tenant: str, *roles: Role, user: str) -> None:
    """Sign in as someone else (the previous person's token and cookies gone)."""
    if page.url.startswith(live.url):
        page.evaluate("sessionStorage.clear()")
    page.context.clear_cookies()
    sign_in_link(page, live, tenant, *roles, user=user)


def _project(live: Live, code: str, spent: str) -> str:
    unit = live.token(DISTRICT, Role.PREPARER, user="ui.360102")
    with live.client() as http:
        p = http.post(
            "/api/v1/projects", headers=unit, json={"code": code, "name": f"监控演示{code}", "year": 2024}
        ).json()["id"]
        for kind, amount, day in (
            ("initial_budget", "100000", "2024-01-02"),
            ("expenditure", spent, "2024-06-30"),
        ):
            r = http.post(
                f"/api/v1/projects/{p}/entries",
                headers=unit,
                json={"kind": kind, "source": "当年财政拨款", "amount": amount, "date": day},
            )
            assert r.status_code == 201, r.text
    return str(p)


def test_declare_submit_and_return(page: Page, live: Live) -> None:
    project = _project(live, "UI-T1", "50000")
    _as(page, live, DISTRICT, Role.PREPARER, Role.EVALUATOR, user="ui.360102")
    page.goto(f"{live.url}/ui/projects/{project}")
    page.get_by_role("link", name="申报绩效目标").click()
    page.get_by_label("年度目标").fill("全年完成经办能力提升")
    page.get_by_role("button", name="开始申报").click()
    for key, name, parent, value in (("1", "产出指标", "", ""), ("1.1", "参保人数", "1", "≥30万人")):
        page.get_by_role("button", name="新增指标").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("指标编号（如 1.2.3）").fill(key)
        dialog.get_by_label("指标名称").fill(name)
        dialog.get_by_label("上级指标编号（一级指标不填）").fill(parent)
        dialog.get_by_label("权重").fill("100")
        dialog.get_by_label("指标值").fill(value)
        dialog.get_by_role("button", name="确定").click()
        expect(page.get_by_role("table", name="绩效指标")).to_contain_text(name)
    page.get_by_role("button", name="报送审核").click()
    page.get_by_role("dialog").get_by_role("button", name="报送").click()
    expect(page.locator("#targets-status")).to_have_text("主管部门审核中")
    expect(page.get_by_role("button", name="新增指标")).to_have_count(0)

    _as(page, live, CITY, Role.REVIEWER, user="rev.360100")
    page.goto(f"{live.url}/ui/projects/{project}/targets")
    page.get_by_role("button", name="主管部门审核").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("审核结果（优 / 良 / 中 / 差）").fill("中")
    dialog.get_by_label("审核意见（良、中、差须填写）").fill("指标值偏低，请按上年实际修改")
    dialog.get_by_label("适当性（发现的问题，可不填）").fill("低于上年实际")
    dialog.get_by_role("button", name="提交审核").click()
    expect(page.locator("#targets-status")).to_have_text("退回修改")
    shot(page, "40-targets-returned")

    _as(page, live, DISTRICT, Role.PREPARER, user="ui.360102")
    page.goto(f"{live.url}/ui/projects/{project}/targets")
    note = page.locator("#targets-review-note")
    expect(note).to_contain_text("指标值偏低，请按上年实际修改")
    expect(note).to_contain_text("适当性：低于上年实际")


def test_monitoring_round_answer_and_warnings(page: Page, live: Live) -> None:
    project = _project(live, "UI-M1", "20000")  # 20 % by July against 58.33 %: red
    _as(page, live, CITY, Role.REVIEWER, user="rev.360100")
    page.goto(f"{live.url}/ui/tenants/{CITY}/monitoring")
    form = page.get_by_role("form", name="开启监控轮次")
    form.get_by_label("年度").fill("2024")
    form.get_by_label("轮次名称").fill("1–7月（界面）")
    form.get_by_label("监控期末").fill("2024-07-31")
    form.get_by_label("报送截止").fill("2099-08-20")
    form.get_by_role("button", name="开启").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1–7月（界面）")
    round_url = page.url

    _as(page, live, DISTRICT, Role.PREPARER, user="ui.360102")
    page.goto(f"{live.url}/ui/projects/{project}")
    year = page.get_by_role("region", name="年度进程")
    year.get_by_role("link", name=re.compile("1–7月（界面）：开始填报")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("绩效监控表")
    expect(page.get_by_role("table", name="预算执行情况")).to_contain_text("20,000.00")
    page.get_by_role("button", name="报送").click()
    page.get_by_role("dialog").get_by_role("button", name="报送").click()
    alerts = page.get_by_role("region", name="预警")
    expect(alerts).to_contain_text("落后序时进度")
    expect(page.locator(".scorebox")).to_contain_text("红色预警")
    shot(page, "41-monitoring-report")

    _as(page, live, CITY, Role.REVIEWER, user="rev.360100")
    live.settle()
    page.goto(round_url)
    row = page.get_by_role("table", name="下级单位预警").get_by_role("row", name=re.compile("东湖区"))
    expect(row.locator("td").first).to_have_text("1")
    shot(page, "42-monitoring-dashboard")


def test_the_scorecard_shows_where_the_year_began(page: Page, live: Live) -> None:
    """Nanchang's demo year: targets approved (after a return), a 1–7月 round answered."""
    from tests.e2e.conftest import evaluation_of

    evaluation, project = evaluation_of(live, CITY)
    _as(page, live, CITY, Role.AUDITOR, user="aud.360100")
    page.goto(f"{live.url}/ui/evaluations/{evaluation}")
    notes = page.locator(".year-note")
    expect(notes.first).to_contain_text("批复：")
    expect(page.locator("body")).to_contain_text("1–7月预计")
    page.goto(f"{live.url}/ui/projects/{project}")
    year = page.get_by_role("region", name="年度进程")
    expect(year).to_contain_text("已批复")
    expect(year).to_contain_text("1–7月：已报送")
    shot(page, "43-project-year")
