"""RFC 9457 problem+json: a Chinese ``title``/``detail``, a stable ``code``, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from eventsourcing import persistence
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from psycopg_pool import PoolTimeout

from domain.errors import AlreadyExists, DomainError, NotFound
from services.api.auth import AuthError
from services.api.wording import chinese
from services.app.errors import ConflictError, Forbidden

log = logging.getLogger("jixiao.api")

PROBLEM = "application/problem+json"

TITLES = {
    400: "请求格式错误",
    401: "未登录或令牌无效",
    403: "无权执行此操作",
    404: "资源不存在",
    405: "不支持该请求方法",
    409: "版本冲突",
    412: "前置条件不满足",
    413: "请求体过大",
    422: "请求被拒绝",
    428: "缺少前置条件",
    429: "请求过于频繁",
    500: "服务器内部错误",
    503: "服务暂不可用",
}


class Problem(Exception):
    def __init__(self, status: int, detail: str, code: str, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.code = code
        self.extra = extra


def problem(
    request: Request[Any, Any, Any] | None,
    status: int,
    detail: str,
    code: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[Any]:
    body: dict[str, Any] = {
        "type": f"https://jixiao.example/problems/{code}",
        "title": TITLES.get(status, "请求失败"),
        "status": status,
        "detail": detail,
        "code": code,
    }
    if request is not None:
        body["instance"] = request.url.path
        cid = request.scope.get("state", {}).get("correlation_id")
        if cid:
            body["correlation_id"] = cid
    body.update({k: v for k, v in extra.items() if v is not None})
    headers = dict(headers or {})
    if status == 429 and "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return Response(body, status_code=status, media_type=PROBLEM, headers=headers)


# the store unreachable: a connection refused or broken, the pool out of connections that work
STORE_UNAVAILABLE = (
    psycopg.OperationalError,
    psycopg.InterfaceError,
    PoolTimeout,
    persistence.OperationalError,
    persistence.InterfaceError,
    persistence.ConnectionUnavailableError,
)
RETRY_AFTER_SECONDS = 5


def handle(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if isinstance(exc, Problem):
        return problem(request, exc.status, exc.detail, exc.code, **exc.extra)
    if isinstance(exc, AuthError):
        return problem(request, 401, exc.detail, exc.code)
    if isinstance(exc, ConflictError):
        return problem(request, 409, exc.message, exc.code, current_version=exc.current_version)
    if isinstance(exc, Forbidden):
        return problem(request, 403, exc.message, exc.code)
    if isinstance(exc, NotFound):  # one code for "absent" and "outside your scope": nothing to tell apart
        return problem(request, 404, exc.message, "not_found")
    if isinstance(exc, AlreadyExists):
        return _exists(request, exc)
    if isinstance(exc, DomainError):
        return problem(request, 422, exc.message, exc.code, row=exc.row)
    if isinstance(exc, ValidationException):
        return _validation(request, exc)
    if isinstance(exc, NotAuthorizedException):
        return problem(request, 401, "未登录或令牌无效", "auth.invalid")
    if isinstance(exc, PermissionDeniedException):
        return problem(request, 403, "无权执行此操作", "forbidden")
    if isinstance(exc, NotFoundException):
        return problem(request, 404, "资源不存在", "not_found")
    if isinstance(exc, HTTPException):
        status = exc.status_code
        if status == 413:
            return problem(request, 413, "请求体超过大小限制", "request.too_large")
        if status == 405:
            allow = (exc.headers or {}).get("allow") or (exc.headers or {}).get("Allow") or ""
            detail = "该地址不支持此请求方法" + (f"，可用：{allow}" if allow else "")
            return problem(
                request, 405, detail, "method_not_allowed", headers={"Allow": allow} if allow else None
            )
        if status < 500:
            return problem(request, status, TITLES.get(status, "请求失败"), f"http.{status}")
    if isinstance(exc, STORE_UNAVAILABLE):  # the database away (restarting, failing over): not a defect
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        log.warning("数据库暂时无法连接（%s %s）：%s", request.method, request.url.path, first)
        return problem(
            request,
            503,
            "数据库暂时无法连接，请稍后重试（本次请求未保存任何内容）",
            "store.unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, RecursionError | UnicodeDecodeError):  # a body that slipped past bodies.py
        return problem(request, 400, "请求内容无法解析（嵌套过深或不是 UTF-8 文本）", "request.malformed")
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem(request, 500, "服务器内部错误，请稍后重试或联系管理员（凭关联号查询日志）", "internal")


# the page of the web UI that shows what exists, by kind (``AlreadyExists.kind``)
PAGES = {
    "evaluation": ("评价", "/ui/evaluations/{}"),
    "project": ("项目", "/ui/projects/{}"),
    "monitoringreport": ("监控表", "/ui/reports/{}"),
    "monitoringround": ("监控轮次", "/ui/monitoring/{}"),
    "rectification": ("整改", "/ui/rectifications/{}"),
}


def _exists(request: Request[Any, Any, Any], exc: AlreadyExists) -> Response[Any]:
    """409: and where what exists is, when it has a page (``existing``: its id and the page)."""
    page = PAGES.get(exc.kind or "")
    if exc.existing is None or page is None:
        return problem(request, 409, exc.message, exc.code)
    what, href = page[0], page[1].format(exc.existing)
    detail = f"{exc.message}：已有的{what}编号为 {exc.existing}，请打开 {href} 查看或继续办理，不必重新创建"
    return problem(request, 409, detail, exc.code, existing={"id": exc.existing, "href": href})


def _validation(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """400 in Chinese: each of the decoder's complaints with the field in the user's words
    (``services/api/wording.py``), the first five in ``detail``, all in ``errors``."""
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = []
    for item in extra[:20]:
        if isinstance(item, dict):
            key = str(item.get("key") or "")
            source = item.get("source")  # Litestar's ParamType (a str enum) or a plain string
            message = chinese(
                str(item.get("message") or ""), key, str(getattr(source, "value", source) or "")
            )
            errors.append({"field": "" if key in ("data", "body") else key, "message": message})
    detail = "；".join(e["message"] for e in errors[:5]) or "请求内容无法解析（请检查 JSON 格式与字段类型）"
    return problem(request, 400, detail, "request.malformed", errors=errors or None)
