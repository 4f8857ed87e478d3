"""Every request: a correlation id (taken from X-Correlation-ID or made), a log line, metrics."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.types import ASGIApp, Message, Receive, Send

from services.api.metrics import Metrics

log = logging.getLogger("jixiao.api.access")
_SAFE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


def observe(metrics: Metrics) -> Any:
    def middleware(app: ASGIApp) -> ASGIApp:
        async def handler(scope: Any, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            headers = dict(scope.get("headers", []))
            given = headers.get(b"x-correlation-id", b"").decode("latin-1")
            cid = given if _SAFE.match(given) else uuid.uuid4().hex
            scope.setdefault("state", {})["correlation_id"] = cid
            started = time.perf_counter()
            status = 500

            async def sending(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = [*message.get("headers", []), (b"x-correlation-id", cid.encode())]
                await send(message)

            try:
                await app(scope, receive, sending)
            finally:
                elapsed = time.perf_counter() - started
                route = scope.get("path_template") or "unmatched"
                metrics.observe(scope["method"], str(route), status, elapsed)
                state: dict[str, Any] = scope.get("state", {})
                log.info(
                    "%s %s %s %.1fms cid=%s user=%s%s",
                    scope["method"],
                    scope["path"],
                    status,
                    elapsed * 1000,
                    cid,
                    state.get("user", "-"),
                    " replayed" if state.get("replayed") else "",
                )

        return handler

    return middleware
