"""The OpenAPI document (``/api/docs/openapi.json``): every command with a JSON body shows an
example, and every example is a body the route accepts."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from services.api.app import create_app
from services.api.bodies import check_body, data_type
from services.api.docs import ASSETS, asset, swagger_page
from services.api.examples import EXAMPLES
from services.web import web_handlers

# commands that take no JSON body: the path says it all (or the body is an .xlsx file)
BODILESS = {
    ("post", "/api/v1/evaluations/{evaluation_id}/submit"),
    ("post", "/api/v1/evaluations/{evaluation_id}/finalize"),
    ("post", "/api/v1/evaluations/{evaluation_id}/ledger-sync"),
    ("post", "/api/v1/evaluations/{evaluation_id}/import.xlsx"),
    ("post", "/api/v1/targets/{declaration}/submit"),
    ("post", "/api/v1/targets/{declaration}/import.xlsx"),
    ("post", "/api/v1/monitoring/reports/{report}/submit"),
    ("post", "/api/v1/monitoring/rounds/{round_id}/check"),
    ("post", "/api/v1/monitoring/rounds/{round_id}/projects/{project_id}/report"),
    ("post", "/api/v1/tenants/{code}/rectifications/check"),
    ("post", "/api/v1/evaluations/{evaluation_id}/report"),
    ("post", "/api/v1/tenants/{code}/final-accounts/publish"),
    ("post", "/api/v1/evidence/{kind}/{owner}/{key}"),  # a multipart upload (佐证材料)
}


@pytest.fixture(scope="module")
def api() -> Litestar:
    # the document needs the routes only: no platform is started
    return create_app(SimpleNamespace(metrics=None, start=None, stop=None), more=web_handlers())  # type: ignore[arg-type]


def _commands(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, item[method])
        for path, item in document["paths"].items()
        if path.startswith("/api/v1/")
        for method in ("post", "put")
        if method in item
    ]


def test_every_command_with_a_body_has_examples(api: Litestar) -> None:
    document = api.openapi_schema.to_schema()
    commands = _commands(document)
    assert len(commands) > 30
    without = set()
    for method, path, operation in commands:
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is None:
            without.add((method, path))
            continue
        examples = body.get("examples") or {}
        assert examples, f"{method.upper()} {path} 没有请求示例"
        for example in examples.values():
            assert example["summary"] and isinstance(example["value"], dict), (path, example)
    assert without == BODILESS


def test_every_example_is_a_body_its_route_accepts(api: Litestar) -> None:
    checked = set()
    for route in api.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            body_type = data_type(handler)
            if body_type is None or not {"POST", "PUT"} & set(handler.http_methods):
                continue
            assert body_type in EXAMPLES, f"{route.path_format} 的请求体 {body_type} 没有示例"
            for summary, value in EXAMPLES[body_type]:
                raw = msgspec.json.encode(value)
                check_body(raw, "application/json", body_type)  # the limits bodies.py enforces
                decoded = msgspec.json.decode(raw, type=body_type)  # the decoder the route uses
                assert msgspec.to_builtins(decoded), summary
                checked.add(body_type)
    assert checked == set(EXAMPLES)  # no example is left over for a type no route takes


def test_the_docs_page_loads_nothing_from_elsewhere(api: Litestar) -> None:
    page = swagger_page()
    for url in (page.js_url, page.css_url, page.standalone_preset_js_url):
        assert url.startswith("/api/docs/assets/"), url  # a path on this server, no host
    assert "href='/api/docs/assets/favicon-32x32.png'" in page.favicon
    for name in ASSETS:
        assert len(asset(name)) > 100, name  # the package's files are installed and served
    assert b"SwaggerUIBundle" in asset("swagger-ui-bundle.js")
