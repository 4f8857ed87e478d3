"""Accounts in the browser: a wrong password is refused in Chinese; a county's administrator
registers a colleague with a first password and manages roles; the colleague signs in with it,
changes the password and signs out — after which the session is gone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from services.commands.demo import DEMO_PASSWORD
from tests.api.conftest import Live
from tests.e2e.conftest import shot


def _sign_in(page: Page, live: Live, tenant: str, user: str, password: str) -> None:
    page.goto(f"{live.url}/ui/login")
    page.get_by_label("单位代码").fill(tenant)
    page.get_by_label("用户名").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def test_an_administrator_registers_a_colleague_who_signs_in(page: Page, live: Live) -> None:
    _sign_in(page, live, "341182", "admin.341182", "not-the-password")
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确")
    shot(page, "20-sign-in-refused")
    _sign_in(page, live, "341182", "admin.341182", DEMO_PASSWORD)
    page.get_by_role("link", name="账户管理").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("账户管理")
    form = page.locator("#new-account")
    form.get_by_label("用户名", exact=True).fill("zhao.liu")
    form.get_by_label("姓名或系统名称").fill("赵六")
    form.get_by_label("初始密码").fill("Zhaoliu-2026!")
    form.get_by_label("填报人").check()
    form.get_by_role("button", name="登记").click()
    expect(page.get_by_role("cell", name="zhao.liu", exact=True)).to_be_visible(timeout=10_000)
    shot(page, "21-accounts")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    _sign_in(page, live, "341182", "zhao.liu", "Zhaoliu-2026!")
    expect(page.locator("#who")).to_contain_text("zhao.liu")
    page.get_by_role("link", name="zhao.liu").click()
    page.get_by_label("当前密码").fill("Zhaoliu-2026!")
    page.get_by_label("新密码").fill("Zhaoliu-2027!")
    page.get_by_role("button", name="修改").click()
    expect(page.get_by_role("alert")).to_have_text("密码已修改，请用新密码登录")
    _sign_in(page, live, "341182", "zhao.liu", "Zhaoliu-2027!")
    expect(page.locator("#who")).to_contain_text("zhao.liu")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.goto(f"{live.url}/ui/tenants/341182/projects")  # signed out: back to the sign-in page
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
