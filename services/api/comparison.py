"""HTTP: a project's 单位自评 against its external evaluations, and the project over the years
(issue 19 §6). Both read the projections under row-level security (``read_models``); the policy
decides on the project's bureau, as for its ledger."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, get

from projections.rollups.comparison import Comparison, compare_project
from projections.rollups.series import Series, project_series
from services.api.listing import refuse
from services.api.plumbing import allowed, hidden, platform_of, read_models
from services.app.policy import Caller, Target

CODE_LIMIT = 64  # a project code is short: anything longer is refused before a query


class ComparisonController(Controller):
    path = "/api/v1"
    tags = ["对比与历年"]  # noqa: RUF012

    @get(
        "/projects/{project_id:uuid}/comparison",
        summary="单位自评与外部评价（部门评价、财政评价、第三方）逐项对比：只比较已定稿的评价",
        guards=[allowed("evaluation.compare")],
    )
    async def comparison(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID
    ) -> Comparison:
        platform = platform_of(request)

        def run() -> Comparison:
            if caller.restricted:  # a third party sees its evaluations, not the project's others
                raise hidden("项目")
            found = read_models(platform, caller, lambda c: compare_project(c, project_id))
            if found is None:
                raise hidden("项目")
            platform.app.authorize(caller, "evaluation.compare", Target(found.tenant))
            return found

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/projects/{project_code:str}/years",
        summary="同一项目编号的历年情况：预算、执行率、已定稿自评的总分、等级与各指标得分",
        guards=[allowed("project.series")],
    )
    async def years(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, project_code: str
    ) -> Series:
        platform = platform_of(request)
        if not project_code.strip() or len(project_code) > CODE_LIMIT:
            raise refuse("project_code", f"项目编号应为 1 至 {CODE_LIMIT} 个字符")

        def run() -> Series:
            platform.app.authorize(caller, "project.series", Target(code))
            found = read_models(platform, caller, lambda c: project_series(c, code, project_code))
            if found is None:
                raise hidden("项目")
            return found

        return await to_thread.run_sync(run)
