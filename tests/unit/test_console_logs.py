"""The server's log (``services/runtime/logs.py``): no request is logged unless asked, and asked
for JSON, every line is one JSON object with the access line's parts as fields."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from services.api.metrics import Metrics
from services.api.middleware import observe
from services.runtime.logs import configure_logging


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    access = logging.getLogger("jixiao.api.access").level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    logging.getLogger("jixiao.api.access").setLevel(access)


def _request(path: str) -> None:
    """One request through the API's middleware, to an app that answers 204."""

    async def app(scope: Any, receive: Any, send: Any) -> None:
        scope["state"]["user"] = "demo.360100"
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: Any) -> None:
        return None

    handler = observe(Metrics(()))(app)
    scope = {"type": "http", "method": "GET", "path": path, "headers": [(b"x-correlation-id", b"req-1")]}
    asyncio.run(handler(scope, receive, send))


def test_no_request_is_logged_by_default_only_warnings() -> None:
    out = io.StringIO()
    configure_logging(stream=out)
    _request("/healthz")
    logging.getLogger("pgserver").info("cleaning last handle for server")
    logging.getLogger("jixiao.relay").info("中继继续")
    logging.getLogger("jixiao.api").warning("读取撤销列表失败")
    assert out.getvalue().splitlines() == [out.getvalue().splitlines()[0]]
    assert out.getvalue().rstrip().endswith("WARNING jixiao.api：读取撤销列表失败")


def test_json_lines_with_the_access_lines_parts_as_fields() -> None:
    out = io.StringIO()
    configure_logging(json_lines=True, access_log=True, stream=out)
    _request("/api/v1/me")
    try:
        raise ValueError("坏了")
    except ValueError:
        logging.getLogger("jixiao.api").exception("未处理的错误")
    access, error = (json.loads(line) for line in out.getvalue().splitlines())
    assert access["logger"] == "jixiao.api.access" and access["level"] == "INFO"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/api/v1/me", 204)
    assert (access["correlation_id"], access["user"], access["replayed"]) == ("req-1", "demo.360100", False)
    assert "GET /api/v1/me 204" in access["message"] and access["time"].endswith("+00:00")
    assert error["message"] == "未处理的错误" and "ValueError: 坏了" in error["error"]
