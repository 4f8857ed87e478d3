"""HTTP: 部门整体 — start a bureau's whole-department evaluation (its 部门整体 project and the
framework adopted), and the 部门决算 summary of its project self-evaluations (JSON with the text
section, and Excel)."""

from __future__ import annotations

from typing import Any

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post

from domain.disclosure import GradeShare, SummaryFigures
from domain.errors import NotFound
from domain.ids import rectification_id
from projections.rollups.finalaccounts import FinalAccounts, final_accounts
from services.api.plumbing import XLSX, Done, allowed, attachment, platform_of, read_models, run_command
from services.app.commands.disclosure import PublishSummary
from services.app.department import StartWholeDepartment
from services.app.policy import Caller, Target
from services.reporting.finalaccounts import Problem, text, workbook


def _problems(app: Any, summary: FinalAccounts) -> list[Problem]:
    """The findings of the evaluated projects' 整改, with the unit's latest measures."""
    out: list[Problem] = []
    for row in summary.rows:
        if row.evaluation_id is None:
            continue
        try:
            r = app.load_rectification(rectification_id(row.evaluation_id))
        except NotFound:
            continue
        latest = {m.finding_id: m.measures for m in (r.answers[-1].measures if r.answers else ())}
        out += [Problem(row.name, f.text, latest.get(f.finding_id, "")) for f in r.findings.values()]
    return out


class DepartmentController(Controller):
    path = "/api/v1/tenants/{code:str}"
    tags = ["部门整体"]  # noqa: RUF012

    @post(
        "/whole-department-evaluations",
        summary="发起部门整体支出绩效评价（自动登记本单位的部门整体项目并采用部门整体指标框架）",
        status_code=201,
        guards=[allowed("evaluation.start")],
    )
    async def start(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: StartWholeDepartment
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            e = app.start_whole_department(caller, code, data)
            return 201, Done(id=str(e.id), version=e.version)

        return await run_command(request, run)

    def _summary(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int
    ) -> tuple[FinalAccounts, str, list[Problem]]:
        platform = platform_of(request)
        platform.app.authorize(caller, "tenant.rollup", Target(code))
        summary = read_models(platform, caller, lambda c: final_accounts(c, code, year), [code])
        return summary, platform.app.tree.tenant(code).name, _problems(platform.app, summary)

    @get(
        "/final-accounts",
        summary="部门决算：项目支出绩效自评结果汇总（数量、资金及占比、按等级、问题与整改；含文字部分）",
        guards=[allowed("tenant.rollup")],
    )
    async def summary(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int
    ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            s, name, problems = self._summary(request, caller, code, year)
            out: dict[str, Any] = msgspec.to_builtins(s)
            return out | {
                "bureau": name,
                "problems": [p.__dict__ for p in problems],
                "text": text(s, name, problems),
            }

        return await to_thread.run_sync(run)

    @get(
        "/final-accounts.xlsx",
        summary="导出部门决算的自评结果汇总（.xlsx）",
        media_type=XLSX,
        guards=[allowed("tenant.rollup")],
    )
    async def export(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int
    ) -> Response[bytes]:
        def run() -> tuple[bytes, str]:
            s, name, problems = self._summary(request, caller, code, year)
            return workbook(s, name, problems), f"{name}-{year}年度自评结果汇总.xlsx"

        data, filename = await to_thread.run_sync(run)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(filename)})


def figures_of(s: FinalAccounts) -> SummaryFigures:
    """The summary's figures as published (the field rule: no problems or measures, they are free text)."""
    grades = tuple(GradeShare(g.grade, g.count, g.count_share, g.money, g.money_share) for g in s.grades)
    return SummaryFigures(s.projects, s.evaluated, s.money, s.money_evaluated, s.money_share, grades)


class SummaryPublishController(Controller):
    path = "/api/v1/tenants/{code:str}"
    tags = ["信息公开"]  # noqa: RUF012

    @post(
        "/final-accounts/publish",
        summary="公开本年度自评结果汇总（按当前已定稿的自评计算并冻结；须已发起部门整体评价）",
        status_code=201,
        guards=[allowed("disclosure.publish")],
    )
    async def publish(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int
    ) -> Response[Any]:
        platform = platform_of(request)

        def run() -> tuple[int, Done]:
            platform.app.authorize(caller, "disclosure.publish", Target(code))
            summary = read_models(platform, caller, lambda c: final_accounts(c, code, year), [code])
            done = platform.app.publish_summary(caller, code, PublishSummary(year, figures_of(summary)))
            return 201, Done(id=str(done.aggregate.id), version=done.aggregate.version)

        return await run_command(request, run)
