"""整改 in the browser: the city's finalized 部门评价 of a district project gets 「提出整改」; the
city records a finding tied to an indicator and sends the demand; the district reads it from the
project's year and files its measures; the city sends it back with a reason, the district answers
again, the city accepts; the rectification's record names each step; the region's list shows it."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import shot
from tests.e2e.test_ui_cycle import _as

DISTRICT, CITY = "360102", "360100"


def test_demand_answer_send_back_and_accept(page: Page, live: Live) -> None:
    project, ev = live.finalized_evaluation(DISTRICT, CITY, "UI-R1", "整改演示")
    _as(page, live, CITY, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR, user="ui.rect.360100")
    page.goto(f"{live.url}/ui/evaluations/{ev}")
    page.get_by_role("button", name="提出整改").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("整改演示 · 整改")
    page.get_by_role("button", name="记录问题").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("问题描述").fill("宣传覆盖不足")
    dialog.get_by_label("关联指标编号（可多个，用逗号分隔）").fill("1.1")
    dialog.get_by_role("button", name="确定").click()
    expect(page.get_by_role("table", name="问题清单")).to_contain_text("宣传覆盖不足")
    page.get_by_role("button", name="下达整改要求").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("整改要求").fill("请于 30 日内报送整改措施")
    dialog.get_by_role("button", name="下达").click()
    expect(page.locator(".scorebox")).to_contain_text("待整改")
    expect(page.get_by_role("button", name="记录问题")).to_have_count(0)  # sent: findings are fixed
    here = page.url

    _as(page, live, DISTRICT, Role.PREPARER, user="ui.rect.360102")
    page.goto(f"{live.url}/ui/projects/{project}")
    page.get_by_role("region", name="年度进程").get_by_role("link", name="2024年度部门评价").click()
    page.get_by_role("button", name="报送整改情况").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("F1 宣传覆盖不足 — 整改措施").fill("增设宣传点")
    dialog.get_by_label("F1 已整改到位").check()
    dialog.get_by_role("button", name="报送").click()
    expect(page.locator(".scorebox")).to_contain_text("待验收")

    _as(page, live, CITY, Role.REVIEWER, Role.AUDITOR, user="ui.rect.rev")
    page.goto(f"{live.url}/ui/tenants/{CITY}/rectifications")
    page.get_by_role("table", name="整改清单").get_by_role("link", name="整改演示").click()
    page.get_by_role("button", name="不予通过").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("原因").fill("覆盖率无佐证")
    dialog.get_by_role("button", name="退回").click()
    expect(page.locator(".scorebox")).to_contain_text("待整改")
    expect(page.locator("ol.answers")).to_contain_text("不予通过：覆盖率无佐证")

    _as(page, live, DISTRICT, Role.PREPARER, user="ui.rect.360102")
    page.goto(here)
    page.get_by_role("button", name="报送整改情况").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("F1 宣传覆盖不足 — 整改措施").fill("补充覆盖率台账")
    dialog.get_by_role("button", name="报送").click()
    expect(page.locator(".scorebox")).to_contain_text("待验收")

    _as(page, live, CITY, Role.REVIEWER, Role.AUDITOR, user="ui.rect.rev")
    page.goto(here)
    page.get_by_role("button", name="验收通过").click()
    page.get_by_role("dialog").get_by_role("button", name="通过").click()
    expect(page.locator(".scorebox")).to_contain_text("整改完成")
    live.settle()
    page.reload()
    record = page.get_by_role("region", name="整改记录")
    expect(record).to_contain_text("下达整改要求")
    expect(record).to_contain_text("验收（不予通过）")
    expect(record).to_contain_text("覆盖率无佐证")
    shot(page, "50-rectification-closed")
