"""HTTP: the commands on an evaluation — indicators, inputs, deductions, the lifecycle.

A command without an ``Idempotency-Key`` (the busy case) runs on the event loop itself
(``JixiaoApplication.execute_async``): it never leaves the loop unless its prepare step needs
another aggregate. With a key it runs on a worker thread under the key's lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from litestar import Controller, Request, Response, post, put

from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from services.api.plumbing import (
    Done,
    allowed,
    deduction_done,
    if_match,
    platform_of,
    recorded,
    respond,
    run_command,
    scorecard_done,
)
from services.app.commands import evaluations as ev
from services.app.commands.inputs import (
    AdoptTemplate,
    ApplyDeduction,
    JudgeScore,
    MoveTemplate,
    NoteDeviation,
    RecordActual,
    RecordStatedScore,
    RecordStatedTotal,
    ReviseDeduction,
    WithReason,
)
from services.app.commands.spec import Change, target_of
from services.app.policy import Caller

B = TypeVar("B")
P = TypeVar("P")


async def on_evaluation(
    request: Request[Any, Any, Any],
    caller: Caller,
    command: Change[Evaluation, B, P, Any],
    evaluation_id: UUID,
    body: B,
    status: int = 200,
    answer: Callable[[Evaluation, Any], Done] = lambda e, _: scorecard_done(e),
) -> Response[Any]:
    """Run ``command`` and answer with the scorecard's new total, grade and flags (``answer``:
    and what the decision returned, such as a deduction's id)."""
    app = platform_of(request).app
    expected = if_match(request)
    if request.headers.get("idempotency-key") is None:
        done = await app.execute_async(caller, command, evaluation_id, body, expected)
        return respond(recorded(status, answer(done.aggregate, done.result)), None)

    def run() -> tuple[int, Done]:
        done = app.execute(caller, command, evaluation_id, body, expected)
        return status, answer(done.aggregate, done.result)

    def authorize() -> None:
        app.authorize(caller, command.action, target_of(app.load(Evaluation, evaluation_id)))

    return await run_command(request, run, authorize)


class EvaluationController(Controller):
    path = "/api/v1/evaluations/{evaluation_id:uuid}"
    tags = ["评价与评分"]  # noqa: RUF012

    @post(
        "/indicators",
        summary="定义或修改指标（分值、评分规则、目标值）",
        guards=[allowed("evaluation.define_indicator")],
    )
    async def define_indicator(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: IndicatorSpec
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.DEFINE_INDICATOR, evaluation_id, data)

    @post("/template", summary="采用指标模板", guards=[allowed("evaluation.adopt_template")])
    async def adopt_template(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: AdoptTemplate
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.ADOPT_TEMPLATE, evaluation_id, data)

    @post(
        "/template/move",
        summary="改用所采用模板的另一版本（须说明原因）",
        guards=[allowed("evaluation.move_template")],
    )
    async def move_template(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: MoveTemplate
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.MOVE_TEMPLATE, evaluation_id, data)

    @put(
        "/indicators/{key:str}/actual",
        summary="录入实际完成值（或规则所需的数据）",
        guards=[allowed("evaluation.record_actual")],
    )
    async def record_actual(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        key: str,
        data: RecordActual,
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.RECORD_ACTUAL, evaluation_id, (key, data))

    @put(
        "/indicators/{key:str}/deviation",
        summary="偏差原因分析",
        guards=[allowed("evaluation.note_deviation")],
    )
    async def note_deviation(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        key: str,
        data: NoteDeviation,
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.NOTE_DEVIATION, evaluation_id, (key, data))

    @put(
        "/indicators/{key:str}/stated-score",
        summary="表中填写的得分（与计算值不一致时提示）",
        guards=[allowed("evaluation.record_stated_score")],
    )
    async def stated_score(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        key: str,
        data: RecordStatedScore,
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.RECORD_STATED_SCORE, evaluation_id, (key, data))

    @put(
        "/indicators/{key:str}/judgement",
        summary="酌情给分：评定得分或在规则允许的幅度内调整（须说明原因，提交审核时提示）",
        guards=[allowed("evaluation.judge_score")],
    )
    async def judge_score(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        key: str,
        data: JudgeScore,
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.JUDGE_SCORE, evaluation_id, (key, data))

    @put(
        "/stated-total",
        summary="表中填写的总分与等级（与计算值不一致时提示）",
        guards=[allowed("evaluation.record_stated_total")],
    )
    async def stated_total(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: RecordStatedTotal
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.RECORD_STATED_TOTAL, evaluation_id, data)

    @post(
        "/deductions",
        summary="扣分（评价人）；不给 deduction_id 时由服务器编号（<指标编号>-D<n>），答复中带回",
        status_code=201,
        guards=[allowed("evaluation.apply_deduction")],
    )
    async def apply_deduction(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: ApplyDeduction
    ) -> Response[Any]:
        return await on_evaluation(
            request, caller, ev.APPLY_DEDUCTION, evaluation_id, data, 201, deduction_done
        )

    @put(
        "/deductions/{deduction_id:str}",
        summary="修改扣分（评价人）",
        guards=[allowed("evaluation.revise_deduction")],
    )
    async def revise_deduction(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        deduction_id: str,
        data: ReviseDeduction,
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.REVISE_DEDUCTION, evaluation_id, (deduction_id, data))

    @post(
        "/deductions/{deduction_id:str}/withdraw",
        summary="撤销扣分（评价人）",
        guards=[allowed("evaluation.withdraw_deduction")],
    )
    async def withdraw_deduction(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evaluation_id: UUID,
        deduction_id: str,
        data: WithReason,
    ) -> Response[Any]:
        return await on_evaluation(
            request, caller, ev.WITHDRAW_DEDUCTION, evaluation_id, (deduction_id, data)
        )

    @post("/submit", summary="提交（同步预算台账数据后）", guards=[allowed("evaluation.submit")])
    async def submit(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.SUBMIT, evaluation_id, None)

    @post("/return", summary="退回修改（审核人）", guards=[allowed("evaluation.return")])
    async def return_for_revision(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: WithReason
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.RETURN_FOR_REVISION, evaluation_id, data)

    @post("/finalize", summary="定稿（审核人）", guards=[allowed("evaluation.finalize")])
    async def finalize(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.FINALIZE, evaluation_id, None)

    @post("/reopen", summary="重新打开已定稿的评价（审核人）", guards=[allowed("evaluation.reopen")])
    async def reopen(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID, data: WithReason
    ) -> Response[Any]:
        return await on_evaluation(request, caller, ev.REOPEN, evaluation_id, data)
