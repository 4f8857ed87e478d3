"""The HTTP API (Litestar): every command and query, behind tokens, roles and tenant scope.

Every change to an aggregate decides on the event loop and awaits the group commit there
(``JixiaoApplication.change_async``); new aggregates go through the same group commit. The
evaluation's commands without an ``Idempotency-Key``, the busy ones, never leave the loop; the
others do their reads in a worker thread (psycopg's synchronous pool) and hand the decision to
the loop. Each command answers with the resource's new version, also as its ``ETag``; ``If-Match``
makes it conditional (409 with the current version when stale) and
``Idempotency-Key`` makes a retry return the first answer. Queries read the projections as
the database role ``jixiao_reader`` under row-level security, scoped to the caller's subtree.
"""

from __future__ import annotations

import asyncio
import datetime
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Litestar, Request, Response, get, post, put
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig, ResponseSpec
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.params import Parameter
from psycopg import Connection
from psycopg_pool import ConnectionPool

from domain.context import Actor
from domain.errors import DomainError
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.grades import DEFAULT_GRADES, LONG_GRADES
from domain.ids import template_id
from domain.indicators import IndicatorSpec
from domain.ledger import LedgerStatement, Project
from domain.tenants import Role
from projections.audit.queries import Change, deduction_history, timeline
from projections.core.runner import READER_ROLE
from projections.integrity.checkpoints import latest_checkpoints
from projections.ledgers.queries import get_ledger
from projections.ledgers.rows import Ledger
from projections.registry import NAMES
from projections.rollups.queries import rollup, rollup_children
from projections.scorecards.queries import list_scorecards, scorecard_document
from projections.scorecards.rows import Scorecard, encode_scorecard
from projections.timetravel import evaluation_as_of, ledger_as_of
from services.api import access
from services.api.access import ADMIN, HISTORY, PREPARE, REVIEW, SCORE, Tree, need_role
from services.api.auth import Principal, TokenConfig, Verifier
from services.api.idempotency import CREATE_SQL, IdempotencyStore, KeyReused, Recorded, request_hash
from services.api.metrics import Metrics
from services.api.problems import TITLES, Problem, handle
from services.api.ratelimit import RateLimiter
from services.api.schemas import (
    ActualIn,
    DeductionIn,
    Done,
    EntryIn,
    EvaluationIn,
    Me,
    NoteIn,
    ProjectIn,
    ReasonIn,
    RevisionIn,
    StatedScoreIn,
    StatedTotalIn,
    SummaryIn,
    TemplateIn,
    TemplateUse,
    TenantIn,
    UserIn,
)
from services.app.application import JixiaoApplication, build_application

log = logging.getLogger("jixiao.api")
T = TypeVar("T")
MAX_BODY = 1024 * 1024
GRADES = {"default": DEFAULT_GRADES, "long": LONG_GRADES}
_JSON = msgspec.json.Encoder(decimal_format="string")


@dataclass
class Platform:
    """What the handlers share: the application, the read pool, the tree, keys, limits."""

    app: JixiaoApplication
    read_pool: ConnectionPool[Any]  # the application's role: idempotency records, the event table
    reader_pool: ConnectionPool[Any]  # jixiao_reader, under row-level security: the read models
    tree: Tree
    verifier: Verifier
    idempotency: IdempotencyStore
    limiter: RateLimiter
    metrics: Metrics


# ---- plumbing ------------------------------------------------------------------------------
def _platform(request: Request[Any, Any, Any]) -> Platform:
    p: Platform = request.app.state.platform
    return p


async def principal_of(request: Request[Any, Any, Any]) -> Principal:
    platform = _platform(request)
    principal = platform.verifier.verify(request.headers.get("authorization"))
    wait = platform.limiter.take(principal.token_id or principal.user)
    if wait > 0:
        raise Problem(
            429, f"请求过于频繁，请 {wait:.1f} 秒后重试", "rate_limited", retry_after=max(1, round(wait))
        )
    request.scope.setdefault("state", {})["user"] = principal.user
    return principal


def _actor(request: Request[Any, Any, Any], principal: Principal, role: Role) -> Actor:
    cid = request.scope.get("state", {}).get("correlation_id") or uuid.uuid4().hex
    return Actor(actor_id=principal.user, role=role.value, tenant=principal.tenant, correlation_id=cid)


def _if_match(request: Request[Any, Any, Any]) -> int | None:
    raw = request.headers.get("if-match")
    if raw is None or raw.strip() == "*":
        return None
    tag = raw.strip().removeprefix("W/").strip('"')
    try:
        return int(tag)
    except ValueError:
        raise Problem(400, f"If-Match 应为资源的 ETag（版本号），收到 {raw!r}", "request.if_match") from None


def _etag(version: int) -> str:
    return f'"{version}"'


async def _command(request: Request[Any, Any, Any], run: Callable[[], tuple[int, Done]]) -> Response[Any]:
    """Run a command in a worker thread, under its Idempotency-Key when one is given."""
    platform = _platform(request)
    key = request.headers.get("idempotency-key")

    def execute() -> Recorded:
        try:
            status, done = run()
        except Exception as e:  # recorded like a success so that a retry sees the same refusal
            if not isinstance(e, DomainError | Problem):
                raise
            response = handle(request, e)
            return Recorded(response.status_code or 500, _JSON.encode(response.content), None)
        return _recorded(status, done)

    if key is None:
        result = await to_thread.run_sync(execute)
    else:
        if not 1 <= len(key) <= 200:
            raise Problem(400, "Idempotency-Key 长度应为 1–200 个字符", "request.idempotency_key")
        body = await request.body()
        fingerprint = request_hash(request.method, request.url.path, body)
        owner = request.scope.get("state", {}).get("user", "")
        try:
            result, replayed = await to_thread.run_sync(
                lambda: platform.idempotency.run(owner, key, fingerprint, execute)
            )
        except KeyReused:
            raise Problem(
                422, "该 Idempotency-Key 已用于另一个不同的请求", "idempotency.key_reused"
            ) from None
        if replayed:
            request.scope["state"]["replayed"] = True
    return _respond(result, key)


def _recorded(status: int, done: Done) -> Recorded:
    return Recorded(status, _JSON.encode(done), _etag(done.version))


def _respond(result: Recorded, key: str | None) -> Response[Any]:
    headers = {"ETag": result.etag} if result.etag else {}
    if key is not None:
        headers["Idempotency-Key"] = key
    media = "application/json" if result.status < 400 else "application/problem+json"
    return Response(content=result.body, status_code=result.status, media_type=media, headers=headers)


def _read(
    platform: Platform,
    principal: Principal,
    query: Callable[[Connection[Any]], T],
    tenants: list[str] | None = None,
    *,
    one_statement: bool = False,
) -> T:
    """Run a read-model query as jixiao_reader, rows limited to the caller's subtree (RLS).

    The reader pool's connections are jixiao_reader, in autocommit, for their whole life, and
    only this function uses them: it sets the caller's tenants on the connection first, every
    time, and a scope that fails to be set raises before any query runs. A query of several
    statements runs in one transaction (one snapshot); ``one_statement`` saves that
    transaction's two round trips (the scorecard: one SELECT by primary key)."""
    with platform.reader_pool.connection() as conn:
        if tenants is None:
            conn.execute(access.SCOPE_SUBTREE_SQL, (principal.tenant,), prepare=True)
        else:
            conn.execute(access.SCOPE_LIST_SQL, (",".join(tenants),), prepare=True)
        if one_statement:
            return query(conn)
        with conn.transaction():
            return query(conn)


def _scorecard_done(e: Evaluation) -> Done:
    total, grade, flags = e.summary()
    return Done(
        id=str(e.id),
        version=e.version,
        total=total,
        grade=grade,
        flags=[msgspec.to_builtins(f) for f in flags],
    )


def _parse_as_of(as_of: str | None) -> datetime.datetime | None:
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


# ---- tenants, users, templates ------------------------------------------------------------
class TenantController(Controller):
    path = "/api/v1"
    tags = ["单位与用户"]  # noqa: RUF012

    @get("/me", summary="当前令牌代表的用户")
    async def me(self, principal: Principal) -> Me:
        return Me(
            principal.user,
            principal.tenant,
            sorted(r.value for r in principal.roles),
            sorted(principal.evaluations),
        )

    @post("/tenants", summary="登记下级单位（管理员）", status_code=201)
    async def register_tenant(
        self, request: Request[Any, Any, Any], principal: Principal, data: TenantIn
    ) -> Response[Any]:
        platform = _platform(request)

        def run() -> tuple[int, Done]:
            role = need_role(principal, ADMIN)
            if principal.restricted:
                raise access.hidden("单位")
            if data.parent is None:
                if principal.tenant != access.PLATFORM:
                    raise Problem(403, "只有平台管理员可以登记省级单位", "forbidden.scope")
            else:
                access.check_write_tenant(platform.tree, principal, data.parent, "上级单位")
            t = platform.app.register_tenant(
                _actor(request, principal, role), data.code, data.name, data.level, data.parent
            )
            return 201, Done(id=t.code, version=t.version)

        return await _command(request, run)

    @get("/tenants/{code:str}", summary="单位信息")
    async def tenant(
        self, request: Request[Any, Any, Any], principal: Principal, code: str
    ) -> dict[str, Any]:
        platform = _platform(request)

        def run() -> dict[str, Any]:
            access.check_read(platform.tree, principal, code, "单位")
            t = platform.app.tenant(code)
            return {
                "code": t.code,
                "name": t.name,
                "level": t.level.value,
                "parent": t.parent,
                "version": t.version,
            }

        return await to_thread.run_sync(run)

    @post("/tenants/{code:str}/users", summary="登记用户（管理员）", status_code=201)
    async def register_user(
        self, request: Request[Any, Any, Any], principal: Principal, code: str, data: UserIn
    ) -> Response[Any]:
        platform = _platform(request)

        def run() -> tuple[int, Done]:
            role = need_role(principal, ADMIN)
            access.check_write_tenant(platform.tree, principal, code, "单位")
            u = platform.app.register_user(
                _actor(request, principal, role), code, data.username, data.display_name, tuple(data.roles)
            )
            return 201, Done(id=f"{code}/{u.username}", version=u.version)

        return await _command(request, run)

    @post("/tenants/{code:str}/templates", summary="发布指标模板", status_code=201)
    async def publish_template(
        self, request: Request[Any, Any, Any], principal: Principal, code: str, data: TemplateIn
    ) -> Response[Any]:
        platform = _platform(request)

        def run() -> tuple[int, Done]:
            role = need_role(principal, (Role.ADMIN, Role.EVALUATOR))
            access.check_write_tenant(platform.tree, principal, code, "单位")
            t = platform.app.publish_template(
                _actor(request, principal, role), code, data.name, tuple(data.indicators), data.description
            )
            return 201, Done(id=str(t.id), version=t.version)

        return await _command(request, run)

    @get("/tenants/{code:str}/evaluations", summary="单位的评价列表")
    async def evaluations(
        self, request: Request[Any, Any, Any], principal: Principal, code: str, year: int | None = None
    ) -> list[dict[str, Any]]:
        platform = _platform(request)

        def run() -> list[dict[str, Any]]:
            access.check_read(platform.tree, principal, code, "单位")
            return _read(platform, principal, lambda c: list_scorecards(c, code, year))

        return await to_thread.run_sync(run)

    @get("/tenants/{code:str}/rollup", summary="单位及下级单位的年度汇总")
    async def rollup(
        self, request: Request[Any, Any, Any], principal: Principal, code: str, year: int
    ) -> dict[str, Any]:
        platform = _platform(request)

        def run() -> dict[str, Any]:
            access.check_read(platform.tree, principal, code, "单位")
            own, children = _read(
                platform, principal, lambda c: (rollup(c, code, year), rollup_children(c, code, year))
            )
            return {"rollup": msgspec.to_builtins(own), "children": msgspec.to_builtins(children)}

        return await to_thread.run_sync(run)


async def _on_project(
    request: Request[Any, Any, Any],
    principal: Principal,
    project_id: UUID,
    act: Callable[[Project], object],
    status: int = 200,
) -> Response[Any]:
    platform = _platform(request)

    def run() -> tuple[int, Done]:
        role = need_role(principal, PREPARE)
        expected = _if_match(request)

        def decide(p: Project) -> Project:
            access.check_write_tenant(platform.tree, principal, p.tenant, "项目")
            act(p)
            return p

        p = platform.app.change(_actor(request, principal, role), Project, project_id, decide, expected)
        return status, Done(id=str(p.id), version=p.version)

    return await _command(request, run)


# ---- projects and ledgers -------------------------------------------------------------------
class ProjectController(Controller):
    path = "/api/v1"
    tags = ["项目与预算台账"]  # noqa: RUF012

    @post("/projects", summary="登记项目（本单位）", status_code=201)
    async def register_project(
        self, request: Request[Any, Any, Any], principal: Principal, data: ProjectIn
    ) -> Response[Any]:
        platform = _platform(request)

        def run() -> tuple[int, Done]:
            role = need_role(principal, PREPARE)
            access.check_write_tenant(platform.tree, principal, principal.tenant, "单位")
            p = platform.app.register_project(
                _actor(request, principal, role),
                principal.tenant,
                data.code,
                data.name,
                data.year,
                department=data.department,
                implementing_unit=data.implementing_unit,
                goal=data.goal,
            )
            return 201, Done(id=str(p.id), version=p.version)

        return await _command(request, run)

    @post(
        "/projects/{project_id:uuid}/entries",
        summary="记录预算台账条目（预算、到位、支出、更正）",
        status_code=201,
    )
    async def record_entry(
        self, request: Request[Any, Any, Any], principal: Principal, project_id: UUID, data: EntryIn
    ) -> Response[Any]:
        return await _on_project(
            request,
            principal,
            project_id,
            lambda p: p.record_entry(
                data.kind,
                data.source,
                data.amount,
                data.date,
                document=data.document,
                purpose=data.purpose,
                corrects=data.corrects,
                entry_id=data.entry_id,
                reason=data.reason,
            ),
            201,
        )

    @put("/projects/{project_id:uuid}/statement", summary="报表中填写的预算合计（与台账不一致时提示）")
    async def record_statement(
        self, request: Request[Any, Any, Any], principal: Principal, project_id: UUID, data: LedgerStatement
    ) -> Response[Any]:
        return await _on_project(request, principal, project_id, lambda p: p.record_statement(data))

    @put("/projects/{project_id:uuid}/summary", summary="项目完成情况（总体目标实际完成）")
    async def record_summary(
        self, request: Request[Any, Any, Any], principal: Principal, project_id: UUID, data: SummaryIn
    ) -> Response[Any]:
        return await _on_project(request, principal, project_id, lambda p: p.record_summary(data.achieved))

    @get("/projects/{project_id:uuid}/ledger", summary="项目预算台账（可 as_of 时间或 version 回溯）")
    async def ledger(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        project_id: UUID,
        as_of: str | None = None,
        version: int | None = Parameter(default=None, ge=1),
    ) -> Response[Ledger]:
        platform = _platform(request)
        at = _parse_as_of(as_of)

        def run() -> Ledger:
            if at is not None or version is not None:
                need_role(principal, HISTORY)
                p = platform.app.load(Project, project_id)
                access.check_read(platform.tree, principal, p.tenant, "项目")
                return ledger_as_of(platform.app, project_id, at=at, version=version)
            if principal.restricted:  # a third party sees its evaluations only
                raise access.hidden("项目")
            found = _read(platform, principal, lambda c: get_ledger(c, project_id))
            if found is None:
                raise access.hidden("项目")
            return found

        ledger = await to_thread.run_sync(run)
        return Response(ledger, headers={"ETag": _etag(ledger.version)})

    @post(
        "/projects/{project_id:uuid}/evaluations",
        summary="开始一项评价（自评或对下级项目的部门评价）",
        status_code=201,
    )
    async def start_evaluation(
        self, request: Request[Any, Any, Any], principal: Principal, project_id: UUID, data: EvaluationIn
    ) -> Response[Any]:
        platform = _platform(request)

        def run() -> tuple[int, Done]:
            role = need_role(principal, PREPARE)
            p = platform.app.load(Project, project_id)
            relation = platform.tree.relation(principal, p.tenant) if not principal.restricted else "none"
            if relation == "none":
                raise access.hidden("项目")
            if relation == "own":
                evaluator = Evaluator(
                    data.evaluator_name,
                    third_party=data.third_party,
                    tenant=None if data.third_party else principal.tenant,
                )
            elif data.kind is EvaluationKind.SELF:
                raise Problem(403, "自评只能由项目所在单位发起", "forbidden.read_only")
            else:
                evaluator = Evaluator(
                    data.evaluator_name, third_party=data.third_party, tenant=principal.tenant
                )
            e = platform.app.start_evaluation(
                _actor(request, principal, role), project_id, data.kind, evaluator, GRADES[data.grades]
            )
            return 201, Done(id=str(e.id), version=e.version)

        return await _command(request, run)


# ---- evaluations ------------------------------------------------------------------------------
async def _on_evaluation(
    request: Request[Any, Any, Any],
    principal: Principal,
    evaluation_id: UUID,
    roles: tuple[Role, ...],
    act: Callable[[Evaluation], object],
    status: int = 200,
) -> Response[Any]:
    platform = _platform(request)

    def decide(e: Evaluation) -> Evaluation:
        access.check_write_evaluation(platform.tree, principal, e)
        act(e)
        return e

    if request.headers.get("idempotency-key") is None:
        # on the event loop: no thread hand-over (see JixiaoApplication.change_async); a refusal
        # raises to the exception handler like any other
        role = need_role(principal, roles)
        actor = _actor(request, principal, role)
        e = await platform.app.change_async(
            actor,
            Evaluation,
            evaluation_id,
            decide,
            expected_version=_if_match(request),
            prepare=lambda e: platform.tree.learn(principal, e.tenant),
        )
        return _respond(_recorded(status, _scorecard_done(e)), None)

    def run() -> tuple[int, Done]:
        role = need_role(principal, roles)
        expected = _if_match(request)
        e = platform.app.change(_actor(request, principal, role), Evaluation, evaluation_id, decide, expected)
        return status, _scorecard_done(e)

    return await _command(request, run)


class EvaluationController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["评价与评分"]  # noqa: RUF012

    @get(
        "/",
        summary="评分表（可 as_of 时间或 version 回溯）",
        responses={200: ResponseSpec(Scorecard, description="评分表", generate_examples=False)},
    )
    async def scorecard(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        evaluation_id: UUID,
        as_of: str | None = None,
        version: int | None = Parameter(default=None, ge=1),
    ) -> Response[bytes]:
        platform = _platform(request)
        at = _parse_as_of(as_of)

        def run() -> tuple[int, bytes]:
            if at is not None or version is not None:
                if not principal.restricted:
                    need_role(principal, HISTORY)
                e = platform.app.load(Evaluation, evaluation_id)
                access.check_read(platform.tree, principal, e.tenant, "评价", str(evaluation_id))
                card = evaluation_as_of(platform.app, evaluation_id, at=at, version=version)
                return card.version, encode_scorecard(card)
            if principal.restricted and str(evaluation_id) not in principal.evaluations:
                raise access.hidden("评价")
            tenants = [platform.app.evaluation(evaluation_id).tenant] if principal.restricted else None
            found = _read(
                platform,
                principal,
                lambda c: scorecard_document(c, evaluation_id),
                tenants,
                one_statement=True,
            )
            if found is None:
                raise access.hidden("评价")
            return found

        version_, document = await to_thread.run_sync(run)
        # the read model stores the scorecard encoded as this endpoint sends it: no re-encoding
        return Response(document, media_type="application/json", headers={"ETag": _etag(version_)})

    @get("/history", summary="评价的变更时间线（谁、何时、改了什么、前后值、原因）")
    async def history(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID
    ) -> list[Change]:
        platform = _platform(request)

        def run() -> list[Change]:
            need_role(principal, HISTORY)
            e = platform.app.load(Evaluation, evaluation_id)
            access.check_read(platform.tree, principal, e.tenant, "评价", str(evaluation_id))
            return _read(platform, principal, lambda c: timeline(c, evaluation_id), [e.tenant])

        return await to_thread.run_sync(run)

    @get("/deductions/{deduction_id:str}/history", summary="一项扣分的全部变更")
    async def deduction_history(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, deduction_id: str
    ) -> list[Change]:
        platform = _platform(request)

        def run() -> list[Change]:
            need_role(principal, HISTORY)
            e = platform.app.load(Evaluation, evaluation_id)
            access.check_read(platform.tree, principal, e.tenant, "评价", str(evaluation_id))
            if deduction_id not in e.deductions:
                raise access.hidden("扣分")
            return _read(
                platform, principal, lambda c: deduction_history(c, evaluation_id, deduction_id), [e.tenant]
            )

        return await to_thread.run_sync(run)

    @post("/indicators", summary="定义或修改指标（分值、评分规则、目标值）")
    async def define_indicator(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, data: IndicatorSpec
    ) -> Response[Any]:
        return await _on_evaluation(
            request, principal, evaluation_id, PREPARE, lambda e: e.define_indicator(data)
        )

    @post("/template", summary="采用指标模板")
    async def adopt_template(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, data: TemplateUse
    ) -> Response[Any]:
        platform = _platform(request)

        def run() -> tuple[int, Done]:
            role = need_role(principal, PREPARE)
            e = platform.app.load(Evaluation, evaluation_id)
            access.check_write_evaluation(platform.tree, principal, e)
            platform.app.adopt_template(
                _actor(request, principal, role),
                evaluation_id,
                template_id(data.template_tenant, data.template_name),
                data.revision,
            )
            return 200, _scorecard_done(platform.app.evaluation(evaluation_id))

        return await _command(request, run)

    @put("/indicators/{key:str}/actual", summary="录入实际完成值（或规则所需的数据）")
    async def record_actual(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        evaluation_id: UUID,
        key: str,
        data: ActualIn,
    ) -> Response[Any]:
        return await _on_evaluation(
            request,
            principal,
            evaluation_id,
            PREPARE,
            lambda e: e.record_actual(key, data.actual, data.given),
        )

    @put("/indicators/{key:str}/deviation", summary="偏差原因分析")
    async def note_deviation(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        evaluation_id: UUID,
        key: str,
        data: NoteIn,
    ) -> Response[Any]:
        return await _on_evaluation(
            request, principal, evaluation_id, PREPARE, lambda e: e.note_deviation(key, data.note)
        )

    @put("/indicators/{key:str}/stated-score", summary="表中填写的得分（与计算值不一致时提示）")
    async def stated_score(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        evaluation_id: UUID,
        key: str,
        data: StatedScoreIn,
    ) -> Response[Any]:
        return await _on_evaluation(
            request, principal, evaluation_id, PREPARE, lambda e: e.record_stated_score(key, data.score)
        )

    @put("/stated-total", summary="表中填写的总分与等级（与计算值不一致时提示）")
    async def stated_total(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, data: StatedTotalIn
    ) -> Response[Any]:
        return await _on_evaluation(
            request,
            principal,
            evaluation_id,
            PREPARE,
            lambda e: e.record_stated_total(data.total, data.grade),
        )

    @post("/deductions", summary="扣分（评价人）", status_code=201)
    async def apply_deduction(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, data: DeductionIn
    ) -> Response[Any]:
        return await _on_evaluation(
            request,
            principal,
            evaluation_id,
            SCORE,
            lambda e: e.apply_deduction(data.deduction_id, data.indicator, data.points, data.reason),
            201,
        )

    @put("/deductions/{deduction_id:str}", summary="修改扣分（评价人）")
    async def revise_deduction(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        evaluation_id: UUID,
        deduction_id: str,
        data: RevisionIn,
    ) -> Response[Any]:
        return await _on_evaluation(
            request,
            principal,
            evaluation_id,
            SCORE,
            lambda e: e.revise_deduction(deduction_id, data.points, data.reason),
        )

    @post("/deductions/{deduction_id:str}/withdraw", summary="撤销扣分（评价人）")
    async def withdraw_deduction(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        evaluation_id: UUID,
        deduction_id: str,
        data: ReasonIn,
    ) -> Response[Any]:
        return await _on_evaluation(
            request,
            principal,
            evaluation_id,
            SCORE,
            lambda e: e.withdraw_deduction(deduction_id, data.reason),
        )

    @post("/submit", summary="提交（同步预算台账数据后）")
    async def submit(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID
    ) -> Response[Any]:
        platform = _platform(request)

        def act(e: Evaluation) -> None:
            e.sync_ledger(platform.app.load(Project, e.project_id).total())
            e.submit()

        return await _on_evaluation(request, principal, evaluation_id, PREPARE, act)

    @post("/return", summary="退回修改（审核人）")
    async def return_for_revision(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, data: ReasonIn
    ) -> Response[Any]:
        return await _on_evaluation(
            request, principal, evaluation_id, REVIEW, lambda e: e.return_for_revision(data.reason)
        )

    @post("/finalize", summary="定稿（审核人）")
    async def finalize(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID
    ) -> Response[Any]:
        return await _on_evaluation(request, principal, evaluation_id, REVIEW, lambda e: e.finalize())

    @post("/reopen", summary="重新打开已定稿的评价（审核人）")
    async def reopen(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID, data: ReasonIn
    ) -> Response[Any]:
        return await _on_evaluation(
            request, principal, evaluation_id, REVIEW, lambda e: e.reopen(data.reason)
        )


# ---- integrity and operations ----------------------------------------------------------------
class OpsController(Controller):
    path = "/"
    tags = ["运行与完整性"]  # noqa: RUF012

    @get("/api/v1/integrity", summary="完整性状态：哈希链位置与最近的检查点")
    async def integrity(self, request: Request[Any, Any, Any], principal: Principal) -> dict[str, Any]:
        platform = _platform(request)

        def run() -> dict[str, Any]:
            need_role(principal, (Role.AUDITOR, Role.ADMIN))
            if principal.restricted:
                raise access.hidden("完整性状态")
            cps = _read(platform, principal, latest_checkpoints)
            return {"checkpoints": [msgspec.to_builtins(c) for c in cps]}

        return await to_thread.run_sync(run)

    @get("/healthz", summary="存活检查")
    async def healthz(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz", summary="就绪检查（数据库可用、投影已创建）")
    async def readyz(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        platform = _platform(request)

        def run() -> tuple[bool, dict[str, Any]]:
            try:
                with platform.read_pool.connection(timeout=2) as conn:
                    conn.execute("SELECT 1")
                    lag = platform.metrics.projection_lag(conn)
            except Exception as e:  # not ready: say why, without internals
                return False, {"status": "unavailable", "detail": f"数据库不可用：{type(e).__name__}"}
            return True, {"status": "ready", "projection_lag_events": lag}

        ok, body = await to_thread.run_sync(run)
        return Response(body, status_code=200 if ok else 503)

    @get("/metrics", summary="Prometheus 指标", media_type="text/plain; version=0.0.4")
    async def metrics(self, request: Request[Any, Any, Any]) -> bytes:
        platform = _platform(request)

        def run() -> bytes:
            with platform.read_pool.connection(timeout=2) as conn:
                platform.metrics.projection_lag(conn)
            return platform.metrics.render()

        return await to_thread.run_sync(run)


class BenchController(Controller):
    """Only with ``bench_endpoints``: the baseline the read benchmark compares against."""

    path = "/_bench"
    include_in_schema = False

    @get("/pk/{evaluation_id:uuid}")
    async def pk(
        self, request: Request[Any, Any, Any], principal: Principal, evaluation_id: UUID
    ) -> dict[str, Any]:
        platform = _platform(request)

        def run() -> dict[str, Any]:
            with platform.read_pool.connection() as conn:
                row = conn.execute(
                    "SELECT version FROM rm_scorecards.scorecards WHERE evaluation_id = %s", (evaluation_id,)
                ).fetchone()
            return {"version": row[0] if row else None}

        return await to_thread.run_sync(run)


def create_app(
    database_url: str,
    tokens: TokenConfig,
    *,
    bench_endpoints: bool = False,
    rate_per_second: float = 200.0,
    burst: int = 400,
    cache_size: int = 2000,
    pool_size: int = 8,
) -> Litestar:
    # no library cache: an aggregate is loaded from its newest snapshot and the events after it
    # (bounded: under 100 events), where a cold cache replays the whole log in a worker thread
    # while holding the GIL (74 ms for 2,800 events, measured); commands keep their own cache
    app = build_application(database_url, pool_size=pool_size)
    read_pool: ConnectionPool[Any] = ConnectionPool(database_url, min_size=2, max_size=pool_size, open=True)
    from services.commands.projections import ensure_all

    ensure_all(database_url)
    with read_pool.connection() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(7306)")  # workers starting together: one at a time
        conn.execute(CREATE_SQL)
        conn.execute(access.SUBTREE_FUNCTION_SQL)

    def as_reader(conn: Connection[Any]) -> None:
        conn.execute(f"SET ROLE {READER_ROLE}")

    reader_pool: ConnectionPool[Any] = ConnectionPool(
        database_url,
        min_size=2,
        max_size=pool_size,
        open=True,
        configure=as_reader,
        kwargs={"autocommit": True},
    )
    metrics = Metrics(NAMES)
    platform = Platform(
        app=app,
        read_pool=read_pool,
        reader_pool=reader_pool,
        tree=Tree(app),
        verifier=Verifier(tokens),
        idempotency=IdempotencyStore(read_pool),
        limiter=RateLimiter(rate_per_second, burst),
        metrics=metrics,
    )

    async def start() -> None:
        # group commit on this loop; commands decide on their last saved state
        # (services/app/writes.py, JixiaoApplication.change_async)
        app.serve(database_url, command_cache=cache_size, loop=asyncio.get_running_loop())

    async def close() -> None:
        await app.stop_serving()
        reader_pool.close()
        read_pool.close()
        app.close()

    from services.api.middleware import observe
    from services.web import web_handlers

    api = Litestar(
        route_handlers=[
            TenantController,
            ProjectController,
            EvaluationController,
            OpsController,
            *([BenchController] if bench_endpoints else []),
            *web_handlers(),
        ],
        dependencies={"principal": Provide(principal_of)},
        exception_handlers={Exception: handle},
        openapi_config=OpenAPIConfig(
            title="jixiao 项目支出绩效评价平台 API",
            version="1",
            description="所有金额与分值均以十进制字符串传输。命令支持 If-Match（ETag=版本号）与 Idempotency-Key。",
            path="/api/docs",
            render_plugins=[SwaggerRenderPlugin()],
        ),
        request_max_body_size=MAX_BODY,
        middleware=[observe(metrics)],
        on_startup=[start],
        on_shutdown=[close],
        debug=False,
    )
    api.state.platform = platform
    _document_problems(api)
    return api


def _document_problems(api: Litestar) -> None:
    """Every operation may answer with problem+json: say so in the OpenAPI document."""
    from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Schema
    from litestar.openapi.spec.enums import OpenAPIType

    body = Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status", "detail", "code"],
        properties={
            "type": Schema(type=OpenAPIType.STRING),
            "title": Schema(type=OpenAPIType.STRING),
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": Schema(type=OpenAPIType.STRING),
            "code": Schema(type=OpenAPIType.STRING),
        },
    )
    content = {"application/problem+json": OpenAPIMediaType(schema=body)}
    for path, item in (api.openapi_schema.paths or {}).items():
        public = path in ("/healthz", "/readyz", "/metrics")
        for method in ("get", "post", "put", "delete"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            codes = ("503",) if public else ("400", "401", "403", "404", "409", "413", "422", "429")
            for code in codes:
                if code not in responses or code == "400":  # ours replace Litestar's 400 body
                    responses[code] = OpenAPIResponse(
                        description=TITLES.get(int(code), "错误"), content=content
                    )
            operation.responses = responses
