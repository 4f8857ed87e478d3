"""Why a score is what it is, in the browser: Nanchang's 预算执行率 (source report 000) opened to
its ledger figures and steps; the same table re-scored with the rate printed as a two-decimal
fraction (nothing stored changes); a judgement indicator scored at the evaluator's discretion
with a reason, flagged for the reviewer."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import evaluation_of, shot, sign_in_link


def test_lineage_and_what_if(page: Page, live: Live) -> None:
    evaluation, _ = evaluation_of(live, "360100")
    sign_in_link(page, live, "360100", Role.AUDITOR, user="audit.360100")
    page.goto(f"{live.url}/ui/evaluations/{evaluation}")
    expect(page.locator("#total")).to_have_text("99.74")
    page.get_by_role("button", name="「预算执行率」为什么是这个分").click()
    panel = page.get_by_role("dialog", name="「预算执行率」为什么是这个分")
    expect(panel).to_contain_text("台账数据")
    expect(panel.get_by_role("list")).to_contain_text("3.74")
    expect(panel).to_contain_text("同步台账数据")  # the event the figures came from, with its position
    shot(page, "30-lineage")
    panel.get_by_role("button", name="关闭").click()

    before = live.events()
    page.get_by_label("取整规则").select_option(label="比值保留2位小数（如 0.87）")
    page.get_by_role("button", name="重算").click()
    result = page.get_by_role("table", name="假设重算结果")
    expect(result).to_contain_text("99.74")
    expect(result).to_contain_text(re.compile(r"预算执行率 3\.74 → 3\.72"))
    assert live.events() == before
    shot(page, "31-what-if")


def test_a_judged_score_with_its_reason(page: Page, live: Live) -> None:
    team = live.token("360100", *Role, user="judge.360100")
    with live.client() as http:
        project = http.post(
            "/api/v1/projects", headers=team, json={"code": "JUDGE-1", "name": "酌情项目", "year": 2023}
        ).json()["id"]
        ev = http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=team,
            json={"kind": "self", "evaluator_name": "自评"},
        ).json()["id"]
        for spec in (
            {"key": "1", "name": "管理", "weight": "100"},
            {"key": "1.1", "name": "档案管理", "weight": "100", "parent": "1", "rule": {"kind": "judgement"}},
        ):
            assert (
                http.post(f"/api/v1/evaluations/{ev}/indicators", headers=team, json=spec).status_code == 200
            )
    sign_in_link(page, live, "360100", Role.PREPARER, Role.EVALUATOR, user="judge.360100")
    page.goto(f"{live.url}/ui/evaluations/{ev}")
    page.get_by_role("button", name="「档案管理」酌情给分").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("评定得分（0–100）").fill("88.5")
    dialog.get_by_label("酌情理由").fill("档案基本齐全，个别缺页")
    dialog.get_by_role("button", name="确定").click()
    expect(page.locator("#total")).to_have_text("88.50")
    row = page.get_by_role("row", name=re.compile("档案管理"))
    expect(row).to_contain_text("酌情评定 88.5 分（档案基本齐全，个别缺页），请审核")
