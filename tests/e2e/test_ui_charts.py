"""The dashboard's charts (Apache ECharts served by the platform), the project list that scales,
and accessibility (axe-core, WCAG 2 AA) — in Debian's chromium.

- The charts come from /vendor/echarts.min.js of this server (no other host is ever asked: the
  page fixture fails on any request off the loopback, and this module on any other origin), an
  ECharts instance is on each plot and its canvas has pixels; hovering a bureau's bar shows its
  figures, clicking it opens that bureau's dashboard; the chart over the years appears once the
  region has projects in two years; 保存为图片 downloads a PNG.
- Without the library on the server the dashboard says so in Chinese and still shows its tables.
- The project list lands on the latest year with projects, with the descendants' projects for a
  province; search, filters and pages are used with the keyboard alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from domain.tenants import Role
from services.web import routes
from tests.api.conftest import Live
from tests.e2e.conftest import accessible, evaluation_of, shot, sign_in, sign_in_link

NANCHANG = "南昌市医疗保障局"
CHILD_BAR = """(name) => {
    const el = document.getElementById("chart-children");
    const chart = echarts.getInstanceByDom(el);
    const index = chart.getOption().yAxis[0].data.indexOf(name);
    const value = chart.getOption().series[0].data[index].value;
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [value / 2, index]);
    const box = el.getBoundingClientRect();
    return [box.left + x, box.top + y];
}"""
PAINTED = """(id) => {
    const canvas = document.querySelector(`#${id} canvas`);
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) drawn++;
    return drawn;
}"""


@pytest.fixture
def same_origin(page: Page, live: Live) -> Iterator[list[str]]:
    """Every request of the page goes to this platform (scheme, host and port), nowhere else."""
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda r: None if r.url.startswith((live.url + "/", "data:", "blob:")) else elsewhere.append(r.url),
    )
    yield elsewhere
    assert not elsewhere, f"请求了平台以外的地址：{elsewhere}"


def _a_second_year(live: Live) -> None:
    """南昌 gets a project of 2023 with money in its ledger: the region now spans two years."""
    team = live.token("360100", Role.PREPARER, Role.EVALUATOR)
    with live.client() as http:
        body = {"code": "2023-CHART", "name": "医保看板测试项目", "year": 2023}
        created = http.post("/api/v1/projects", headers=team, json=body)
        assert created.status_code == 201, created.text
        project = created.json()["id"]
        for kind, amount in (("initial_budget", "1000000.00"), ("expenditure", "400000.00")):
            entry = {"kind": kind, "source": "当年财政拨款", "amount": amount, "date": "2023-03-01"}
            answer = http.post(f"/api/v1/projects/{project}/entries", headers=team, json=entry)
            assert answer.status_code < 300, answer.text
    live.settle()


def test_dashboard_charts_from_the_platform(
    page: Page, live: Live, same_origin: list[str], axe_source: str, tmp_path: Path
) -> None:
    _a_second_year(live)
    page.emulate_media(reduced_motion="reduce")  # no animation: the bars are where they end up
    sign_in_link(page, live, "360000", Role.AUDITOR, user="auditor.360000")
    page.goto(f"{live.url}/ui/tenants/360000/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("江西省医疗保障局 · 汇总看板")
    expect(page.get_by_label("年度", exact=True)).to_have_value("2023")  # the latest year with projects
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-projects'))"
    )
    assert page.evaluate("() => echarts.version") == "5.6.0"
    served = [r for r in page.evaluate("() => performance.getEntriesByType('resource').map((e) => e.name)")]
    assert f"{live.url}/vendor/echarts.min.js" in served
    for plot in ("chart-years", "chart-region", "chart-children", "chart-distribution", "chart-projects"):
        assert page.evaluate(f"() => !!echarts.getInstanceByDom(document.getElementById('{plot}'))"), plot
        assert page.evaluate(PAINTED, plot) > 500, f"{plot} 没有绘制"
    years = page.get_by_role("figure").filter(has_text="历年预算、执行与执行率")
    expect(years).to_be_visible()
    accessible(page, axe_source, "汇总看板")

    # hover: the bureau's figures as a tooltip
    x, y = page.evaluate(CHILD_BAR, NANCHANG)
    page.mouse.move(x, y)
    tip = page.locator("#chart-children .tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text(NANCHANG)
    expect(tip).to_contain_text("执行率：40.00%")
    expect(tip).to_contain_text("全年预算：1,000,000.00 元")
    shot(page, "30-dashboard-charts")

    # export: the toolbox's 保存为图片 downloads the chart as a PNG
    box = page.locator("#chart-children").bounding_box()
    assert box is not None
    with page.expect_download() as saved:
        page.mouse.click(box["x"] + box["width"] - 8 - 8, box["y"] + 5 + 8)
    path = tmp_path / saved.value.suggested_filename
    saved.value.save_as(path)
    assert path.suffix == ".png" and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # click: drill down to the bureau's own dashboard
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"/ui/tenants/360100/dashboard\?year=2023$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{NANCHANG} · 汇总看板")
    page.wait_for_function("() => echarts.getInstanceByDom(document.getElementById('chart-projects'))")
    shot(page, "31-dashboard-drilled")


def test_region_treemap_drills_down(page: Page, live: Live, same_origin: list[str]) -> None:
    page.emulate_media(reduced_motion="reduce")
    sign_in_link(page, live, "360000", Role.AUDITOR, user="auditor.360000")
    page.goto(f"{live.url}/ui/tenants/360000/dashboard?year=2022")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-region'))"
    )
    expect(page.get_by_role("list", name="颜色图例：自评平均分")).to_contain_text("≥90")
    box = page.locator("#chart-region").bounding_box()
    assert box is not None  # 南昌 is the only bureau with a budget in 2022: the whole area
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 10)
    # 南昌's 99.74 is a draft: no finalized self-evaluation to average (issue 19)
    expect(page.locator("#chart-region .tip")).to_contain_text("自评平均分：—")
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2 + 10)
    expect(page).to_have_url(re.compile(r"/ui/tenants/360100/dashboard\?year=2022$"))


def test_without_the_library_the_dashboard_says_so(
    page: Page, live: Live, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(routes, "VENDOR", tmp_path)  # the server (same process) has no copy now
    monkeypatch.setattr(routes, "_CACHE", {})
    sign_in_link(page, live, "360000", Role.AUDITOR, user="auditor.360000")
    page.goto(f"{live.url}/ui/tenants/360000/dashboard?year=2022")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("图表库 Apache ECharts 5.6.0 尚未安装")
    expect(alert).to_contain_text("python3 dev.py up")
    expect(page.get_by_role("table", name="下级单位")).to_contain_text(
        NANCHANG
    )  # the figures are still there
    assert page.locator("figure.chart").count() == 0


def test_province_lands_on_its_latest_year(page: Page, live: Live, axe_source: str) -> None:
    sign_in_link(page, live, "340000", Role.AUDITOR, user="auditor.340000")
    page.get_by_role("navigation").get_by_role("link", name="项目与预算台账").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("安徽省医疗保障局 · 项目与预算台账")
    expect(page.locator("caption")).to_contain_text("2021 年度共 8 个项目")
    expect(page.get_by_role("table")).to_contain_text("明光市医疗保障局")
    expect(page.get_by_label("范围")).to_have_value("true")
    accessible(page, axe_source, "项目列表")


def _focus(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement.id || document.activeElement.textContent"))


def _tab_to(page: Page, target: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if _focus(page) == target:
            return
    raise AssertionError(f"按 Tab 未能到达 {target}")


def test_project_list_with_the_keyboard(page: Page, live: Live, same_origin: list[str]) -> None:
    sign_in(page, live, "341182", Role.PREPARER)
    page.goto(f"{live.url}/ui/tenants/341182/projects?page_size=3")
    caption = page.locator("caption")
    expect(caption).to_contain_text("2021 年度共 8 个项目，第 1–3 个")
    # pages: Tab to 下一页, Enter
    _tab_to(page, "下一页")
    page.keyboard.press("Enter")
    expect(caption).to_contain_text("第 4–6 个")
    expect(page.get_by_role("navigation", name="分页")).to_contain_text("第 2 / 3 页")
    # search: type, Enter — the server searched; the focus stays in the field
    _tab_to(page, "list-q")
    page.keyboard.type("救助")
    page.keyboard.press("Enter")
    expect(caption).to_contain_text("2021 年度共 1 个项目")
    expect(page.get_by_role("table")).to_contain_text("医保医疗救助项目资金支出")
    expect(page.get_by_label("搜索")).to_be_focused()
    assert "q=%E6%95%91%E5%8A%A9" in page.url and "page=" not in page.url
    # a filter chosen with the arrow keys (a status some evaluation has), sent with 查询
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    with live.client() as http:
        rows = http.get("/api/v1/tenants/341182/evaluations?page_size=200", headers=live.token("341182"))
        status = rows.json()["items"][0]["status"]
        found = http.get(
            f"/api/v1/tenants/341182/projects?year=2021&status={status}", headers=live.token("341182")
        ).json()
    _tab_to(page, "list-status")
    page.keyboard.press("Home")  # 全部, then down to the status
    for _ in range(["draft", "submitted", "returned", "finalized"].index(status) + 1):
        page.keyboard.press("ArrowDown")
    expect(page.get_by_label("评价状态")).to_have_value(status)
    _tab_to(page, "list-go")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"status={status}"))
    assert found["total"] > 0
    expect(caption).to_contain_text(f"2021 年度共 {found['total']} 个项目")
    for project in found["items"][:3]:  # the page shows three
        expect(page.get_by_role("table")).to_contain_text(project["name"])
    shot(page, "32-project-list")
    # a bad parameter in the address: the server's Chinese refusal, not a broken page
    page.goto(f"{live.url}/ui/tenants/341182/projects?page=0")
    expect(page.get_by_role("alert")).to_contain_text("参数 page 不正确")


def test_scorecard_is_accessible(page: Page, live: Live, axe_source: str) -> None:
    evaluation, _ = evaluation_of(live, "360100")
    sign_in_link(page, live, "360100", Role.PREPARER, Role.EVALUATOR, user="a11y.360100")
    page.goto(f"{live.url}/ui/evaluations/{evaluation}")
    expect(page.locator("#total")).to_have_text("99.74")
    accessible(page, axe_source, "评分表")


def test_the_accessibility_check_finds_problems(page: Page, live: Live, axe_source: str) -> None:
    """The check above is not vacuous: an image without a text and pale text on white fail it."""
    sign_in_link(page, live, "360100", Role.AUDITOR, user="auditor.360100")
    expect(page.locator("caption")).to_contain_text("年度共")  # the page has rendered
    page.evaluate(
        """() => {
            const main = document.getElementById("main");
            main.append(Object.assign(document.createElement("img"), { src: "data:," }));
            const pale = Object.assign(document.createElement("p"), { textContent: "浅色文字" });
            pale.style.color = "#d0d0d0";
            main.append(pale);
        }"""
    )
    with pytest.raises(AssertionError) as found:
        accessible(page, axe_source, "测试页")
    assert "image-alt" in str(found.value) and "color-contrast" in str(found.value)
