"""HTTP: what people said and did, where the next person needs it — the reviewer's comments on an
evaluation (every 退回 and 重新打开 with its reason, for whoever works on the evaluation, not only
the roles that may read the whole history) and a project's ledger changes (记账、更正 and why)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, get

from domain.evaluation import Evaluation
from domain.ledger import Project
from projections.audit.queries import Change, timeline
from services.api.plumbing import allowed, hidden, platform_of, read_models
from services.app.commands.spec import target_of
from services.app.policy import Caller, Target

_REVIEW_STATUSES = {"returned": "退回", "draft": "重新打开", "finalized": "定稿", "submitted": "提交"}


def _line(c: Change, label: str) -> dict[str, Any]:
    return {
        "position": c.position,
        "version": c.version,
        "at": c.at.isoformat(),
        "actor": c.actor_id,
        "role": c.role,
        "action": label,
        "subject": c.subject,
        "reason": c.reason,
        "before": c.before,
        "after": c.after,
    }


class TrailController(Controller):
    path = "/api/v1"
    tags = ["评价与评分"]  # noqa: RUF012

    @get(
        "/evaluations/{evaluation_id:uuid}/reviews",
        summary="审核意见：每次提交、退回、定稿、重新打开及其原因（评价的所有读者可见）",
        guards=[allowed("evaluation.read")],
    )
    async def reviews(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> list[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> list[dict[str, Any]]:
            if caller.restricted and str(evaluation_id) not in caller.evaluations:
                raise hidden("评价")
            e = platform.app.load(Evaluation, evaluation_id)
            platform.app.authorize(caller, "evaluation.read", target_of(e))
            changes = read_models(platform, caller, lambda c: timeline(c, evaluation_id), [e.tenant])
            out = []
            for c in changes:
                status = (c.after or {}).get("status") if isinstance(c.after, dict) else None
                if c.action == "StatusChanged" and status in _REVIEW_STATUSES:
                    out.append(_line(c, _REVIEW_STATUSES[status]))
            return out

        return await to_thread.run_sync(run)

    @get(
        "/projects/{project_id:uuid}/history",
        summary="台账变更记录：谁、何时记账或更正，金额与原因",
        guards=[allowed("project.ledger_history")],
    )
    async def ledger_history(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID
    ) -> list[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> list[dict[str, Any]]:
            if caller.restricted:
                raise hidden("项目")
            tenant = platform.app.load(Project, project_id).tenant
            platform.app.authorize(caller, "project.ledger_history", Target(tenant))
            changes = read_models(platform, caller, lambda c: timeline(c, project_id), [tenant])
            return [_line(c, c.action) for c in changes]

        return await to_thread.run_sync(run)
