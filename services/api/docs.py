"""The API reference (``/api/docs``) served from the platform itself: no request leaves the machine.

Litestar's Swagger UI page loads the viewer from a public CDN (and its favicon from another),
which a bureau's intranet cannot reach: the page stayed blank. The viewer's files come from the
PyPI package ``swagger-ui-py`` (pinned in ``pyproject.toml``; it ships Swagger UI 5, which reads
the OpenAPI 3.1 document Litestar writes — ``swagger-ui-bundle`` ships Swagger UI 4, which
cannot). Only its static files are used, served here under ``/api/docs/assets/``; its Python
code (framework adapters) is never imported.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import Response, get
from litestar.openapi.plugins import SwaggerRenderPlugin

from services.api.problems import Problem

ASSETS_PATH = "/api/docs/assets"
# the files the page needs, and their media types: nothing else of the package is served
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
_CACHE: dict[str, bytes] = {}


def assets_dir() -> Path | None:
    """Where the installed package keeps the viewer's files (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def asset(name: str) -> bytes:
    if name not in ASSETS:
        raise Problem(404, f"API 文档没有文件 {name[:80]}", "not_found")
    found = _CACHE.get(name)
    if found is None:
        folder = assets_dir()
        try:
            found = (folder / name).read_bytes() if folder is not None else None
        except OSError:
            found = None
        if found is None:
            raise Problem(503, "API 文档的页面文件未安装（swagger-ui-py），请重新安装平台", "docs.missing")
        _CACHE[name] = found
    return found


@get(f"{ASSETS_PATH}/{{name:str}}", include_in_schema=False, sync_to_thread=False)
def docs_asset(name: str) -> Response[bytes]:
    """One of the viewer's files (cached by the browser for a day)."""
    return Response(asset(name), media_type=ASSETS[name], headers={"Cache-Control": "public, max-age=86400"})


def swagger_page() -> SwaggerRenderPlugin:
    """Litestar's Swagger UI page, with every file it loads (favicon included) on this server."""
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
    )
