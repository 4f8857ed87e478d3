"""HTTP: the evaluation report (评价报告) — start it, record the engagement data, write each part
of the outline; read it (now, or as it stood at a moment), its history; download it as .docx or
PDF, with the evaluation's figures as they stand (or stood, with ``as_of``)."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put

from domain.evaluation import Evaluation
from domain.ids import evaluation_report_id
from domain.reporting import OUTLINE, Engagement, EvaluationReport
from projections.audit.queries import Change, timeline
from services.api.history import evaluation_for
from services.api.plumbing import (
    Done,
    allowed,
    as_it_stood,
    attachment,
    hidden,
    if_match,
    parse_as_of,
    platform_of,
    read_models,
    run_command,
)
from services.app.commands.reporting import WriteSection
from services.app.policy import Caller
from services.reporting import docx, pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def view(r: EvaluationReport) -> dict[str, Any]:
    return {
        "report_id": str(r.id),
        "evaluation_id": str(r.evaluation_id),
        "tenant": r.tenant,
        "project_name": r.project_name,
        "year": r.year,
        "engagement": msgspec.to_builtins(r.engagement),
        "sections": [{"key": k, "heading": h, "text": r.sections.get(k, "")} for k, h in OUTLINE],
        "version": r.version,
    }


def _done(r: EvaluationReport) -> tuple[int, Done]:
    return 200, Done(id=str(r.id), version=r.version)


class ReportingController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["评价报告"]  # noqa: RUF012

    @post("/report", summary="开始撰写评价报告", status_code=201, guards=[allowed("report.write")])
    async def start(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            r = app.start_report_of(caller, evaluation_id)
            return 201, Done(id=str(r.id), version=r.version)

        return await run_command(request, run)

    @put(
        "/report/engagement",
        summary="记录评价工作信息：委托单位、评价机构、评价组、期间、方法、现场工作、访谈核查清单",
        guards=[allowed("report.write")],
    )
    async def engagement(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: Engagement
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request,
            lambda: _done(app.record_engagement(caller, evaluation_id, data, if_match(request)).aggregate),
        )

    @put(
        "/report/sections/{key:str}",
        summary="撰写报告的一部分（basic、work、conclusion、analysis、experience、suggestions、other、annex）",
        guards=[allowed("report.write")],
    )
    async def section(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        key: str,
        data: WriteSection,
    ) -> Response[Any]:
        app = platform_of(request).app
        return await run_command(
            request,
            lambda: _done(app.write_section(caller, evaluation_id, key, data, if_match(request)).aggregate),
        )

    @get("/report", summary="评价报告（as_of 回溯到某一时刻）", guards=[allowed("evaluation.read")])
    async def read(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, as_of: str | None = None
    ) -> dict[str, Any]:
        platform = platform_of(request)
        at = parse_as_of(as_of)

        def run() -> dict[str, Any]:
            evaluation_for(platform, caller, "evaluation.history" if at else "evaluation.read", evaluation_id)
            return view(_report(platform.app, evaluation_id, at))

        return await to_thread.run_sync(run)

    @get(
        "/report/history",
        summary="评价报告的修改记录（谁在何时改了哪一部分）",
        guards=[allowed("evaluation.history")],
    )
    async def history(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            e = evaluation_for(platform, caller, "evaluation.history", evaluation_id)
            rid = evaluation_report_id(evaluation_id)
            return read_models(platform, caller, lambda c: timeline(c, rid), [e.tenant])

        return await to_thread.run_sync(run)

    @get(
        "/report.docx",
        summary="下载评价报告（.docx）",
        media_type=DOCX,
        guards=[allowed("evaluation.export")],
    )
    async def as_docx(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, as_of: str | None = None
    ) -> Response[bytes]:
        return await self._file(request, caller, evaluation_id, as_of, "docx")

    @get(
        "/report.pdf",
        summary="下载评价报告（PDF）",
        media_type="application/pdf",
        guards=[allowed("evaluation.export")],
    )
    async def as_pdf(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, as_of: str | None = None
    ) -> Response[bytes]:
        return await self._file(request, caller, evaluation_id, as_of, "pdf")

    async def _file(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        as_of: str | None,
        kind: str,
    ) -> Response[bytes]:
        platform = platform_of(request)
        at = parse_as_of(as_of)

        def run() -> tuple[bytes, str]:
            e = evaluation_for(
                platform, caller, "evaluation.history" if at else "evaluation.export", evaluation_id
            )
            report = _report(platform.app, evaluation_id, at)
            if at is not None:
                past = platform.app.log.load(evaluation_id, until=at)
                if not isinstance(past, Evaluation):
                    raise hidden("该时间点的评价")
                e = past
            document = platform.app.report_document(report, e)
            data = docx.render(document) if kind == "docx" else pdf.render(document)
            return data, f"{document.title}.{kind}"

        data, name = await to_thread.run_sync(run)
        media = DOCX if kind == "docx" else "application/pdf"
        return Response(data, media_type=media, headers={"Content-Disposition": attachment(name)})


def _report(app: Any, evaluation_id: UUID, at: datetime.datetime | None) -> EvaluationReport:
    found: EvaluationReport = app.load_evaluation_report(evaluation_id)
    if at is None:
        return found
    return as_it_stood(
        app, evaluation_report_id(evaluation_id), EvaluationReport, found.version, None, at, "评价报告"
    )
