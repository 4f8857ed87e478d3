"""HTTP: why a score is what it is (lineage, with the positions of the events it came from)
and what-if re-scoring (nothing stored changes)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, get, post

from domain.evaluation.whatif import Comparison
from projections.audit.queries import Change, timeline
from services.api.plumbing import allowed, platform_of, read_models
from services.app import scoring
from services.app.policy import Caller

# the changes a score may come from: the indicator's own, and the evaluation's ledger figures
_OWN = ("IndicatorDefined", "ActualRecorded", "IndicatorScored", "ScoreJudged", "StatedScoreRecorded")


def _event(c: Change) -> dict[str, Any]:
    return {
        "position": c.position,
        "version": c.version,
        "at": c.at.isoformat(),
        "actor": c.actor_id,
        "role": c.role,
        "action": c.action,
        "subject": c.subject,
        "reason": c.reason,
    }


class ScoringController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["评价与评分"]  # noqa: RUF012

    @get(
        "/indicators/{key:str}/lineage",
        summary="为什么是这个分：规则及版本、参数、目标值与实际值（原文与识别结果）、台账数据及其事件位置、逐步计算、酌情与扣分",
        guards=[allowed("evaluation.lineage")],
    )
    async def lineage(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        key: str,
        version: int | None = None,
    ) -> dict[str, Any]:
        platform = platform_of(request)

        def run() -> dict[str, Any]:
            found = scoring.lineage(platform.app, caller, evaluation_id, key, version)
            e = platform.app.evaluation(evaluation_id)
            upto = version or e.version

            def query(c: Any) -> tuple[list[Change], list[Change]]:
                own = [
                    x
                    for x in timeline(c, evaluation_id)
                    if (
                        x.version <= upto
                        and ((x.action in _OWN and x.indicator == key) or x.action == "LedgerFiguresSynced")
                    )
                    or (x.action.startswith("Deduction") and x.indicator == key and x.version <= upto)
                ]
                ledger = [x for x in timeline(c, e.project_id) if x.action == "EntryRecorded"]
                return own, (ledger if found.ledger_source else [])

            own, ledger = read_models(platform, caller, query, [e.tenant])
            return {
                "lineage": msgspec.to_builtins(found),
                "events": [_event(x) for x in own],
                "ledger_events": [_event(x) for x in ledger],
            }

        return await to_thread.run_sync(run)

    @post(
        "/what-if",
        summary="假设重算：按其他规则版本、取整规则、模板版本或指定规则重算（可逐版本），不改变任何已存数据",
        status_code=200,
        guards=[allowed("evaluation.what_if")],
    )
    async def what_if(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: scoring.WhatIf
    ) -> list[Comparison]:
        platform = platform_of(request)
        return await to_thread.run_sync(lambda: scoring.what_if(platform.app, caller, evaluation_id, data))
