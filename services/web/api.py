"""JSON endpoints the UI needs beyond the API's: project lists with their figures, the parent
bureau's dashboard, bringing ledger figures into an evaluation, and one evaluation's integrity.

They reuse the API's plumbing (token, roles, tenant scope, row-level security, idempotency and
problem responses), so a page can show nothing the API itself would refuse.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post

from projections.core.paging import Page
from projections.integrity.aggregate import check_aggregate
from projections.rollups.projects import ProjectLine, list_projects, page_projects
from projections.rollups.queries import rollup, rollup_children
from services.api.evaluations import on_evaluation
from services.api.history import evaluation_for
from services.api.listing import list_query, refuse
from services.api.plumbing import allowed, platform_of, read_models
from services.app.commands.evaluations import SYNC_LEDGER
from services.app.policy import Caller, Target
from services.web.dashboard import dashboard


def _names(conn: Any, tenant: str) -> dict[str, str]:
    rows = conn.execute(
        "SELECT code, name FROM rm_tenants.tenants WHERE code = %s OR parent = %s", (tenant, tenant)
    ).fetchall()
    return {code: name for code, name in rows}


class UiController(Controller):
    path = "/api/v1"
    tags = ["界面"]  # noqa: RUF012

    @get(
        "/tenants/{code:str}/projects",
        summary="单位的项目列表：台账合计、执行率与各评价得分（搜索、筛选、分页；subtree=true 含下级单位）",
        guards=[allowed("tenant.list_projects")],
    )
    async def projects(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        q: str | None = None,
        status: str | None = None,
        grade: str | None = None,
        year: str | None = None,
        subtree: str | None = None,
        page: str | None = None,
        page_size: str | None = None,
    ) -> Page[ProjectLine]:
        platform = platform_of(request)
        query = list_query(q=q, status=status, grade=grade, year=year, page=page, page_size=page_size)
        if subtree is not None and subtree not in ("", "true", "false"):
            raise refuse("subtree", f"应为 true（含下级单位）或 false（仅本单位），收到 {subtree[:20]!r}")
        region = subtree == "true"

        def run() -> Page[ProjectLine]:
            platform.app.authorize(caller, "tenant.list_projects", Target(code))
            return read_models(platform, caller, lambda c: page_projects(c, code, query, subtree=region))

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/dashboard",
        summary="上级单位看板：下级单位项目的执行率、得分分布与等级",
        guards=[allowed("tenant.dashboard")],
    )
    async def dashboard(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: str | None = None
    ) -> dict[str, Any]:
        platform = platform_of(request)
        asked = list_query(year=year).year  # None, "" and "latest": the latest year with projects

        def run() -> dict[str, Any]:
            platform.app.authorize(caller, "tenant.dashboard", Target(code))

            def query(c: Any) -> dict[str, Any]:
                lines = list_projects(c, code, None, subtree=True)
                chosen = asked if asked is not None else max((p.year for p in lines), default=0)
                years = sorted({p.year for p in lines}, reverse=True)
                names = _names(c, code)
                tenant = {"code": code, "name": names.get(code, code), "years": years}
                shown = [p for p in lines if p.year == chosen]
                own, children = rollup(c, code, chosen), rollup_children(c, code, chosen)
                series = [rollup(c, code, y) for y in sorted(years)]
                return dashboard(tenant, chosen, own, children, names, shown, series)

            return read_models(platform, caller, query)

        return await to_thread.run_sync(run)

    @post(
        "/evaluations/{evaluation_id:uuid}/ledger-sync",
        summary="同步预算台账数据（重算取自台账的指标）",
        guards=[allowed("evaluation.sync_ledger")],
    )
    async def sync_ledger(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> Response[Any]:
        return await on_evaluation(request, caller, SYNC_LEDGER, evaluation_id, None)

    @get(
        "/evaluations/{evaluation_id:uuid}/integrity",
        summary="本评价全部事件与哈希链的核验结果",
        guards=[allowed("evaluation.integrity")],
    )
    async def integrity(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> dict[str, Any]:
        platform = platform_of(request)

        def run() -> dict[str, Any]:
            evaluation_for(platform, caller, "evaluation.integrity", evaluation_id)
            with platform.read_pool.connection() as conn:  # the event table: not visible to the reader role
                found = check_aggregate(conn, evaluation_id)
            return {**msgspec.to_builtins(found), "ok": found.ok}

        return await to_thread.run_sync(run)
