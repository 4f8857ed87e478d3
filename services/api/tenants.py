"""HTTP: bureaus (tenants), their users and templates, and the bureau-level lists."""

from __future__ import annotations

from typing import Any

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from msgspec import Struct

from projections.rollups.queries import rollup, rollup_children
from projections.scorecards.queries import list_scorecards
from services.api.plumbing import Done, allowed, platform_of, read_models, run_command
from services.app.commands.inputs import PublishTemplate, RegisterTenant
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

    @get(
        "/tenants/{code:str}/evaluations",
        summary="单位的评价列表",
        guards=[allowed("tenant.list_evaluations")],
    )
    async def evaluations(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int | None = None
    ) -> list[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> list[dict[str, Any]]:
            platform.app.authorize(caller, "tenant.list_evaluations", Target(code))
            return read_models(platform, caller, lambda c: list_scorecards(c, code, year))

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
