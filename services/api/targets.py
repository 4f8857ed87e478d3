"""HTTP: a project's 绩效目标申报表 — declare, edit, submit, review (the supervising bureau, then
the finance side), adjust; read it (any approved version) and its history; list a region's."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, delete, get, post, put

from domain.ids import declaration_id
from domain.ledger import Project
from domain.targets import Details, TargetDeclaration
from domain.targets.checks import declaration_flags
from domain.targets.values import STATUS_LABEL
from projections.audit.queries import Change, timeline
from projections.cycle.queries import DeclarationRow, declarations
from services.api.plumbing import (
    Done,
    allowed,
    as_it_stood,
    hidden,
    if_match,
    parse_as_of,
    platform_of,
    read_models,
    run_command,
)
from services.app.commands import cycle_inputs as i
from services.app.commands.spec import target_of
from services.app.policy import Caller, Target


def view(d: TargetDeclaration, version: int | None = None) -> dict[str, Any]:
    """The 申报表 as the API and the UI show it."""
    out: dict[str, Any] = {
        "declaration_id": str(d.id),
        "tenant": d.tenant,
        "project_id": str(d.project_id),
        "year": d.year,
        "project_name": d.project_name,
        "status": d.status.value,
        "status_label": STATUS_LABEL[d.status],
        "details": msgspec.to_builtins(d.details),
        "indicators": msgspec.to_builtins(list(d.indicators.values())),
        "reviews": msgspec.to_builtins(d.reviews),
        "versions": msgspec.to_builtins(d.versions),
        "adjustments": msgspec.to_builtins(list(d.adjustments.values())),
        "flags": msgspec.to_builtins(declaration_flags(d.indicators)),
        "version": d.version,
    }
    if version is not None:
        out["targets"] = msgspec.to_builtins(d.targets(version))
    return out


def _done(d: TargetDeclaration) -> tuple[int, Done]:
    return 200, Done(id=str(d.id), version=d.version)


class TargetsController(Controller):
    path = "/api/v1"
    tags = ["绩效目标"]  # noqa: RUF012

    @post(
        "/projects/{project_id:uuid}/targets",
        summary="申报绩效目标（可采用模板）",
        status_code=201,
        guards=[allowed("targets.declare")],
    )
    async def declare(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID, data: i.DeclareTargets
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            d = app.declare_targets(caller, project_id, data)
            return 201, Done(id=str(d.id), version=d.version)

        return await run_command(request, run)

    @get(
        "/projects/{project_id:uuid}/targets",
        summary="项目的绩效目标申报表（可指定批复版本 targets_version；as_of 时间或 version 回溯）",
        guards=[allowed("targets.read")],
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        project_id: UUID,
        targets_version: int | None = None,
        version: int | None = None,
        as_of: str | None = None,
    ) -> dict[str, Any]:
        app = platform_of(request).app
        at = parse_as_of(as_of)

        def run() -> dict[str, Any]:
            if caller.restricted:
                raise hidden("绩效目标")
            project = app.load(Project, project_id)
            app.authorize(caller, "targets.read", Target(project.tenant))
            did = declaration_id(project.tenant, project_id)
            d = app.load_targets(did)
            if version is None and at is None:
                return view(d, targets_version)
            app.authorize(caller, "targets.history", Target(project.tenant))
            past = as_it_stood(app, did, TargetDeclaration, d.version, version, at, "申报表")
            return view(past, targets_version)

        return await to_thread.run_sync(run)

    @get(
        "/targets/{declaration:uuid}/history",
        summary="申报、审核、退回、批复、调整的记录",
        guards=[allowed("targets.history")],
    )
    async def history(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            d = platform.app.load_targets(declaration)
            platform.app.authorize(caller, "targets.history", target_of(d))
            return read_models(platform, caller, lambda c: timeline(c, declaration), [d.tenant])

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/targets",
        summary="本单位及下级单位的绩效目标申报（可按状态、年度筛选）",
        guards=[allowed("targets.read")],
    )
    async def listed(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        status: str | None = None,
        year: int | None = None,
    ) -> list[DeclarationRow]:
        platform = platform_of(request)

        def run() -> list[DeclarationRow]:
            platform.app.authorize(caller, "targets.read", Target(code))
            return read_models(platform, caller, lambda c: declarations(c, status, year))

        return await to_thread.run_sync(run)

    @put(
        "/targets/{declaration:uuid}/details",
        summary="申报表表头、资金、概况与目标",
        guards=[allowed("targets.edit")],
    )
    async def details(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID, data: Details
    ) -> Response[Any]:
        app = platform_of(request).app
        expected = if_match(request)
        return await run_command(
            request, lambda: _done(app.record_target_details(caller, declaration, data, expected).aggregate)
        )

    @put(
        "/targets/{declaration:uuid}/indicators",
        summary="新增或修改一项绩效指标",
        guards=[allowed("targets.edit")],
    )
    async def set_indicator(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID, data: i.SetTargetIndicator
    ) -> Response[Any]:
        app = platform_of(request).app
        expected = if_match(request)
        return await run_command(
            request, lambda: _done(app.set_target_indicator(caller, declaration, data, expected).aggregate)
        )

    @delete(
        "/targets/{declaration:uuid}/indicators/{key:str}",
        summary="删除一项绩效指标",
        status_code=200,
        guards=[allowed("targets.edit")],
    )
    async def remove_indicator(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID, key: str
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.remove_target_indicator(caller, declaration, key).aggregate)
        )

    @post(
        "/targets/{declaration:uuid}/submit",
        summary="报送审核",
        status_code=200,
        guards=[allowed("targets.submit")],
    )
    async def submit(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.submit_targets(caller, declaration, if_match(request)).aggregate)
        )

    @post(
        "/targets/{declaration:uuid}/review",
        summary="审核（主管部门或财政部门）：优/良/中/差",
        status_code=200,
        guards=[allowed("targets.review")],
    )
    async def review(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID, data: i.ReviewTargets
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.review_targets(caller, declaration, data).aggregate)
        )

    @post(
        "/targets/{declaration:uuid}/adjustments",
        summary="申请调整已批复的绩效目标（须说明原因）",
        status_code=201,
        guards=[allowed("targets.request_adjustment")],
    )
    async def request_adjustment(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID, data: i.RequestAdjustment
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            d = app.request_adjustment(caller, declaration, data).aggregate
            return 201, Done(id=str(d.id), version=d.version)

        return await run_command(request, run)

    @post(
        "/targets/{declaration:uuid}/adjustments/{adjustment:str}/decision",
        summary="审批调整申请（财政部门）",
        status_code=200,
        guards=[allowed("targets.decide_adjustment")],
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        declaration: UUID,
        adjustment: str,
        data: i.DecideAdjustment,
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.decide_adjustment(caller, declaration, adjustment, data).aggregate)
        )
