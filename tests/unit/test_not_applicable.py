"""Issue 16, finding 5: a not-applicable indicator is out of its level-1 subtotal as it is out of
the total (the total was rescaled right; the subtotal still added the N/A row's score)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from domain.context import Actor, acting
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from projections.scorecards.rows import scorecard_of
from services.web.excel import rows_of


def _evaluation() -> Evaluation:
    with acting(Actor("t", "evaluator", "360100", "c")):
        e = Evaluation.start(
            "360100", uuid.uuid4(), 2022, EvaluationKind.SELF, Evaluator("自评", tenant="360100")
        )
        e.define_indicator(IndicatorSpec("1", "产出", Decimal(100)))
        e.define_indicator(IndicatorSpec("1.1", "数量", Decimal(60), parent="1", rule=Manual()))
        e.define_indicator(IndicatorSpec("1.2", "质量", Decimal(40), parent="1", rule=Manual()))
        e.apply_deduction("D1", "1.1", Decimal(10), "数量不足")
        spec = e.nodes["1.2"].spec
        import msgspec

        e.define_indicator(msgspec.structs.replace(spec, not_applicable=True))
    return e


def test_the_subtotal_leaves_out_a_not_applicable_indicator() -> None:
    e = _evaluation()
    assert e.subtotal("1") == Decimal(50)
    card = scorecard_of(e)
    level1 = next(r for r in card.indicators if r.key == "1")
    assert level1.score == Decimal(50)
    assert e.total() == Decimal("83.33")  # 50 of the 60 applicable points, rescaled to 100
    excel = {r.key: r for r in rows_of(e)}
    assert excel["1"].score == Decimal(50)
