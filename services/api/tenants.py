"""HTTP: bureaus (tenants), their users and templates, and the bureau-level lists."""

from __future__ import annotations

from typing import Any

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put
from msgspec import Struct

from domain.ids import template_id
from domain.templates import PLATFORM_TENANT
from projections.core.paging import Page
from projections.rollups.queries import rollup, rollup_children
from projections.scorecards.lists import page_scorecards
from projections.tenants.queries import TemplateRow, usable_templates
from services.api.listing import list_query
from services.api.plumbing import Done, allowed, if_match, platform_of, read_models, run_command
from services.app.commands.inputs import PublishTemplate, RegisterTenant, ReviseTemplate
from services.app.policy import Caller, Target


class Me(Struct):
    user: str
    tenant: str
    roles: list[str]
    evaluations: list[str]


class TenantController(Controller):
    path = "/api/v1"
    tags = ["单位与用户"]  # noqa: RUF012

    @get("/me", summary="当前令牌代表的用户", guards=[allowed("me.read")])
    async def me(self, caller: Caller) -> Me:
        return Me(
            caller.user, caller.tenant, sorted(r.value for r in caller.roles), sorted(caller.evaluations)
        )

    @post(
        "/tenants",
        summary="登记下级单位（管理员）",
        status_code=201,
        guards=[allowed("tenant.register")],
    )
    async def register_tenant(
        self, request: Request[Any, Any, Any], caller: Caller, data: RegisterTenant
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            t = app.register_tenant(caller, data)
            return 201, Done(id=t.code, version=t.version)

        return await run_command(request, run)

    @get("/tenants/{code:str}", summary="单位信息", guards=[allowed("tenant.read")])
    async def tenant(self, request: Request[Any, Any, Any], caller: Caller, code: str) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            app.authorize(caller, "tenant.read", Target(code))
            t = app.tenant(code)
            return {
                "code": t.code,
                "name": t.name,
                "level": t.level.value,
                "parent": t.parent,
                "version": t.version,
            }

        return await to_thread.run_sync(run)

    @post(
        "/tenants/{code:str}/templates",
        summary="发布指标模板",
        status_code=201,
        guards=[allowed("template.publish")],
    )
    async def publish_template(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: PublishTemplate
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            t = app.publish_template(caller, code, data)
            return 201, Done(id=str(t.id), version=t.version)

        return await run_command(request, run)

    @put(
        "/tenants/{code:str}/templates/{name:str}",
        summary="修订指标模板（新版本；已采用旧版本的评价不受影响）",
        guards=[allowed("template.revise")],
    )
    async def revise_template(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, name: str, data: ReviseTemplate
    ) -> Response[Any]:
        app = platform_of(request).app
        expected = if_match(request)

        def run() -> tuple[int, Done]:
            t = app.revise_template(caller, template_id(code, name), data, expected).aggregate
            return 200, Done(id=str(t.id), version=t.version)

        return await run_command(request, run)

    @get(
        "/tenants/{code:str}/templates",
        summary="本单位可用的指标模板（本单位、上级单位和平台的）",
        guards=[allowed("template.list")],
    )
    async def templates(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int | None = None
    ) -> list[TemplateRow]:
        platform = platform_of(request)

        def run() -> list[TemplateRow]:
            platform.app.authorize(caller, "template.list", Target(code))
            own = [] if code == PLATFORM_TENANT else list(platform.app.tree.lineage(code))
            lineage = [*own, PLATFORM_TENANT]
            return read_models(platform, caller, lambda c: usable_templates(c, lineage, year), lineage)

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/evaluations",
        summary="单位的评价列表（搜索项目名称或编号，按状态、等级、年度、项目筛选，分页）",
        guards=[allowed("tenant.list_evaluations")],
    )
    async def evaluations(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        q: str | None = None,
        status: str | None = None,
        grade: str | None = None,
        year: str | None = None,
        project: str | None = None,
        page: str | None = None,
        page_size: str | None = None,
    ) -> Page[dict[str, Any]]:
        platform = platform_of(request)
        query = list_query(
            q=q, status=status, grade=grade, year=year, project=project, page=page, page_size=page_size
        )

        def run() -> Page[dict[str, Any]]:
            platform.app.authorize(caller, "tenant.list_evaluations", Target(code))
            return read_models(platform, caller, lambda c: page_scorecards(c, code, query))

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/rollup",
        summary="单位及下级单位的年度汇总",
        guards=[allowed("tenant.rollup")],
    )
    async def rollup(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int
    ) -> dict[str, Any]:
        platform = platform_of(request)

        def run() -> dict[str, Any]:
            platform.app.authorize(caller, "tenant.rollup", Target(code))
            own, children = read_models(
                platform, caller, lambda c: (rollup(c, code, year), rollup_children(c, code, year))
            )
            return {"rollup": msgspec.to_builtins(own), "children": msgspec.to_builtins(children)}

        return await to_thread.run_sync(run)
