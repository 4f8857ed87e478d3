"""委托第三方 in the browser: the city engages a recorded firm for its 部门评价 from 「委托第三方」;
the firm's person (a token naming the engagement) opens it, accepts with a declaration and reaches
the evaluation; the city revokes it and the firm's next page is refused."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.api.test_engagements import CITY, DISTRICT, FIRM, _department_evaluation
from tests.e2e.conftest import shot
from tests.e2e.test_ui_cycle import _as


def test_engage_accept_reach_and_revoke(page: Page, live: Live) -> None:
    finance = live.token(CITY, Role.FINANCE, user="ui.fin.360100")
    with live.client() as http:
        ev = _department_evaluation(http, live, DISTRICT, "UI-ENG")
        recorded = http.post(
            f"/api/v1/tenants/{CITY}/firms",
            headers=finance,
            json={"firm_code": FIRM, "name": "江西某会计师事务所"},
        )
        assert recorded.status_code in (201, 409), recorded.text
    _as(page, live, CITY, Role.FINANCE, user="ui.fin.360100")
    page.goto(f"{live.url}/ui/tenants/{CITY}/engagements")
    page.get_by_role("button", name="委托评价机构").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("评价机构统一社会信用代码").fill(FIRM)
    dialog.get_by_label("委托事项").fill("界面委托")
    dialog.get_by_label("委托评价的评价编号（可多个，用逗号分隔）").fill(ev)
    dialog.get_by_label("结束日期").fill((datetime.date.today() + datetime.timedelta(days=10)).isoformat())
    dialog.get_by_label("评价机构参与人员用户名（用逗号分隔）").fill("firm.ui")
    dialog.get_by_role("button", name="委托").click()
    row = page.get_by_role("table", name="委托").get_by_role("row", name="界面委托")
    expect(row).to_contain_text("待接受")
    href = row.get_by_role("link", name="界面委托").get_attribute("href")
    assert href is not None
    eid = href.rsplit("/", 1)[1]

    page.evaluate("sessionStorage.clear()")
    page.context.clear_cookies()
    token = live.token(CITY, Role.EVALUATOR, user="firm.ui", engagement=eid)["Authorization"].removeprefix(
        "Bearer "
    )
    page.goto(f"{live.url}/ui/login#token={token}")
    page.goto(f"{live.url}/ui/engagements/{eid}")
    page.get_by_role("button", name="接受委托").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("利益冲突声明（说明与被评价单位无利害关系）").fill(
        "本机构与被评价单位无任何利害关系，承诺独立客观评价。"
    )
    dialog.get_by_role("button", name="接受").click()
    expect(page.locator("#engagement-status")).to_have_text("已接受")
    page.get_by_role("link", name=ev).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("部门评价评分表")
    shot(page, "70-engagement-accepted")

    _as(page, live, CITY, Role.FINANCE, user="ui.fin.360100")
    page.goto(f"{live.url}/ui/tenants/{CITY}/engagements")
    page.get_by_role("button", name="撤销委托：界面委托").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("原因").fill("合同终止")
    dialog.get_by_role("button", name="撤销").click()
    expect(page.get_by_role("table", name="委托").get_by_role("row", name="界面委托")).to_contain_text(
        "已撤销"
    )

    page.evaluate("sessionStorage.clear()")
    page.context.clear_cookies()
    page.goto(f"{live.url}/ui/login#token={token}")  # the revoked engagement's token: refused, with why
    expect(page.get_by_role("alert")).to_contain_text("委托已撤销")
