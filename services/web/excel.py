"""The official form (自评表 / 评分表) as JSON for the screen and the print page, and as Excel out
and in: export the evaluation as the .xlsx form, import a filled one.

The form reads the evaluation from the event store (not the projection), so it is the evaluation
at its latest version, or at ``version`` / ``as_of`` (time travel; the project as of ``as_of``, or
as it is now for a version). Import reads the file here (``formsheet.read``, or ``scoresheet`` for
files of the earlier layout) and hands the rows to the application's ``import_sheet`` command
(``services/files/sheets.py`` decides row by row; one save), stamped with the caller as actor.
"""

from __future__ import annotations

import datetime
import io
from typing import Any
from urllib.parse import unquote
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from openpyxl import load_workbook

from domain.evaluation import Evaluation
from domain.ledger import Project
from domain.tenants import Role
from projections.scorecards.rows import scorecard_of
from services.api.history import evaluation_for
from services.api.plumbing import XLSX, Platform, allowed, attachment, etag, hidden, parse_as_of, platform_of
from services.api.problems import Problem
from services.app.commands.evaluations import ImportSheet
from services.app.policy import Caller
from services.eventlog.port import NotInLog
from services.files.sheets import Sheet, SheetRow, written_inputs
from services.web import formsheet, scoresheet
from services.web.cells import SheetError
from services.web.form import OfficialForm, official_form


def rows_of(e: Evaluation) -> list[SheetRow]:
    """Every indicator in tree order with what a re-import needs: its definition, its scoring inputs."""
    card = scorecard_of(e)
    leaves = {n.spec.key for n in e.leaves()}
    rows = []
    for r in card.indicators:
        spec, given = e.nodes[r.key].spec, e.nodes[r.key].given
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
                [],
                r.deviation,
                definition,
                inputs,
            )
        )
    return rows


def workbook(e: Evaluation, p: Project) -> bytes:
    return formsheet.write(official_form(e, p), rows_of(e))


def read(data: bytes) -> Sheet:
    """A filled workbook, of the official layout or of the earlier one."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zip, XML or format errors: the file is not a workbook we can read
        raise SheetError(f"无法读取 Excel 文件（.xlsx）：{type(e).__name__}") from None
    try:
        if formsheet.DEFINITIONS in wb.sheetnames:
            return formsheet.read(wb)
        if not wb.worksheets:
            raise SheetError("Excel 文件中没有工作表")
        return scoresheet.read_rows(list(wb.worksheets[0].iter_rows(values_only=True)))
    finally:
        wb.close()


def _form_at(
    platform: Platform, caller: Caller, evaluation_id: UUID, at: datetime.datetime | None, version: int | None
) -> tuple[Evaluation, Project]:
    if at is None and version is None:
        e = evaluation_for(platform, caller, "evaluation.read", evaluation_id)
        return e, platform.app.load(Project, e.project_id)
    if at is not None and version is not None:
        raise Problem(400, "as_of 只能指定时间或版本之一", "as_of.ambiguous")
    e = evaluation_for(platform, caller, "evaluation.as_of", evaluation_id)
    log = platform.app.log
    try:
        past = log.load(evaluation_id, version=version, until=at)
        project = log.load(e.project_id, until=at) if at is not None else None
    except NotInLog:
        raise hidden("该时间点的评价") from None
    if not isinstance(past, Evaluation) or (version is not None and past.version != version):
        raise hidden("该版本的评价")
    return past, project if isinstance(project, Project) else platform.app.load(Project, e.project_id)


class ExcelController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["自评表 / 评分表（表单、Excel 导入导出）"]  # noqa: RUF012

    @get(
        "/form",
        summary="按财预〔2020〕10号附件格式排版的自评表 / 评分表（可 as_of 时间或 version 回溯）",
        guards=[allowed("evaluation.read")],
    )
    async def form(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        as_of: str | None = None,
        version: int | None = Parameter(default=None, ge=1),
    ) -> Response[OfficialForm]:
        platform = platform_of(request)
        at = parse_as_of(as_of)

        def run() -> OfficialForm:
            return official_form(*_form_at(platform, caller, evaluation_id, at, version))

        found = await to_thread.run_sync(run)
        return Response(found, headers={"ETag": etag(found.version)})

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
            form = official_form(e, platform.app.load(Project, e.project_id))
            return formsheet.write(form, rows_of(e)), form.filename

        data, filename = await to_thread.run_sync(run)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(filename)})

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
