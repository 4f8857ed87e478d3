"""Issue 19 §6 in the browser: from a district project's page, its 单位自评 against the city's
部门评价 (the table marks the large gaps, the bar chart from the platform's ECharts), then the
project over 2023 and 2024 (line charts of the total and the execution rate; indicator lines
chosen with check boxes); no request leaves the platform; WCAG 2 AA (axe-core)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.comparisons import CITY, NAME, two_years
from tests.api.conftest import Live
from tests.e2e.conftest import accessible, shot, sign_in_link

PAINTED = """(id) => {
    const canvas = document.querySelector(`#${id} canvas`);
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) drawn++;
    return drawn;
}"""
SHOWN = """(name) => echarts.getInstanceByDom(document.getElementById("chart-series-indicators"))
    .getOption().legend[0].selected[name]"""


def test_comparison_and_years_on_screen(page: Page, live: Live, axe_source: str) -> None:
    years = two_years(live, "UI-CMP")
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live.url + "/", "data:", "blob:")) else elsewhere.append(r.url),
    )
    page.emulate_media(reduced_motion="reduce")
    sign_in_link(page, live, CITY, Role.AUDITOR, user="auditor.cmp")
    page.goto(f"{live.url}/ui/projects/{years.second}")
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)

    page.get_by_role("link", name="自评与外部评价对比").click()
    expect(page).to_have_url(re.compile(rf"/ui/projects/{years.second}/comparison$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NAME} · 自评与外部评价对比")
    expect(page.locator("#compare-rule")).to_contain_text("只比较已定稿的评价")
    table = page.get_by_role("table", name="逐项对比：部门评价")
    gap = table.get_by_role("row").filter(has_text="1.1 宣传覆盖")
    expect(gap).to_contain_text("差异较大")
    expect(gap).to_contain_text("-60.00")
    expect(gap).to_have_class("gap")
    expect(table.get_by_role("row").filter(has_text="2.1 政策知晓率")).to_contain_text("仅单位自评")
    expect(page.locator(".total-gap")).to_have_text("-2.00")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-compare-0'))"
    )
    assert page.evaluate(PAINTED, "chart-compare-0") > 500
    series = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-compare-0')).getOption().series"
    )
    assert [s["name"] for s in series] == ["单位自评", "部门评价"]
    accessible(page, axe_source, "自评与外部评价对比")
    shot(page, "60-comparison")

    page.get_by_role("link", name="历年情况").first.click()
    expect(page).to_have_url(re.compile(r"/ui/tenants/360102/projects/UI-CMP/years$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NAME} · 历年情况")
    rows = page.get_by_role("table", name="历年情况").get_by_role("row")
    expect(rows.filter(has_text="2023")).to_contain_text("86.00")
    expect(rows.filter(has_text="2023")).to_contain_text("75.00%")
    expect(rows.filter(has_text="2024")).to_contain_text("98.00")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-series-indicators'))"
    )
    for plot in ("chart-series-totals", "chart-series-indicators"):
        assert page.evaluate(PAINTED, plot) > 500, f"{plot} 没有绘制"
    totals = page.evaluate(
        "() => echarts.getInstanceByDom(document.getElementById('chart-series-totals')).getOption().series.map((s) => s.name)"
    )
    assert totals == ["自评总分", "执行率"]
    # first-level indicators shown at first; a box adds a line, and takes it away again
    assert page.evaluate(SHOWN, "1 产出") is True and page.evaluate(SHOWN, "1.1 宣传覆盖") is False
    page.get_by_label("1.1 宣传覆盖").check()
    page.wait_for_function(f"() => ({SHOWN})('1.1 宣传覆盖') === true")
    page.get_by_label("1 产出").uncheck()
    page.wait_for_function(f"() => ({SHOWN})('1 产出') === false")
    expect(
        page.get_by_role("table", name="各指标历年得分").get_by_role("row").filter(has_text="宣传覆盖")
    ).to_contain_text("30.00")
    accessible(page, axe_source, "历年情况")
    shot(page, "61-project-years")
    assert not elsewhere, f"请求了平台以外的地址：{elsewhere}"
