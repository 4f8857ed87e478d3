"""HTTP: the 绩效目标申报表 and the 绩效监控表 as Excel — export either; import a filled 申报表
(its leaf rows: 指标值, 指标性质, 度量单位, 权重; the branches stay as declared), each row through
the application's ``set_target_indicator`` command, a refused row reported and the rest kept."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post

from domain.errors import DomainError
from domain.ledger import Project
from services.api.monitoring import MonitoringController, report_view
from services.api.plumbing import XLSX, allowed, attachment, hidden, platform_of
from services.api.problems import Problem
from services.api.targets import view
from services.app.commands.cycle_inputs import SetTargetIndicator
from services.app.commands.spec import target_of
from services.app.policy import Caller
from services.web.cells import SheetError
from services.web.cyclesheets import declaration_workbook, read_declaration, report_workbook


class CycleExcelController(Controller):
    path = "/api/v1"
    tags = ["绩效目标", "绩效运行监控"]  # noqa: RUF012

    @get(
        "/targets/{declaration:uuid}/export.xlsx",
        summary="导出绩效目标申报表（.xlsx）",
        media_type=XLSX,
        guards=[allowed("targets.read")],
    )
    async def export_targets(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID
    ) -> Response[bytes]:
        app = platform_of(request).app

        def run() -> tuple[bytes, str]:
            if caller.restricted:
                raise hidden("绩效目标")
            d = app.load_targets(declaration)
            app.authorize(caller, "targets.read", target_of(d))
            p = app.load(Project, d.project_id)
            data = declaration_workbook(view(d), p.department, p.implementing_unit)
            return data, f"{d.project_name}-{d.year}年度项目支出绩效目标申报表.xlsx"

        data, name = await to_thread.run_sync(run)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(name)})

    @post(
        "/targets/{declaration:uuid}/import.xlsx",
        summary="导入填好的绩效目标申报表（.xlsx，逐行处理）",
        status_code=200,
        guards=[allowed("targets.edit")],
    )
    async def import_targets(
        self, request: Request[Any, Any, Any], caller: Caller, declaration: UUID
    ) -> dict[str, Any]:
        app = platform_of(request).app
        body = await request.body()

        def run() -> dict[str, Any]:
            try:
                rows, problems = read_declaration(body)
            except SheetError as err:
                raise Problem(422, str(err), "import.unreadable") from None
            refusals: list[dict[str, str]] = [{"row": "", "message": m} for m in problems]
            done = 0
            for row in rows:
                try:
                    app.set_target_indicator(caller, declaration, SetTargetIndicator(row, "导入申报表"))
                    done += 1
                except DomainError as e:
                    if e.code in ("targets.not_editable", "not_found") or "forbidden" in e.code:
                        raise
                    refusals.append({"row": f"指标「{row.name}」", "message": e.message})
            d = app.load_targets(declaration)
            return {"id": str(d.id), "version": d.version, "rows": done, "refusals": refusals}

        return await to_thread.run_sync(run)

    @get(
        "/monitoring/reports/{report:uuid}/export.xlsx",
        summary="导出绩效监控表（.xlsx）",
        media_type=XLSX,
        guards=[allowed("monitoring.read")],
    )
    async def export_report(
        self, request: Request[Any, Any, Any], caller: Caller, report: UUID
    ) -> Response[bytes]:
        platform = platform_of(request)

        def run() -> tuple[bytes, str]:
            if caller.restricted:
                raise hidden("监控")
            app = platform.app
            r = app.load_report(report)
            app.authorize(caller, "monitoring.read", target_of(r))
            rnd = app.load_round(r.round_id)
            p = app.load(Project, r.project_id)
            targets = MonitoringController.targets_of(app, r)
            data = report_workbook(
                report_view(r, targets), p.department, p.implementing_unit, rnd.name, rnd.year
            )
            return data, f"{r.project_name}-{rnd.year}年{rnd.name}绩效监控表.xlsx"

        data, name = await to_thread.run_sync(run)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(name)})
