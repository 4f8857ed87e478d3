"""The UI's pages: one shell for every ``/ui/…`` path (the ES modules route on the client) and
the static files under ``/assets``. Nothing here needs a token: data comes from the JSON API,
which checks the bearer token on every request.

A strict Content-Security-Policy keeps scripts to our own files, so text from the data (names,
reasons) can never run as code even if a view forgot to escape it.
"""

from __future__ import annotations

from pathlib import Path

from litestar import Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

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
