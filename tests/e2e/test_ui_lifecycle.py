"""Bohu county's 2022 self-evaluation (source report 004) in the browser: the contradiction between
the narrative's deductions and the attached all-100 table is flagged beside its rows; a deduction is
withdrawn with a reason; the lifecycle runs submit → return → submit → finalize → reopen, each step
shown in the timeline."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import evaluation_of, shot, sign_in_link


def test_flags_withdrawal_and_lifecycle(page: Page, live: Live) -> None:
    evaluation, _ = evaluation_of(live, "652829")
    sign_in_link(
        page, live, "652829", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR, user="staff.652829"
    )
    page.goto(f"{live.url}/ui/evaluations/{evaluation}")
    total, grade, box = page.locator("#total"), page.locator("#grade"), page.locator(".scorebox")
    expect(total).to_have_text("96.00")
    row = page.get_by_role("row", name=re.compile("绩效目标合理性"))
    expect(row).to_contain_text("表中得分")  # the attached table says full marks: flagged in the row
    expect(page.get_by_role("list", name="提示")).to_contain_text("表中总分")

    page.get_by_role("button", name="撤销扣分 D1").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("撤销原因").fill("复核认定绩效目标与工作内容相关")
    dialog.get_by_role("button", name="确定").click()
    expect(total).to_have_text("98.00")
    expect(grade).to_have_text("优")

    page.get_by_role("button", name="提交").click()
    confirm = page.get_by_role("dialog", name=re.compile("确认提交"))
    expect(confirm).to_contain_text("提交后不能再修改")
    confirm.get_by_role("button", name="取消").click()  # an irreversible step asks first
    expect(box).to_contain_text("状态：草稿")
    page.get_by_role("button", name="提交").click()
    confirm.get_by_role("button", name="提交").click()
    expect(box).to_contain_text("状态：已提交")
    expect(page.get_by_role("button", name="对「绩效目标合理性」扣分")).to_have_count(0)  # read-only now
    page.get_by_role("button", name="退回").click()
    dialog.get_by_label("退回原因").fill("请补充偏差原因分析")
    dialog.get_by_role("button", name="确定").click()
    expect(box).to_contain_text("状态：已退回")
    expect(page.locator("#return-reason")).to_contain_text("退回：请补充偏差原因分析")
    page.get_by_role("button", name="提交").click()
    page.get_by_role("dialog").get_by_role("button", name="提交").click()
    expect(box).to_contain_text("状态：已提交")
    page.get_by_role("button", name="定稿").click()
    page.get_by_role("dialog", name=re.compile("确认定稿")).get_by_role("button", name="定稿").click()
    expect(box).to_contain_text("状态：已定稿")
    shot(page, "20-finalized")
    page.get_by_role("button", name="重新打开").click()
    dialog.get_by_label("重新打开原因").fill("审计发现需调整")
    dialog.get_by_role("button", name="确定").click()
    expect(box).to_contain_text("状态：草稿")

    page.get_by_role("link", name="变更历史").click()
    timeline = page.get_by_role("table", name="变更时间线")
    expect(timeline.get_by_role("row", name=re.compile("撤销扣分"))).to_contain_text(
        "复核认定绩效目标与工作内容相关"
    )
    expect(timeline.get_by_role("row", name=re.compile("请补充偏差原因分析"))).to_contain_text("已退回")
    expect(timeline.get_by_role("row", name=re.compile("审计发现需调整"))).to_contain_text("已定稿")
    shot(page, "21-lifecycle-timeline")
