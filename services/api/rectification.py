"""HTTP: 整改 — open on a finalized evaluation or a 监控表, record and withdraw findings, send the
demand, file the unit's measures, accept or send back; read one (any version, any moment), its
history, a region's list and a project's; the overdue check over a region."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post

from domain.ledger import Project
from domain.rectification import Rectification
from domain.rectification.values import SOURCE_LABEL, STATUS_LABEL, WARNING_LABEL
from projections.audit.queries import Change, timeline
from projections.rectification.queries import RectificationRow, not_closed, of_project, rectifications
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


class FindingDone(Done):
    finding_id: str = ""


def view(r: Rectification) -> dict[str, Any]:
    """A 整改 as the API and the UI show it."""
    warning = r.open_warning()
    return {
        "rectification_id": str(r.id),
        "tenant": r.tenant,
        "demander": r.demander,
        "project_id": str(r.project_id),
        "project_name": r.project_name,
        "year": r.year,
        "source_kind": r.source_kind.value,
        "source_kind_label": SOURCE_LABEL[r.source_kind],
        "source_id": str(r.source_id),
        "source_label": r.source_label,
        "source_closed_on": r.source_closed_on.isoformat(),
        "send_by": r.send_by.isoformat(),
        "status": r.status.value,
        "status_label": STATUS_LABEL[r.status],
        "findings": msgspec.to_builtins(list(r.findings.values())),
        "requirement": r.requirement,
        "sent_on": None if r.sent_on is None else r.sent_on.isoformat(),
        "answer_by": None if r.answer_by is None else r.answer_by.isoformat(),
        "answers": msgspec.to_builtins(r.answers),
        "reviews": msgspec.to_builtins(r.reviews),
        "warnings": msgspec.to_builtins(r.warnings),
        "warning": None
        if warning is None
        else msgspec.to_builtins(warning) | {"label": WARNING_LABEL[warning.which]},
        "version": r.version,
    }


def _done(r: Rectification) -> tuple[int, Done]:
    return 200, Done(id=str(r.id), version=r.version)


class RectificationController(Controller):
    path = "/api/v1"
    tags = ["整改"]  # noqa: RUF012

    @post(
        "/rectifications",
        summary="提出整改（已定稿的评价或项目监控表；评价单位或监控单位）",
        status_code=201,
        guards=[allowed("rectification.open")],
    )
    async def open(
        self, request: Request[Any, Any, Any], caller: Caller, data: i.OpenRectification
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            r = app.open_rectification(caller, data)
            return 201, Done(id=str(r.id), version=r.version)

        return await run_command(request, run)

    @get(
        "/rectifications/{rectification:uuid}",
        summary="整改要求与整改情况（version 或 as_of 回溯到任一版本、任一时刻）",
        guards=[allowed("rectification.read")],
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        rectification: UUID,
        version: int | None = None,
        as_of: str | None = None,
    ) -> dict[str, Any]:
        app = platform_of(request).app
        at = parse_as_of(as_of)

        def run() -> dict[str, Any]:
            if caller.restricted:
                raise hidden("整改")
            r = app.load_rectification(rectification)
            app.authorize(caller, "rectification.read", target_of(r))
            named = {"demander_name": app.tree.tenant(r.demander).name}
            if version is None and at is None:
                return view(r) | named
            app.authorize(caller, "rectification.history", target_of(r))
            past = as_it_stood(app, rectification, Rectification, r.version, version, at, "整改要求")
            return view(past) | named

        return await to_thread.run_sync(run)

    @get(
        "/rectifications/{rectification:uuid}/history",
        summary="整改的全部记录：谁在何时记录、下达、报送、验收，及其原因",
        guards=[allowed("rectification.history")],
    )
    async def history(
        self, request: Request[Any, Any, Any], caller: Caller, rectification: UUID
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            r = platform.app.load_rectification(rectification)
            platform.app.authorize(caller, "rectification.history", target_of(r))
            return read_models(platform, caller, lambda c: timeline(c, rectification), [r.tenant])

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/rectifications",
        summary="本单位及下级单位的整改（可按状态、年度、是否逾期筛选）",
        guards=[allowed("rectification.read")],
    )
    async def listed(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        status: str | None = None,
        year: int | None = None,
        overdue: bool = False,
    ) -> list[RectificationRow]:
        platform = platform_of(request)

        def run() -> list[RectificationRow]:
            platform.app.authorize(caller, "rectification.read", Target(code))
            return read_models(platform, caller, lambda c: rectifications(c, status, year, overdue))

        return await to_thread.run_sync(run)

    @get(
        "/projects/{project_id:uuid}/rectifications",
        summary="项目的整改",
        guards=[allowed("rectification.read")],
    )
    async def of_project(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID
    ) -> list[RectificationRow]:
        platform = platform_of(request)

        def run() -> list[RectificationRow]:
            if caller.restricted:
                raise hidden("整改")
            project = platform.app.load(Project, project_id)
            platform.app.authorize(caller, "rectification.read", Target(project.tenant))
            return read_models(platform, caller, lambda c: of_project(c, project_id), [project.tenant])

        return await to_thread.run_sync(run)

    @post(
        "/rectifications/{rectification:uuid}/findings",
        summary="记录问题（可关联指标、台账条目；编号由服务器给出，如 F1）",
        status_code=201,
        guards=[allowed("rectification.record_finding")],
    )
    async def record_finding(
        self, request: Request[Any, Any, Any], caller: Caller, rectification: UUID, data: i.RecordFinding
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            done = app.record_finding(caller, rectification, data, if_match(request))
            return 201, FindingDone(
                id=str(rectification), version=done.aggregate.version, finding_id=done.result
            )

        return await run_command(request, run)

    @post(
        "/rectifications/{rectification:uuid}/findings/{finding_id:str}/withdraw",
        summary="撤回问题（下达前；须说明原因）",
        status_code=200,
        guards=[allowed("rectification.withdraw_finding")],
    )
    async def withdraw_finding(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        rectification: UUID,
        finding_id: str,
        data: i.WithdrawFinding,
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.withdraw_finding(caller, rectification, finding_id, data).aggregate)
        )

    @post(
        "/rectifications/{rectification:uuid}/send",
        summary="下达整改要求（整改期限默认 30 天）",
        status_code=200,
        guards=[allowed("rectification.send")],
    )
    async def send(
        self, request: Request[Any, Any, Any], caller: Caller, rectification: UUID, data: i.SendDemand
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.send_demand(caller, rectification, data, if_match(request)).aggregate)
        )

    @post(
        "/rectifications/{rectification:uuid}/measures",
        summary="报送整改情况：逐个问题的整改措施与结果（被整改单位）",
        status_code=200,
        guards=[allowed("rectification.answer")],
    )
    async def measures(
        self, request: Request[Any, Any, Any], caller: Caller, rectification: UUID, data: i.FileMeasures
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request,
            lambda: _done(app.file_measures(caller, rectification, data, if_match(request)).aggregate),
        )

    @post(
        "/rectifications/{rectification:uuid}/review",
        summary="验收整改情况：通过，或不予通过（须说明原因，重新给出期限）",
        status_code=200,
        guards=[allowed("rectification.review")],
    )
    async def review(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        rectification: UUID,
        data: i.ReviewRectification,
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request,
            lambda: _done(app.review_rectification(caller, rectification, data, if_match(request)).aggregate),
        )

    @post(
        "/tenants/{code:str}/rectifications/check",
        summary="检查整改期限：逾期未下达、逾期未报送的发出预警（每个期限一次）",
        status_code=200,
        guards=[allowed("rectification.check")],
    )
    async def check(self, request: Request[Any, Any, Any], caller: Caller, code: str) -> dict[str, int]:
        platform = platform_of(request)

        def run() -> dict[str, int]:
            platform.app.authorize(caller, "rectification.check", Target(code))
            seen = read_models(platform, caller, not_closed)  # the caller's region …
            tree = platform.app.tree
            open_ids = [rid for rid, tenant in seen if code in tree.lineage(tenant)]  # … within ``code``'s
            return {
                "open": len(open_ids),
                "warned": platform.app.check_rectifications(caller, code, open_ids),
            }

        return await to_thread.run_sync(run)
