"""The UI's pages: one shell for every ``/ui/…`` path (the ES modules route on the client) and
the static files under ``/assets``. Nothing here needs a token: data comes from the JSON API,
which checks the bearer token on every request.

A strict Content-Security-Policy keeps scripts to our own files, so text from the data (names,
reasons) can never run as code even if a view forgot to escape it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from anyio import to_thread
from litestar import Request, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

from services.api.problems import problem
from services.web.vendoring import ECHARTS, VENDOR

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # sign-in links carry the token in the fragment; never leak the URL
}


@get(["/", "/ui", "/ui/{rest:path}"], include_in_schema=False, media_type="text/html")
async def shell() -> Response[bytes]:
    """The same page for every UI path: the client reads ``location`` and renders the view."""
    return Response(
        (STATIC / "index.html").read_bytes(),
        media_type="text/html; charset=utf-8",
        headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"},
    )


def static_files() -> Router:
    return create_static_files_router(
        path="/assets",
        directories=[STATIC],
        cache_control=CacheControlHeader(no_cache=True),  # revalidate: no build step, no hashed names
        include_in_schema=False,
        name="assets",
    )


# what /vendor/ serves: the pinned ECharts build and its licence (installed by services/web/vendoring.py)
VENDORED = {
    "echarts.min.js": "application/javascript; charset=utf-8",
    "echarts-LICENSE.txt": "text/plain; charset=utf-8",
    "echarts-NOTICE.txt": "text/plain; charset=utf-8",
}
MISSING = (
    f"图表库 Apache ECharts {ECHARTS.version} 尚未安装（缺少 services/web/vendor/{{name}}），看板只能显示表格："
    "请运行 python3 dev.py up（或 python -m services.web.vendoring）从 npm 仓库安装后刷新页面"
)


_CACHE: dict[str, bytes] = {}


@get("/vendor/{name:str}", include_in_schema=False)
async def vendored(request: Request[Any, Any, Any], name: str) -> Response[Any]:
    """A vendored file, or a Chinese problem saying it is not installed (the page shows it)."""
    if name not in VENDORED:
        return problem(request, 404, "资源不存在", "not_found")
    content = _CACHE.get(name)
    if content is None:
        path = VENDOR / name
        if not path.is_file():  # checked on every request: installing it later needs no restart
            return problem(request, 404, MISSING.format(name=name), "ui.vendor_missing")
        content = _CACHE[name] = await to_thread.run_sync(path.read_bytes)
    return Response(
        content,
        media_type=VENDORED[name],
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=3600"},
    )
