"""Every request: a correlation id (taken from X-Correlation-ID or made), metrics, and a log line
when ``JIXIAO_ACCESS_LOG=1`` (``services/runtime/logs.py``)."""

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


def _access(scope: Any, status: int, elapsed: float, cid: str, state: dict[str, Any]) -> None:
    """The request's line: readable as text, and its parts as fields of their own in JSON."""
    user = state.get("user", "-")
    replayed = bool(state.get("replayed"))
    log.info(
        "%s %s %s %.1fms cid=%s user=%s%s",
        scope["method"],
        scope["path"],
        status,
        elapsed * 1000,
        cid,
        user,
        " replayed" if replayed else "",
        extra={
            "method": scope["method"],
            "path": scope["path"],
            "status": status,
            "ms": round(elapsed * 1000, 1),
            "correlation_id": cid,
            "user": user,
            "replayed": replayed,
        },
    )


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
                if log.isEnabledFor(logging.INFO):  # off unless JIXIAO_ACCESS_LOG=1
                    _access(scope, status, elapsed, cid, state)

        return handler

    return middleware
