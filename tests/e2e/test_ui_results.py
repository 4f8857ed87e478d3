"""结果应用 in the browser: the city's finance side sets its policy on screen (中 cut by 25 %); the
city's finalized 部门评价 of a district project turns into a recommendation (the platform's
reaction); the finance side finds it in the region's table and records a changed decision with a
reason; the district reads it as the last step of the project's year."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import shot
from tests.e2e.test_ui_cycle import _as

DISTRICT, CITY = "360102", "360100"


def test_policy_recommendation_and_decision(page: Page, live: Live) -> None:
    _as(page, live, CITY, Role.FINANCE, user="ui.fin.360100")
    page.goto(f"{live.url}/ui/tenants/{CITY}/result-policy")
    page.get_by_role("button", name="制定或修订政策").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("「中」的压减比例（%，压减时填写）").fill("25")
    dialog.get_by_label("原因（修订时必填）").fill("按市级办法")
    dialog.get_by_role("button", name="保存").click()
    expect(page.get_by_role("table", name="结果应用政策")).to_contain_text("压减 25%")

    project, _ = live.finalized_evaluation(DISTRICT, CITY, "UI-RES", "结果应用演示")
    assert live.react() >= 1
    live.settle()
    page.goto(f"{live.url}/ui/tenants/{CITY}/recommendations?undecided=1")
    table = page.get_by_role("table", name="预算建议")
    expect(table).to_contain_text("结果应用演示")
    expect(table).to_contain_text("优先保障")
    page.get_by_role("button", name="记录财政决定：结果应用演示").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("决定（采纳 / 调整）").fill("调整")
    dialog.get_by_label("调整后的建议（优先保障 / 维持 / 压减 / 暂缓安排 / 取消；采纳时不填）").fill("维持")
    dialog.get_by_label("原因（调整时必填）").fill("项目已进入收尾")
    dialog.get_by_role("button", name="记录").click()
    live.settle()
    page.goto(f"{live.url}/ui/tenants/{CITY}/recommendations")
    expect(page.get_by_role("table", name="预算建议")).to_contain_text("调整：维持")

    _as(page, live, DISTRICT, Role.PREPARER, user="ui.res.360102")
    page.goto(f"{live.url}/ui/projects/{project}")
    year = page.get_by_role("region", name="年度进程")
    expect(year).to_contain_text("2025 年度预算建议：优先保障（财政已决定：维持）")
    year.get_by_role("link", name="2025 年度预算建议：优先保障（财政已决定：维持）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("结果应用演示 · 2025 年度预算建议")
    expect(page.get_by_role("table", name="历次建议")).to_contain_text("优")
    shot(page, "55-recommendation")
