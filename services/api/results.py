"""HTTP: 结果应用 — a finance side's policy (adopt, revise, read the one that applies to a bureau,
any version), each finalized evaluation's budget recommendation (a region's table, one with its
history, a project's), and the finance system's decision recorded back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put

from domain.errors import NotFound
from domain.ledger import Project
from domain.results import ADVICE_LABEL, DEFAULT_RULES, Advice, Recommendation, ResultPolicy
from domain.results.values import DECISION_LABEL
from projections.audit.queries import Change, timeline
from projections.results.queries import RecommendationRow, of_project, recommendations
from services.api.plumbing import Done, allowed, hidden, if_match, platform_of, read_models, run_command
from services.app.commands import results as c
from services.app.commands.spec import target_of
from services.app.policy import Caller, Target

_RECTIFICATION = {"": "无", "open": "整改中", "overdue": "整改逾期", "closed": "整改已验收"}


def label(advice: str | None, cut: Any) -> str:
    if advice is None:
        return ""
    text = ADVICE_LABEL[Advice(advice)]
    return f"{text} {cut}%" if advice == Advice.CUT.value else text


def row_view(r: RecommendationRow) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(r)
    return out | {
        "advice_label": label(r.advice, r.cut_pct),
        "applied_label": label(r.applied_advice, r.applied_cut_pct),
        "rectification_label": _RECTIFICATION.get(r.rectification, r.rectification),
    }


def view(r: Recommendation) -> dict[str, Any]:
    decided = r.decision
    return {
        "recommendation_id": str(r.id),
        "tenant": r.tenant,
        "evaluation_id": str(r.evaluation_id),
        "project_id": str(r.project_id),
        "project_name": r.project_name,
        "year": r.year,
        "budget_year": r.year + 1,
        "inputs": msgspec.to_builtins(r.inputs),
        "rectification_label": _RECTIFICATION.get(r.inputs.rectification, r.inputs.rectification),
        "outcome": msgspec.to_builtins(r.outcome),
        "advice_label": label(r.outcome.advice.value, r.outcome.cut_pct),
        "decision": None
        if decided is None
        else {
            "decision": decided[0].value,
            "label": DECISION_LABEL[decided[0]],
            "outcome": msgspec.to_builtins(decided[1]),
            "applied_label": label(decided[1].advice.value, decided[1].cut_pct),
            "decided_on": decided[2].isoformat(),
        },
        "history": [
            {
                "inputs": msgspec.to_builtins(i),
                "outcome": msgspec.to_builtins(o),
                "label": label(o.advice.value, o.cut_pct),
            }
            for i, o in r.history
        ],
        "version": r.version,
    }


def policy_view(owner: str, p: ResultPolicy | None) -> dict[str, Any]:
    rules = DEFAULT_RULES if p is None else p.rules
    return {
        "tenant": owner,
        "default": p is None,
        "revision": 0 if p is None else p.revision,
        "rules": msgspec.to_builtins(rules),
        "labels": {b.grade: label(b.advice.value, b.cut_pct) for b in rules.bands},
        "unrectified_label": ADVICE_LABEL[rules.unrectified],
        "version": 0 if p is None else p.version,
    }


class ResultsController(Controller):
    path = "/api/v1"
    tags = ["结果应用"]  # noqa: RUF012

    @get(
        "/tenants/{code:str}/result-policy",
        summary="适用于本单位的结果应用政策（本单位的，否则上级的，否则平台默认；version 查看本单位政策的历史版本）",
        guards=[allowed("results.read")],
    )
    async def policy(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, version: int | None = None
    ) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            app.authorize(caller, "results.read", Target(code))
            if version is not None:
                return policy_view(code, app.load_policy(code, version))
            for owner in app.tree.lineage(code):
                try:
                    return policy_view(owner, app.load_policy(owner))
                except NotFound:
                    continue
            return policy_view("", None)

        return await to_thread.run_sync(run)

    @put(
        "/tenants/{code:str}/result-policy",
        summary="制定或修订本单位的结果应用政策（财政部门；修订须说明原因）",
        status_code=200,
        guards=[allowed("results.adopt_policy")],
    )
    async def set_policy(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: c.AdoptPolicy
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            try:
                app.load_policy(code)
            except NotFound:
                p = app.adopt_policy(caller, code, data)
                return 201, Done(id=str(p.id), version=p.version)
            revised = app.revise_policy(
                caller, code, c.RevisePolicy(data.rules, data.reason), if_match(request)
            )
            return 200, Done(id=str(revised.aggregate.id), version=revised.aggregate.version)

        return await run_command(request, run)

    @get(
        "/tenants/{code:str}/recommendations",
        summary="本单位及下级单位的预算建议（结果应用；可按年度、建议、是否已决定筛选）",
        guards=[allowed("results.read")],
    )
    async def listed(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        year: int | None = None,
        advice: str | None = None,
        undecided: bool = False,
    ) -> list[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> list[dict[str, Any]]:
            platform.app.authorize(caller, "results.read", Target(code))
            rows = read_models(platform, caller, lambda conn: recommendations(conn, year, advice, undecided))
            tree = platform.app.tree
            return [row_view(r) for r in rows if code in tree.lineage(r.tenant)]

        return await to_thread.run_sync(run)

    @get(
        "/projects/{project_id:uuid}/recommendations",
        summary="项目的预算建议",
        guards=[allowed("results.read")],
    )
    async def of_project(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID
    ) -> list[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> list[dict[str, Any]]:
            if caller.restricted:
                raise hidden("预算建议")
            project = platform.app.load(Project, project_id)
            platform.app.authorize(caller, "results.read", Target(project.tenant))
            rows = read_models(platform, caller, lambda conn: of_project(conn, project_id), [project.tenant])
            return [row_view(r) for r in rows]

        return await to_thread.run_sync(run)

    @get(
        "/recommendations/{recommendation:uuid}",
        summary="预算建议（依据、政策版本、历次变化与财政决定；version 回溯）",
        guards=[allowed("results.read")],
    )
    async def read(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        recommendation: UUID,
        version: int | None = None,
    ) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            if caller.restricted:
                raise hidden("预算建议")
            r = app.load_recommendation(recommendation)
            app.authorize(caller, "results.read", target_of(r))
            if version is None:
                return view(r)
            app.authorize(caller, "results.history", target_of(r))
            return view(app.load_recommendation(recommendation, min(version, r.version)))

        return await to_thread.run_sync(run)

    @get(
        "/recommendations/{recommendation:uuid}/history",
        summary="预算建议的记录：何时因何提出、变化与决定",
        guards=[allowed("results.history")],
    )
    async def history(
        self, request: Request[Any, Any, Any], caller: Caller, recommendation: UUID
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            r = platform.app.load_recommendation(recommendation)
            platform.app.authorize(caller, "results.history", target_of(r))
            return read_models(platform, caller, lambda conn: timeline(conn, recommendation), [r.tenant])

        return await to_thread.run_sync(run)

    @post(
        "/recommendations/{recommendation:uuid}/decision",
        summary="记录财政部门的决定：采纳，或调整后采纳（须说明原因）",
        status_code=200,
        guards=[allowed("results.decide")],
    )
    async def decide(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        recommendation: UUID,
        data: c.DecideRecommendation,
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            done = app.decide_recommendation(caller, recommendation, data, if_match(request))
            return 200, Done(id=str(recommendation), version=done.aggregate.version)

        return await run_command(request, run)
