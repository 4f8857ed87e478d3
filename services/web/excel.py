"""Excel in and out: export an evaluation as the .xlsx 评分表 / 自评表, import a filled one.

Export reads the evaluation from the event store (not the projection), so the file is the
evaluation at its latest version. Import reads the file here (``scoresheet.read``) and hands the
rows to the application's ``import_sheet`` command (``services/files/sheets.py`` decides row by
row; one save), stamped with the caller as actor.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post

from domain.evaluation import STATUS_LABEL, Evaluation, EvaluationKind
from domain.ledger import Project
from domain.tenants import Role
from projections.scorecards.rows import scorecard_of
from services.api.history import evaluation_for
from services.api.plumbing import allowed, platform_of
from services.api.problems import Problem
from services.app.commands.evaluations import ImportSheet
from services.app.policy import Caller
from services.files.sheets import SheetRow, written_inputs
from services.web.scoresheet import SheetError, read, write

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_LABEL = {
    EvaluationKind.SELF: "单位自评",
    EvaluationKind.DEPARTMENT: "部门评价",
    EvaluationKind.FINANCE: "财政评价",
}


def rows_of(e: Evaluation) -> list[SheetRow]:
    """The scorecard's rows (the same shape the API and time travel show), plus what a re-import needs."""
    card = scorecard_of(e)
    leaves = {n.spec.key for n in e.leaves()}
    rows = []
    for r in card.indicators:
        spec, given = e.nodes[r.key].spec, e.nodes[r.key].given
        deductions = [
            (d.points, " ".join(d.reason.split())) for d in card.deductions if d.active and d.key == r.key
        ]
        inputs = written_inputs(r.actual, given, spec.ledger_source is not None) if r.key in leaves else ""
        definition = msgspec.json.encode(spec).decode()
        rows.append(
            SheetRow(
                0,
                r.key,
                r.level,
                r.name,
                r.weight,
                r.standard,
                r.target,
                r.actual,
                r.score,
                deductions,
                r.deviation,
                definition,
                inputs,
            )
        )
    return rows


def workbook(e: Evaluation, p: Project) -> bytes:
    t = p.total()
    form = "自评表" if e.kind is EvaluationKind.SELF else "评分表"
    rate = t.budget_execution_rate
    info = [
        ("项目名称", f"{p.name}（{p.code}，{p.year} 年度）"),
        ("主管部门", p.department),
        ("实施单位", p.implementing_unit),
        ("评价类型", f"{KIND_LABEL[e.kind]} · 评价机构：{e.evaluator.name} · 状态：{STATUS_LABEL[e.status]}"),
        (
            "项目资金（元）",
            f"年初预算数 {t.initial} · 全年预算数 {t.annual} · 实际到位 {t.received} · 全年执行数 {t.spent}"
            f" · 执行率 {'—' if rate is None else f'{rate}%'}",
        ),
    ]
    return write(f"{p.year} 年度项目支出绩效{form}", info, rows_of(e), e.total(), e.grade())


class ExcelController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["Excel 导入导出"]  # noqa: RUF012

    @get(
        "/export.xlsx",
        summary="导出评分表 / 自评表（.xlsx）",
        media_type=XLSX,
        guards=[allowed("evaluation.export")],
    )
    async def export(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> Response[bytes]:
        platform = platform_of(request)

        def run() -> tuple[bytes, str]:
            e = evaluation_for(platform, caller, "evaluation.export", evaluation_id)
            p = platform.app.load(Project, e.project_id)
            return workbook(e, p), f"{p.name}-{KIND_LABEL[e.kind]}-评分表.xlsx"

        data, filename = await to_thread.run_sync(run)
        disposition = f"attachment; filename=\"scorecard.xlsx\"; filename*=UTF-8''{quote(filename)}"
        return Response(data, media_type=XLSX, headers={"Content-Disposition": disposition})

    @post(
        "/import.xlsx",
        summary="导入填好的评分表（.xlsx，逐行处理：被拒绝的行不记录）",
        guards=[allowed("evaluation.import_sheet")],
    )
    async def import_sheet(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> dict[str, Any]:
        app = platform_of(request).app
        body = await request.body()
        name = unquote(request.headers.get("x-filename", "评分表.xlsx"))[:200]  # percent-encoded by the UI

        def run() -> dict[str, Any]:
            try:
                sheet = read(body)
            except SheetError as err:
                raise Problem(422, str(err), "import.unreadable") from None
            command = ImportSheet(sheet, name, may_deduct=Role.EVALUATOR in caller.roles)
            outcome = app.import_sheet(caller, evaluation_id, command)
            e, done = outcome.aggregate, outcome.result
            total, grade, flags = e.summary()
            return {
                "id": str(e.id),
                "version": e.version,
                "total": str(total),
                "grade": grade,
                "rows": done.rows,
                "refusals": [{"row": r.row, "message": r.message, "code": r.code} for r in done.refusals],
                "flags": [msgspec.to_builtins(f) for f in flags],
            }

        return await to_thread.run_sync(run)
