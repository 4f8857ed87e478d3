"""Browser tests: Debian's chromium driven by Playwright against a real server (uvicorn over a
real PostgreSQL with the demo data, one per module — ``tests/api/conftest.py``).

No browser is ever downloaded: ``python3 dev.py test`` installs Debian's chromium; when it is
missing these tests fail (with a Chinese message), they never skip.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from domain.tenants import Role
from services.commands.demo import DEMO_PASSWORD
from services.web.vendoring import AXE, ensure
from tests.api.conftest import Live, live, module_database  # noqa: F401 - the server fixtures, reused

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "e2e"
VENDOR = Path(__file__).resolve().parent / "vendor"  # axe-core, git-ignored
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"浏览器测试需要 {CHROMIUM}：请运行 python3 dev.py test（以 root 安装 chromium）")
    found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield found
    found.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, accept_downloads=True, locale="zh-CN"
    )
    context.set_default_timeout(20_000)
    found = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    found.on("pageerror", lambda e: errors.append(str(e)))
    found.on("request", lambda r: outside.append(r.url) if not _local(r.url) else None)
    yield found
    context.close()
    assert not errors, f"页面脚本出错：{errors}"
    assert not outside, f"页面请求了平台以外的地址（内网无法访问）：{outside}"


def _local(url: str) -> bool:
    """Every server of these tests listens on the loopback: any other host is outside the platform."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, pinned and hash-checked, fetched from the npm registry once (tests/e2e/vendor/)."""
    ensure(AXE, VENDOR)
    return (VENDOR / "axe.min.js").read_text(encoding="utf-8")


def accessible(page: Page, axe_source: str, what: str) -> None:
    """Run axe-core in the page for WCAG 2.0/2.1 A and AA (colour contrast included); fail with
    each violation's rule, help and the elements concerned. The script is evaluated through the
    DevTools protocol, so the page's CSP (script-src 'self') stays as it is."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source + "\n;true")
    violations = page.evaluate(
        """async (tags) => {
            const found = await axe.run(document, { runOnly: { type: "tag", values: tags } });
            return found.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ` +
                v.nodes.slice(0, 6).map((n) => n.target.join(" ") + " " + (n.failureSummary || "")).join(" | "));
        }""",
        WCAG_AA,
    )
    assert not violations, f"{what}：axe-core 发现 WCAG 2 AA 问题：\n" + "\n".join(violations)


def shot(page: Page, name: str) -> Path:
    """Keep a screenshot as a test artifact (tests/artifacts/e2e/, git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, server: Live, tenant: str, *roles: Role, user: str | None = None) -> None:
    """Sign in as a person does: 单位代码, 用户名, 密码 — a demo account of exactly these roles
    (``role.code``, or ``demo.code`` for the whole team) — or, for a combination of roles no demo
    account has, with a platform token pasted into the form's token section."""
    name = user or (f"{roles[0].value}.{tenant}" if len(roles) == 1 else None)
    page.goto(f"{server.url}/ui/login")
    if name is not None and (name.startswith("demo.") or len(roles) == 1):
        page.get_by_label("单位代码").fill(tenant)
        page.get_by_label("用户名").fill(name)
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
    else:
        token = server.token(tenant, *roles, user=user)["Authorization"].removeprefix("Bearer ")
        page.get_by_text("使用平台令牌登录").click()
        page.get_by_label("平台令牌").fill(token)
        page.get_by_role("button", name="用令牌登录").click()
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    expect(page.locator("#who")).to_contain_text(name or f"{roles[0].value}.{tenant}")


def sign_in_link(page: Page, server: Live, tenant: str, *roles: Role, user: str | None = None) -> None:
    """Sign in with a link like those `jixiao up` prints (token in the URL fragment)."""
    token = server.token(tenant, *roles, user=user)["Authorization"].removeprefix("Bearer ")
    page.goto(f"{server.url}/ui/login#token={token}")
    expect(page.get_by_role("navigation", name="主导航")).to_be_visible()
    assert "token" not in page.url


def evaluation_of(server: Live, tenant: str, kind: str = "self") -> tuple[str, str]:
    """(evaluation id, project id) of the bureau's first evaluation of ``kind``."""
    with server.client() as http:
        rows = http.get(f"/api/v1/tenants/{tenant}/evaluations", headers=server.token(tenant)).json()["items"]
    row = next(r for r in rows if r["kind"] == kind)
    return str(row["evaluation_id"]), str(row["project_id"])


NUMBER = re.compile(r"\d+\.\d{2}")
