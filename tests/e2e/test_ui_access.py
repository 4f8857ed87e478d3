"""Who sees what in the browser, and the scorecard with the keyboard alone.

- A sibling bureau (景德镇 360200 beside 南昌 360100 under 江西) opening the other's project,
  evaluation, history and list URLs sees "不存在或无权访问" and none of the data.
- The parent bureau's dashboard draws its descendants and drills down to a project.
- A scorecard is filled with Tab / Enter / typing only (labelled inputs, accessible names); a
  refused deduction shows the domain's Chinese message in the dialog and stores nothing.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import evaluation_of, shot, sign_in_link

PROJECT = "医疗保险业务经办能力提升项目"


def test_a_sibling_bureau_sees_nothing(page: Page, live: Live) -> None:
    evaluation, project = evaluation_of(live, "360100")
    sign_in_link(page, live, "360200", *Role, user="staff.360200")
    for path in (
        f"/ui/evaluations/{evaluation}",
        f"/ui/evaluations/{evaluation}/history",
        f"/ui/evaluations/{evaluation}/print",
        f"/ui/projects/{project}",
        "/ui/tenants/360100/projects",
        "/ui/tenants/360100/dashboard",
    ):
        page.goto(live.url + path)
        expect(page.get_by_role("alert")).to_have_text("不存在或无权访问")
        main = page.get_by_role("main")
        expect(main).not_to_contain_text(PROJECT)
        expect(main).not_to_contain_text("99.74")
        assert main.get_by_role("table").count() == 0
    shot(page, "10-sibling-refused")
    # its own pages work: the refusal above is about scope, not a broken page
    page.goto(f"{live.url}/ui/tenants/360200/projects")
    expect(page.get_by_role("heading", level=1)).to_have_text("景德镇市医疗保障局 · 项目与预算台账")


def test_parent_dashboard_drills_down(page: Page, live: Live) -> None:
    sign_in_link(page, live, "360000", Role.AUDITOR, user="auditor.360000")
    page.get_by_role("navigation").get_by_role("link", name="汇总看板").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("江西省医疗保障局 · 汇总看板")
    expect(page.get_by_role("img", name=re.compile("^单位自评得分分布"))).to_have_accessible_name(
        "单位自评得分分布：<60 0 个项目，60–70 0 个项目，70–80 0 个项目，80–90 0 个项目，≥90 0 个项目"
    )  # the demo's self-evaluations are drafts: counted only once finalized (issue 19)
    expect(page.get_by_text("本年度尚无定稿的自评，没有等级分布")).to_be_visible()
    expect(page.locator("#dash-rule")).to_contain_text("只统计已定稿的评价")
    expect(page.get_by_role("table", name="下级单位")).to_contain_text("南昌市医疗保障局")
    shot(page, "11-dashboard")
    page.get_by_role("table", name="项目").get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROJECT)
    expect(page.get_by_role("table", name="项目资金")).to_contain_text("93.41%")
    # read-only for the parent: no form to record entries in a child's ledger
    expect(page.get_by_role("form", name="记账")).to_have_count(0)


def _tab_to(page: Page, name: str, limit: int = 600) -> None:
    """Press Tab until the focused control's accessible name is ``name`` (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => document.activeElement.getAttribute('aria-label') || document.activeElement.textContent"
        )
        if focused == name:
            return
    raise AssertionError(f"按 Tab 未能到达「{name}」")


def test_scorecard_with_the_keyboard_alone(page: Page, live: Live) -> None:
    evaluation, _ = evaluation_of(live, "360100")
    sign_in_link(page, live, "360100", Role.PREPARER, Role.EVALUATOR, user="keyboard.360100")
    page.goto(f"{live.url}/ui/evaluations/{evaluation}")
    total = page.locator("#total")
    expect(total).to_have_text("99.74")
    actual = page.get_by_label("「制度执行有效性」实际完成值", exact=True)
    expect(actual).to_have_value("遵守")

    _tab_to(page, "「制度执行有效性」实际完成值")
    page.keyboard.press("Control+A")
    page.keyboard.type("不完善")
    page.keyboard.press("Enter")
    expect(total).to_have_text("98.24")  # 2.5 → 1
    expect(actual).to_be_focused()

    _tab_to(page, "对「制度执行有效性」扣分")
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="对「制度执行有效性」扣分")
    expect(dialog.get_by_label("扣分分值")).to_be_focused()
    page.keyboard.type("3")  # more than the weight 2.5: refused, nothing stored
    page.keyboard.press("Tab")
    page.keyboard.type("制度执行记录不全")
    events = live.events()
    page.keyboard.press("Enter")
    expect(dialog.get_by_role("alert")).to_contain_text("超过分值 2.5")
    assert live.events() == events
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("0.5")
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(total).to_have_text("97.74")
    row = page.get_by_role("row", name=re.compile("制度执行有效性"))
    expect(row).to_contain_text("扣0.5分：制度执行记录不全")
    expect(page.get_by_role("button", name="对「制度执行有效性」扣分")).to_be_focused()
    shot(page, "12-keyboard")
