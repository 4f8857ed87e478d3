"""What every HTTP feature module shares: the platform's parts, the caller, the policy guard,
commands with ``If-Match`` / ``Idempotency-Key``, reads of the read models under row-level
security, and the answers' shapes. The web UI's endpoints use the same public names, so a page
can show nothing the API itself would refuse.
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from urllib.parse import quote

import msgspec
import psycopg
from anyio import to_thread
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from msgspec import Struct
from psycopg import Connection
from psycopg_pool import ConnectionPool

from domain.errors import DomainError
from domain.evaluation import Evaluation
from projections.access.queries import Revocations, revocations_since
from projections.core.scope import SET_SCOPE_SQL, ScopeKey, listed, subtree
from projections.engagements.queries import engagements
from services.api.auth import AuthError, Verifier
from services.api.engagementbook import EngagementBook
from services.api.idempotency import Idempotency, KeyReused, Recorded, request_hash
from services.api.metrics import Metrics
from services.api.names import TenantNames
from services.api.problems import Problem, handle
from services.api.ratelimit import RateLimiter
from services.app.accounts import Accounts
from services.app.application import JixiaoApplication
from services.app.commands.targets import CHINA
from services.app.policy import Caller, check_role
from services.eventlog.port import NotInLog
from services.evidence.config import Evidence

T = TypeVar("T")
log = logging.getLogger("jixiao.api")
_JSON = msgspec.json.Encoder(decimal_format="string")


@dataclass
class Platform:
    """The parts the handlers share, built by the composition root (``services/platform.py``)."""

    app: JixiaoApplication
    read_pool: ConnectionPool[Any]  # the application's role: the event table, idempotency records
    reader_pool: ConnectionPool[Any]  # jixiao_reader, under row-level security: the read models
    verifier: Verifier
    idempotency: Idempotency
    limiter: RateLimiter
    metrics: Metrics
    scope_key: ScopeKey
    command_cache: int = 2000  # aggregates the command cache keeps (settings: JIXIAO_CACHE_*)
    cache_events: int | None = 100_000  # events folded into them, at most

    accounts: Accounts | None = None
    evidence: Evidence | None = None  # 佐证材料: the object store and limits (services/evidence)
    _follower: asyncio.Task[None] | None = None
    names: TenantNames = field(init=False)  # bureau names for labels (services/api/names.py)
    engagements: EngagementBook = field(init=False)  # the firms' engagements as they stand

    def __post_init__(self) -> None:
        self.names = TenantNames(self.read_pool)
        self.engagements = EngagementBook()

    async def start(self) -> None:
        """On the server's event loop: the group commit runs there (``UnitOfWork.serve``), and the
        revocations are followed from the access read model, once a second."""
        self.app.serve(
            command_cache=self.command_cache, cache_events=self.cache_events, loop=asyncio.get_running_loop()
        )
        self._follower = asyncio.get_running_loop().create_task(self.follow_revocations())

    def read_revocations(self) -> None:
        current = self.verifier.revocations.state
        copy = Revocations(
            current.position, set(current.ended), dict(current.not_before), set(current.disabled)
        )
        with self.read_pool.connection() as conn:
            self.verifier.revocations.replace(revocations_since(conn, copy))
            self.engagements.replace_all(engagements(conn))

    async def follow_revocations(self, every: float = 1.0) -> None:
        while True:
            try:
                await to_thread.run_sync(self.read_revocations)
            except psycopg.OperationalError as e:  # the database away for a moment (or stopping)
                log.warning(
                    "读取撤销列表失败（%s），沿用上次的列表，稍后重试", str(e).strip().splitlines()[0]
                )
            except Exception:  # anything else is a defect: its stack, and the last list holds
                log.warning("读取撤销列表失败，稍后重试", exc_info=True)
            await asyncio.sleep(every)

    async def stop(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
        await self.app.stop_serving()
        self.reader_pool.close()
        self.read_pool.close()
        self.app.close()


class Done(Struct):
    """A command's answer: the resource and its new version (also in the ETag header)."""

    id: str
    version: int
    total: Any = None
    grade: str | None = None
    flags: list[dict[str, Any]] | None = None


class DeductionDone(Done):
    """The answer to a deduction: also its id (the one given, or the one the server chose)."""

    deduction_id: str = ""


def platform_of(request: ASGIConnection[Any, Any, Any, Any]) -> Platform:
    p: Platform = request.app.state.platform
    return p


# ---- who calls ------------------------------------------------------------------------------------
SESSION_COOKIE = "jixiao_session"  # HttpOnly: the signed-in person's session token
CSRF_COOKIE = "jixiao_csrf"  # readable by the page, sent back as X-CSRF-Token on every change
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(platform: Platform, session: str) -> str:
    """The session's CSRF token: derived from its id with the platform's key, so nothing is stored."""
    key = (platform.verifier.config.secret or "").encode()
    return hmac.new(key, f"csrf:{session}".encode(), hashlib.sha256).hexdigest()[:40]


def _credential(connection: ASGIConnection[Any, Any, Any, Any], platform: Platform) -> Caller:
    """The bearer token (systems, scripts) or, without one, the session cookie (the web UI): a
    change made with a cookie must carry the session's CSRF token in ``X-CSRF-Token``."""
    header = connection.headers.get("authorization")
    cookie = connection.cookies.get(SESSION_COOKIE) if header is None else None
    if cookie is None:
        return platform.verifier.verify(header)
    caller = platform.verifier.verify(f"Bearer {cookie}")
    if caller.via != "session":
        raise AuthError("会话无效，请重新登录", code="auth.invalid")
    if connection.scope.get("method", "GET") not in SAFE_METHODS:
        sent = connection.headers.get("x-csrf-token", "")
        if not hmac.compare_digest(sent, csrf_token(platform, caller.token_id)):
            raise Problem(403, "缺少或错误的 CSRF 令牌，请刷新页面后重试", "forbidden.csrf")
    return caller


def _authenticate(connection: ASGIConnection[Any, Any, Any, Any]) -> Caller:
    state = connection.scope.setdefault("state", {})
    known: Caller | None = state.get("caller")
    if known is not None:
        return known
    platform = platform_of(connection)
    caller = _credential(connection, platform)
    if caller.engagement:  # a firm's person: what the engagement grants now (docs/engagements.md)
        caller = platform.engagements.resolve(caller, datetime.datetime.now(CHINA).date())
    wait = platform.limiter.take(caller.token_id or caller.user)
    if wait > 0:
        seconds = max(1, math.ceil(wait))  # the message says what Retry-After says
        raise Problem(429, f"请求过于频繁，请 {seconds} 秒后重试", "rate_limited", retry_after=seconds)
    cid = state.get("correlation_id") or uuid.uuid4().hex
    caller = replace(caller, correlation_id=cid)
    state["caller"] = caller
    state["user"] = caller.user
    return caller


def allowed(action: str) -> Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]:
    """A route guard: the caller's token, then the policy's role check for ``action`` — before the
    request body is read (an auditor sending an incomplete command is told 403, not 400)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        check_role(_authenticate(connection), action)

    return guard


async def caller_of(request: Request[Any, Any, Any]) -> Caller:
    """The ``caller`` dependency of every handler (authenticated by its guard already)."""
    return _authenticate(request)


# ---- commands -----------------------------------------------------------------------------------
def if_match(request: Request[Any, Any, Any]) -> int | None:
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    tag = raw.strip().removeprefix("W/").strip('"')
    try:
        return int(tag)
    except ValueError:
        raise Problem(400, f"If-Match 应为资源的 ETag（版本号），收到 {raw!r}", "request.if_match") from None


def etag(version: int) -> str:
    return f'"{version}"'


def scorecard_done(e: Evaluation) -> Done:
    total, grade, flags = e.summary()
    return Done(
        id=str(e.id),
        version=e.version,
        total=total,
        grade=grade,
        flags=[msgspec.to_builtins(f) for f in flags],
    )


def deduction_done(e: Evaluation, deduction_id: str) -> DeductionDone:
    done = scorecard_done(e)
    return DeductionDone(done.id, done.version, done.total, done.grade, done.flags, deduction_id)


def recorded(status: int, done: Done) -> Recorded:
    return Recorded(status, _JSON.encode(done), etag(done.version))


def respond(result: Recorded, key: str | None) -> Response[Any]:
    headers = {"ETag": result.etag} if result.etag else {}
    if key is not None:
        headers["Idempotency-Key"] = key
    media = "application/json" if result.status < 400 else "application/problem+json"
    return Response(content=result.body, status_code=result.status, media_type=media, headers=headers)


async def run_command(
    request: Request[Any, Any, Any],
    run: Callable[[], tuple[int, Done]],
    authorize: Callable[[], object] | None = None,
) -> Response[Any]:
    """Run a command on a worker thread, under its Idempotency-Key when one is given: a retry
    gets the first answer (a refusal included) and stores nothing new.

    A key is the caller's own (bureau, user, method and path): another caller's use of the same
    key is invisible. With a key, the policy's decision on the data (``authorize``) is taken
    before any recorded answer is looked up, so a replay never shows what the caller may not
    see now."""
    platform = platform_of(request)
    key = request.headers.get("idempotency-key")

    def execute() -> Recorded:
        try:
            status, done = run()
        except Exception as e:  # recorded like a success so that a retry sees the same refusal
            if not isinstance(e, DomainError | Problem):
                raise
            response = handle(request, e)
            return Recorded(response.status_code or 500, _JSON.encode(response.content), None)
        return recorded(status, done)

    if key is None:
        result = await to_thread.run_sync(execute)
    else:
        if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
            raise Problem(400, "Idempotency-Key 应为 1–200 个可打印的 ASCII 字符", "request.idempotency_key")
        body = await request.body()
        fingerprint = request_hash(request.method, request.url.path, body)
        caller = _authenticate(request)
        owner = "\x1f".join((caller.tenant, caller.user, request.method, request.url.path))

        def checked() -> tuple[Recorded, bool]:
            if authorize is not None:
                authorize()
            return platform.idempotency.run(owner, key, fingerprint, execute)

        try:
            result, replayed = await to_thread.run_sync(checked)
        except KeyReused:
            raise Problem(
                422, "该 Idempotency-Key 已用于另一个不同的请求", "idempotency.key_reused"
            ) from None
        if replayed:
            request.scope["state"]["replayed"] = True
    return respond(result, key)


# ---- files --------------------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(name: str) -> str:
    """``Content-Disposition`` of a download: ``attachment`` with an ASCII fallback made from the
    name and the name itself in UTF-8 (RFC 6266 / 5987)."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# ---- queries ------------------------------------------------------------------------------------
def read_models(
    platform: Platform,
    caller: Caller,
    query: Callable[[Connection[Any]], T],
    tenants: list[str] | None = None,
    *,
    one_statement: bool = False,
) -> T:
    """Run a read-model query as jixiao_reader, rows limited to the caller's subtree (RLS).

    The reader pool's connections are jixiao_reader, in autocommit, for their whole life, and
    only this function uses them: it sets the caller's signed scope on the connection first,
    every time (``projections/core/scope.py``), and a scope that fails to be set raises before
    any query runs. A query of several statements runs in one transaction (one snapshot);
    ``one_statement`` saves that transaction's two round trips and sends the scope with the query
    in one pipeline (the scorecard: one SELECT by primary key; a region's dashboard)."""
    scope = subtree(caller.tenant) if tenants is None else listed(tenants)
    with platform.reader_pool.connection() as conn:
        if one_statement:  # the scope and the query sent together: one round trip, in order
            with conn.pipeline():
                conn.execute(SET_SCOPE_SQL, (scope, platform.scope_key.sign(scope)), prepare=True)
                return query(conn)
        conn.execute(SET_SCOPE_SQL, (scope, platform.scope_key.sign(scope)), prepare=True)
        with conn.transaction():
            return query(conn)


def as_it_stood(
    platform_app: Any,
    aggregate_id: Any,
    cls: type[T],
    latest: int,
    version: int | None,
    at: datetime.datetime | None,
    what: str,
) -> T:
    """An aggregate at a version or a moment (one of them), for time travel; 404 when it did not
    exist then, 400 for both at once or a version beyond the latest."""
    if version is not None and at is not None:
        raise Problem(400, "as_of 只能指定时间或版本之一", "as_of.ambiguous")
    within_versions(version, latest, what)
    try:
        past = platform_app.log.load(aggregate_id, version=version, until=at)
    except NotInLog:
        past = None
    if not isinstance(past, cls):
        raise hidden(f"该时间点的{what}")
    return past


def parse_as_of(as_of: str | None) -> datetime.datetime | None:
    if as_of is None:
        return None
    try:
        at = datetime.datetime.fromisoformat(as_of)
    except ValueError:
        raise Problem(
            400,
            f"as_of 应为带时区的 ISO 8601 时间，如 2022-12-31T16:00:00+08:00，收到 {as_of!r}",
            "request.as_of",
        ) from None
    if at.tzinfo is None:
        raise Problem(400, "as_of 时间必须带时区（如 +08:00）", "request.as_of")
    return at


def within_versions(version: int | None, latest: int, what: str) -> None:
    """A ``?version=`` beyond the latest is refused, naming the versions there are (it used to
    show the latest as if it were the one asked for)."""
    if version is not None and version > latest:
        raise Problem(
            422,
            f"版本 {version} 不存在：该{what}现有版本 1–{latest}（最新为 {latest}）",
            "as_of.version_invalid",
            latest=latest,
        )


def hidden(what: str = "记录") -> Problem:
    return Problem(404, f"{what}不存在", "not_found")
