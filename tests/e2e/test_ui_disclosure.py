"""信息公开 in the browser: the district's reviewer publishes a finalized evaluation from its
scorecard after a confirmation that shows exactly what will be published; the public page shows it
to a visitor who is not signed in; the reviewer withdraws it with a reason from the list of
publications, and the public page no longer shows it; then marks the project 涉密 from its page."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.api.test_disclosure import REASON, evaluated
from tests.e2e.conftest import accessible, shot, sign_in_link

DISTRICT = "360102"
NAME = "公开演示项目"


def test_publish_see_it_in_public_and_withdraw(
    page: Page, browser: Browser, live: Live, axe_source: str
) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, user="ui.pub")
    reviewer = live.token(DISTRICT, Role.REVIEWER, user="ui.rev")
    with live.client() as http:
        ev = evaluated(http, unit, "UI-PUB", NAME)
        assert http.post(f"/api/v1/evaluations/{ev}/finalize", headers=reviewer).status_code == 200

    sign_in_link(page, live, DISTRICT, Role.REVIEWER, user="ui.rev")
    page.goto(f"{live.url}/ui/evaluations/{ev}")
    page.get_by_role("button", name="公开", exact=True).click()
    dialog = page.get_by_role("dialog", name="确认公开")
    expect(dialog).to_contain_text("96.00")
    expect(dialog).to_contain_text("数量指标")
    expect(dialog).not_to_contain_text("周八")  # the deduction's reason is not published
    shot(page, "50-publish-confirm")
    accessible(page, axe_source, "确认公开")
    dialog.get_by_role("button", name="确认公开").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    live.settle()

    page.goto(f"{live.url}/ui/tenants/{DISTRICT}/publications")
    row = page.locator("#publications tr", has_text=NAME)
    expect(row).to_contain_text("公开中")
    accessible(page, axe_source, "信息公开")

    visitor = browser.new_page(locale="zh-CN")  # a visitor: a context of its own, never signed in
    visitor.goto(f"{live.url}/public/{DISTRICT}")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("预算绩效信息公开")
    expect(visitor.locator("main")).to_contain_text(NAME)
    expect(visitor.locator("main")).to_contain_text("96.00")
    shot(visitor, "51-public-page")
    accessible(visitor, axe_source, "公开页面")

    row.get_by_role("button", name="撤回").click()
    withdraw = page.get_by_role("dialog")
    withdraw.get_by_label("撤回原因").fill("数据有误，更正后重新公开")
    withdraw.get_by_role("button", name="撤回").click()
    expect(page.locator("#publications tr", has_text=NAME)).to_contain_text("已撤回：数据有误")
    live.settle()
    visitor.reload()
    expect(visitor.locator("main")).not_to_contain_text(NAME)
    assert REASON not in visitor.content()
    visitor.close()

    # nothing of it public any more: the bureau marks the project 涉密 from its page
    page.locator("#publications tr", has_text=NAME).get_by_role("link").click()
    expect(page.locator("#classification")).to_contain_text("公开中的信息 0 项")
    page.get_by_role("button", name="标记涉密").click()
    mark = page.get_by_role("dialog")
    mark.get_by_label("标记涉密原因").fill("经保密审查确定")
    mark.get_by_role("button", name="标记涉密").click()
    expect(page.locator("#classification")).to_contain_text("已标记为涉密")
