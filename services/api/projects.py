"""HTTP: projects, their budget ledgers (with time travel) and starting an evaluation of one."""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put
from litestar.params import Parameter

from domain.ledger import LedgerStatement, Project
from projections.ledgers.queries import get_ledger
from projections.ledgers.rows import Ledger
from projections.timetravel import ledger_as_of
from services.api.plumbing import (
    Done,
    allowed,
    etag,
    hidden,
    if_match,
    parse_as_of,
    platform_of,
    read_models,
    run_command,
    within_versions,
)
from services.app.application import JixiaoApplication
from services.app.commands import projects as commands
from services.app.commands.inputs import RecordEntry, RecordSummary, RegisterProject, StartEvaluation
from services.app.commands.spec import Change, target_of
from services.app.policy import Caller, Target

B = TypeVar("B")


async def _on_project(
    request: Request[Any, Any, Any],
    caller: Caller,
    command: Change[Project, B, None, Any],
    project_id: UUID,
    body: B,
    status: int = 200,
) -> Response[Any]:
    app = platform_of(request).app

    def run() -> tuple[int, Done]:
        p = app.execute(caller, command, project_id, body, if_match(request)).aggregate
        return status, Done(id=str(p.id), version=p.version)

    def authorize() -> None:
        app.authorize(caller, command.action, target_of(app.load(Project, project_id)))

    return await run_command(request, run, authorize)


class ProjectController(Controller):
    path = "/api/v1"
    tags = ["项目与预算台账"]  # noqa: RUF012

    @post("/projects", summary="登记项目（本单位）", status_code=201, guards=[allowed("project.register")])
    async def register_project(
        self, request: Request[Any, Any, Any], caller: Caller, data: RegisterProject
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            p = app.register_project(caller, caller.tenant, data)
            return 201, Done(id=str(p.id), version=p.version)

        return await run_command(request, run)

    @post(
        "/projects/{project_id:uuid}/entries",
        summary="记录预算台账条目（预算、到位、支出、更正）",
        status_code=201,
        guards=[allowed("project.record_entry")],
    )
    async def record_entry(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID, data: RecordEntry
    ) -> Response[Any]:
        return await _on_project(request, caller, commands.RECORD_ENTRY, project_id, data, 201)

    @put(
        "/projects/{project_id:uuid}/statement",
        summary="报表中填写的预算合计（与台账不一致时提示）",
        guards=[allowed("project.record_statement")],
    )
    async def record_statement(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID, data: LedgerStatement
    ) -> Response[Any]:
        return await _on_project(request, caller, commands.RECORD_STATEMENT, project_id, data)

    @put(
        "/projects/{project_id:uuid}/summary",
        summary="项目完成情况（总体目标实际完成）",
        guards=[allowed("project.record_summary")],
    )
    async def record_summary(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID, data: RecordSummary
    ) -> Response[Any]:
        return await _on_project(request, caller, commands.RECORD_SUMMARY, project_id, data)

    @get(
        "/projects/{project_id:uuid}/ledger",
        summary="项目预算台账（可 as_of 时间或 version 回溯）",
        guards=[allowed("project.read_ledger")],
    )
    async def ledger(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        project_id: UUID,
        as_of: str | None = None,
        version: int | None = Parameter(default=None, ge=1),
    ) -> Response[Ledger]:
        platform = platform_of(request)
        at = parse_as_of(as_of)

        def run() -> Ledger:
            app = platform.app
            if at is not None or version is not None:
                p = _authorize_project(app, caller, "project.ledger_history", project_id)
                within_versions(version, p.version, "项目台账")
                return ledger_as_of(app.log, project_id, at=at, version=version)
            if caller.restricted:  # a third party sees its evaluations only
                raise hidden("项目")
            found = read_models(platform, caller, lambda c: get_ledger(c, project_id))
            if found is None:
                raise hidden("项目")
            app.authorize(caller, "project.read_ledger", Target(found.tenant))
            return found

        ledger = await to_thread.run_sync(run)
        return Response(ledger, headers={"ETag": etag(ledger.version)})

    @post(
        "/projects/{project_id:uuid}/evaluations",
        summary="开始一项评价（自评或对下级项目的部门评价）",
        status_code=201,
        guards=[allowed("evaluation.start")],
    )
    async def start_evaluation(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID, data: StartEvaluation
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            e = app.start_evaluation(caller, project_id, data)
            return 201, Done(id=str(e.id), version=e.version)

        return await run_command(request, run)


def _authorize_project(app: JixiaoApplication, caller: Caller, action: str, project_id: UUID) -> Project:
    if caller.restricted:
        raise hidden("项目")
    p = app.load(Project, project_id)
    app.authorize(caller, action, Target(p.tenant))
    return p
