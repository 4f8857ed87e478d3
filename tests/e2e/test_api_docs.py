"""The API reference (``/api/docs``) on a bureau's intranet: headless chromium renders every
operation with its request examples, and not one request goes to a host other than the platform."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, Request, Route, expect

from tests.api.conftest import Live
from tests.e2e.conftest import shot


def test_the_api_reference_renders_from_the_platform_alone(page: Page, live: Live) -> None:
    platform = urlsplit(live.url).netloc
    elsewhere: list[str] = []

    def outside(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != platform

    def seen(request: Request) -> None:
        if outside(request.url):
            elsewhere.append(request.url)

    def intranet(route: Route) -> None:  # what a bureau's network does: nothing outside answers
        if outside(route.request.url):
            route.abort()
        else:
            route.continue_()

    page.on("request", seen)
    page.route("**/*", intranet)
    page.goto(f"{live.url}/api/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.get_by_text("jixiao 项目支出绩效评价平台 API")).to_be_visible()
    assert page.locator(".opblock").count() > 60  # every operation, not a blank page
    deduction = (
        page.locator(".opblock-post").filter(has_text="/api/v1/evaluations/{evaluation_id}/deductions").first
    )
    expect(deduction).to_contain_text("服务器编号")
    deduction.locator(".opblock-summary").click()
    body = page.locator(".opblock-body").first
    expect(body).to_contain_text("未按规定开展事前绩效评估")  # the request example, shown as the body
    shot(page, "api-docs")
    expect(body.locator(".examples-select").first).to_contain_text("扣分（自定编号）")  # and the other
    page.wait_for_load_state("networkidle")
    assert elsewhere == [], f"API 文档向其他主机发出了请求：{elsewhere}"
