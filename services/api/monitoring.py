"""HTTP: 绩效运行监控 — rounds over a region, a project's 监控表 (execution from the ledger, the
answers per indicator), warnings resolved or decided, the deadline check, and a round's
dashboard for a region (red / amber / green per child bureau, the bureau's own projects)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put

from domain.errors import NotFound
from domain.ids import declaration_id, report_id
from domain.ledger import Project
from domain.monitoring import MonitoringReport
from domain.monitoring.values import LEVEL_LABEL, RESOLUTION_LABEL
from domain.targets import Status, TargetDeclaration
from projections.cycle.projection import level_of
from projections.cycle.queries import (
    Dashboard,
    RoundRow,
    dashboard,
    region_projects,
    rounds,
)
from services.api.plumbing import Done, allowed, hidden, platform_of, read_models, run_command
from services.app.commands import cycle_inputs as i
from services.app.commands.spec import target_of
from services.app.policy import Caller, Target


def report_view(r: MonitoringReport, targets: list[dict[str, Any]]) -> dict[str, Any]:
    e = r.execution
    return {
        "report_id": str(r.id),
        "round_id": str(r.round_id),
        "tenant": r.tenant,
        "project_id": str(r.project_id),
        "project_name": r.project_name,
        "targets_version": r.targets_version,
        "execution": msgspec.to_builtins(e) if e else None,
        "lines": msgspec.to_builtins(list(r.lines.values())),
        "targets": targets,
        "submitted": r.submitted,
        "level": level_of(r).value,
        "level_label": LEVEL_LABEL[level_of(r)],
        "alerts": [
            msgspec.to_builtins(a)
            | {"resolution_label": RESOLUTION_LABEL[a.resolution] if a.resolution else ""}
            for a in r.alerts.values()
        ],
        "version": r.version,
    }


def _done(r: MonitoringReport) -> tuple[int, Done]:
    return 200, Done(id=str(r.id), version=r.version)


class MonitoringController(Controller):
    path = "/api/v1"
    tags = ["绩效运行监控"]  # noqa: RUF012

    @staticmethod
    def targets_of(app: Any, r: MonitoringReport) -> list[dict[str, Any]]:
        """The approved targets the report answers (the version it started with)."""
        if r.targets_version is None:
            return []
        d = app.load(TargetDeclaration, declaration_id(r.tenant, r.project_id))
        if d.status is not Status.APPROVED:
            return []
        version = d.targets(r.targets_version)
        return msgspec.to_builtins(list(version.indicators)) if version else []

    @post(
        "/tenants/{code:str}/monitoring/rounds",
        summary="开启监控轮次（本单位及下级单位的项目）",
        status_code=201,
        guards=[allowed("monitoring.open_round")],
    )
    async def open_round(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: i.OpenRound
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            r = app.open_round(caller, code, data)
            return 201, Done(id=str(r.id), version=r.version)

        return await run_command(request, run)

    @get(
        "/tenants/{code:str}/monitoring/rounds",
        summary="覆盖本单位的监控轮次（本单位、上级单位开启的）",
        guards=[allowed("monitoring.read")],
    )
    async def rounds_of(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int | None = None
    ) -> list[RoundRow]:
        platform = platform_of(request)

        def run() -> list[RoundRow]:
            platform.app.authorize(caller, "monitoring.read", Target(code))
            lineage = list(platform.app.tree.lineage(code))
            below = read_models(platform, caller, lambda c: rounds(c, year))
            above = read_models(platform, caller, lambda c: rounds(c, year), lineage)
            seen = {r.round_id for r in below}
            return below + [r for r in above if r.round_id not in seen]

        return await to_thread.run_sync(run)

    @get(
        "/projects/{project_id:uuid}/monitoring",
        summary="项目所在年度的监控轮次及其监控表",
        guards=[allowed("monitoring.read")],
    )
    async def of_project(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID
    ) -> list[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> list[dict[str, Any]]:
            if caller.restricted:
                raise hidden("监控")
            project = platform.app.load(Project, project_id)
            platform.app.authorize(caller, "monitoring.read", Target(project.tenant))
            lineage = list(platform.app.tree.lineage(project.tenant))
            covering = read_models(platform, caller, lambda c: rounds(c, project.year), lineage)
            out = []
            for r in covering:
                rid = report_id(r.round_id, project_id)
                try:
                    rep = platform.app.load_report(rid)
                except NotFound:
                    rep = None
                out.append(
                    {
                        "round": msgspec.to_builtins(r),
                        "report_id": str(rid) if rep else None,
                        "submitted": rep.submitted if rep else False,
                        "level": level_of(rep).value if rep else None,
                    }
                )
            return out

        return await to_thread.run_sync(run)

    @post(
        "/monitoring/rounds/{round_id:uuid}/close",
        summary="结束监控轮次",
        status_code=200,
        guards=[allowed("monitoring.close_round")],
    )
    async def close_round(
        self, request: Request[Any, Any, Any], caller: Caller, round_id: UUID, data: i.CloseRound
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            r = app.close_round(caller, round_id, data.reason).aggregate
            return 200, Done(id=str(r.id), version=r.version)

        return await run_command(request, run)

    @post(
        "/monitoring/rounds/{round_id:uuid}/check",
        summary="检查报送期限：逾期未报送的项目发出预警",
        status_code=200,
        guards=[allowed("monitoring.check")],
    )
    async def check(self, request: Request[Any, Any, Any], caller: Caller, round_id: UUID) -> dict[str, int]:
        platform = platform_of(request)

        def run() -> dict[str, int]:
            r = platform.app.load_round(round_id)
            platform.app.authorize(caller, "monitoring.check", Target(r.tenant))
            projects = read_models(platform, caller, lambda c: region_projects(c, r.year), None)
            return {
                "projects": len(projects),
                "flagged": platform.app.check_round(caller, round_id, projects),
            }

        return await to_thread.run_sync(run)

    @get(
        "/monitoring/rounds/{round_id:uuid}/dashboard",
        summary="监控看板：各下级单位红黄绿预警数与本单位项目",
        guards=[allowed("monitoring.read")],
    )
    async def dashboard(
        self, request: Request[Any, Any, Any], caller: Caller, round_id: UUID, tenant: str | None = None
    ) -> Dashboard:
        platform = platform_of(request)
        root = tenant or caller.tenant

        def run() -> Dashboard:
            platform.app.authorize(caller, "monitoring.read", Target(root))
            depth = len(platform.app.tree.lineage(root))

            board = read_models(
                platform, caller, lambda c: dashboard(c, round_id, root, depth), one_statement=True
            )
            names = platform.names.of(b.tenant for b in board.bureaus)
            board.bureaus = [msgspec.structs.replace(b, name=names[b.tenant]) for b in board.bureaus]
            return board

        return await to_thread.run_sync(run)

    @post(
        "/monitoring/rounds/{round_id:uuid}/projects/{project_id:uuid}/report",
        summary="开始填报项目监控表（执行数取自台账）",
        status_code=201,
        guards=[allowed("monitoring.answer")],
    )
    async def start(
        self, request: Request[Any, Any, Any], caller: Caller, round_id: UUID, project_id: UUID
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            r = app.start_report(caller, round_id, project_id)
            return 201, Done(id=str(r.id), version=r.version)

        return await run_command(request, run)

    @get(
        "/monitoring/reports/{report:uuid}",
        summary="项目监控表（含批复的绩效目标与预警）",
        guards=[allowed("monitoring.read")],
    )
    async def read(self, request: Request[Any, Any, Any], caller: Caller, report: UUID) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            if caller.restricted:
                raise hidden("监控")
            r = app.load_report(report)
            app.authorize(caller, "monitoring.read", target_of(r))
            return report_view(r, MonitoringController.targets_of(app, r))

        return await to_thread.run_sync(run)

    @put(
        "/monitoring/reports/{report:uuid}/execution",
        summary="全年预计执行数（执行数取自台账）",
        guards=[allowed("monitoring.answer")],
    )
    async def execution(
        self, request: Request[Any, Any, Any], caller: Caller, report: UUID, data: i.AnswerExecution
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.set_expected_execution(caller, report, data).aggregate)
        )

    @put(
        "/monitoring/reports/{report:uuid}/lines/{key:str}",
        summary="填报一项指标的执行情况与预计",
        guards=[allowed("monitoring.answer")],
    )
    async def line(
        self, request: Request[Any, Any, Any], caller: Caller, report: UUID, key: str, data: i.AnswerLine
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(request, lambda: _done(app.answer_line(caller, report, key, data).aggregate))

    @post(
        "/monitoring/reports/{report:uuid}/submit",
        summary="报送监控表（计算预警）",
        status_code=200,
        guards=[allowed("monitoring.submit")],
    )
    async def submit(self, request: Request[Any, Any, Any], caller: Caller, report: UUID) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(request, lambda: _done(app.submit_report(caller, report).aggregate))

    @post(
        "/monitoring/reports/{report:uuid}/alerts/{warning_id:str}/resolve",
        summary="处理预警：单位说明或纠偏；财政部门决定调整预算或暂缓拨款",
        status_code=200,
        guards=[allowed("monitoring.read")],
    )
    async def resolve(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        report: UUID,
        warning_id: str,
        data: i.ResolveAlert,
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request, lambda: _done(app.resolve_alert(caller, report, warning_id, data).aggregate)
        )
