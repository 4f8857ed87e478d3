"""HTTP: reading an evaluation — its scorecard now or as it stood (time travel), its timeline and
each deduction's history."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get
from litestar.openapi import ResponseSpec
from litestar.params import Parameter

from domain.evaluation import Evaluation
from projections.audit.queries import Change, deduction_history, timeline
from projections.scorecards.queries import scorecard_document
from projections.scorecards.rows import Scorecard, encode_scorecard
from projections.timetravel import evaluation_as_of
from services.api.plumbing import (
    Platform,
    allowed,
    etag,
    hidden,
    parse_as_of,
    platform_of,
    read_models,
    within_versions,
)
from services.app.commands.spec import target_of
from services.app.policy import Caller


def evaluation_for(platform: Platform, caller: Caller, action: str, evaluation_id: UUID) -> Evaluation:
    """The evaluation from the event log, once the policy allows ``action`` on it."""
    if caller.restricted and str(evaluation_id) not in caller.evaluations:
        raise hidden("评价")
    e = platform.app.load(Evaluation, evaluation_id)
    platform.app.authorize(caller, action, target_of(e))
    return e


class HistoryController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["评价与评分"]  # noqa: RUF012

    @get(
        "/",
        summary="评分表（可 as_of 时间或 version 回溯）",
        responses={200: ResponseSpec(Scorecard, description="评分表", generate_examples=False)},
        guards=[allowed("evaluation.read")],
    )
    async def scorecard(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        as_of: str | None = None,
        version: int | None = Parameter(default=None, ge=1),
    ) -> Response[bytes]:
        platform = platform_of(request)
        at = parse_as_of(as_of)

        def run() -> tuple[int, bytes]:
            if at is not None or version is not None:
                e = evaluation_for(platform, caller, "evaluation.as_of", evaluation_id)
                within_versions(version, e.version, "评价")
                card = evaluation_as_of(platform.app.log, evaluation_id, at=at, version=version)
                return card.version, encode_scorecard(card)
            if caller.restricted and str(evaluation_id) not in caller.evaluations:
                raise hidden("评价")
            tenants = [platform.app.evaluation(evaluation_id).tenant] if caller.restricted else None
            found = read_models(
                platform, caller, lambda c: scorecard_document(c, evaluation_id), tenants, one_statement=True
            )
            if found is None:
                raise hidden("评价")
            return found

        version_, document = await to_thread.run_sync(run)
        # the read model stores the scorecard encoded as this endpoint sends it: no re-encoding
        return Response(document, media_type="application/json", headers={"ETag": etag(version_)})

    @get(
        "/history",
        summary="评价的变更时间线（谁、何时、改了什么、前后值、原因）",
        guards=[allowed("evaluation.history")],
    )
    async def history(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            e = evaluation_for(platform, caller, "evaluation.history", evaluation_id)
            return read_models(platform, caller, lambda c: timeline(c, evaluation_id), [e.tenant])

        return await to_thread.run_sync(run)

    @get(
        "/deductions/{deduction_id:str}/history",
        summary="一项扣分的全部变更",
        guards=[allowed("evaluation.history")],
    )
    async def deduction_history(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, deduction_id: str
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            e = evaluation_for(platform, caller, "evaluation.history", evaluation_id)
            if deduction_id not in e.deductions:
                raise hidden("扣分")
            return read_models(
                platform, caller, lambda c: deduction_history(c, evaluation_id, deduction_id), [e.tenant]
            )

        return await to_thread.run_sync(run)
