"""How an indicator is scored inside the evaluation: its inputs assembled from the cells as
written (read in context) and the evaluator's entries, a ledger rate filled in from the synced
figures, the rule run with the node's discretion — recording nothing (the aggregate records)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import msgspec

from domain.errors import DomainError
from domain.indicators import LedgerSource
from domain.ledger import SourceTotals
from domain.reader import read
from domain.rules import Judged, Outcome, RuleInput, RuleInputError, evaluate
from domain.scorecard import IndicatorState
from domain.values import Comparator, Measure

_RATES: dict[LedgerSource, Callable[[SourceTotals], tuple[Decimal, Decimal, str]]] = {
    LedgerSource.FUNDS_RECEIVED_RATE: lambda t: (t.received, t.annual, "资金到位率 = 实际到位 / 全年预算"),
    LedgerSource.EXECUTION_RATE: lambda t: (t.spent, t.received, "预算执行率 = 实际支出 / 实际到位"),
    LedgerSource.BUDGET_EXECUTION_RATE: lambda t: (t.spent, t.annual, "执行率 = 全年执行数 / 全年预算数"),
}


class Scoring:
    """Mixin of ``Evaluation``: needs ``year`` and ``ledger``."""

    year: int
    ledger: SourceTotals | None

    def score_with(self, node: IndicatorState, given: RuleInput) -> tuple[RuleInput, Outcome]:
        """What ``node`` (as given: its spec may be an alternative) scores on ``given`` — ledger
        rates, deviation penalty and the node's discretion included — recording nothing (what-if
        re-scoring and score lineage)."""
        return self._outcome(node, given)

    def _inputs_for(self, node: IndicatorState, actual: str | None, given: RuleInput | None) -> RuleInput:
        context: dict[str, Any] = {"year": self.year, "indicator": node.spec.name, "unit": node.spec.unit}
        target = read(node.spec.target, target=True, **context) if node.spec.target else None
        reverse = node.spec.reverse or (
            target is not None and target.comparator in (Comparator.LE, Comparator.LT)
        )
        fields: dict[str, Any] = {"reverse": reverse}
        if target is not None and target.floor is not None:
            fields["target"] = target.floor
        if target is not None and target.date is not None:
            fields["due"] = target.date
        if actual is not None and actual.strip():
            fields.update(_inputs_from_measure(read(actual, **context)))
        if given is not None:
            fields.update(_set_fields(given))
        return RuleInput(**fields)

    def _outcome(
        self, node: IndicatorState, given: RuleInput, judged: Judged | bool | None = True
    ) -> tuple[RuleInput, Outcome]:
        """The inputs as scored (ledger rates filled in) and the rule's outcome; refuses bad input.
        ``judged``: the discretionary decision to score with (``True``: the node's own)."""
        spec = node.spec
        if spec.rule is None:
            raise DomainError("该指标没有评分规则", code="indicator.rule_missing", row=f"指标「{spec.name}」")
        ledger_step = ""
        if spec.ledger_source is not None:
            rate, ledger_step = self._ledger_rate(spec.ledger_source, spec.name, exact=spec.rule.version >= 2)
            given = msgspec.structs.replace(given, ratio_pct=rate)
        decision = node.judged if judged is True else judged or None
        try:
            outcome = evaluate(
                spec.rule, spec.weight, given, overachievement=spec.overachievement, judged=decision
            )
        except RuleInputError as e:
            code = getattr(e, "code", "rule.input_invalid")
            raise DomainError(
                _why(e, code, spec.target, node.actual), code=code, row=f"指标「{spec.name}」"
            ) from e
        if ledger_step:
            outcome = msgspec.structs.replace(outcome, steps=(ledger_step, *outcome.steps))
        return given, outcome

    def _ledger_rate(self, source: LedgerSource, name: str, *, exact: bool) -> tuple[Decimal, str]:
        """The rate from the synced ledger figures, and the step that shows it: to 2 decimals of
        the per-cent (version 1 rules), or to 6 for a rule that rounds by its own policy."""
        if self.ledger is not None:
            top, bottom, label = _RATES[source](self.ledger)
            if bottom != 0:
                rate = top * 100 / bottom
                rate = rate.quantize(
                    Decimal("0.000001") if exact else Decimal("0.01"), rounding=ROUND_HALF_UP
                )
                return rate, f"台账：{label} = {top} 元 / {bottom} 元 = {rate.normalize():f}%"
        raise DomainError(
            "台账数据不足，无法计算该比率", code="ledger.figures_missing", row=f"指标「{name}」"
        )


def _set_fields(given: RuleInput) -> dict[str, Any]:
    """Only the fields the caller actually set (non-defaults)."""
    return {
        f: getattr(given, f) for f in given.__struct_fields__ if getattr(given, f) != getattr(RuleInput(), f)
    }


def _inputs_from_measure(m: Measure) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if m.number is not None:
        out["value"] = m.number
        if m.is_percent:
            out["ratio_pct"] = m.number
    if m.date is not None:
        out["completed_on"] = m.date
    if m.phrase:
        out["category"] = m.raw  # categories are matched on the text as written
    return out


def _why(error: RuleInputError, code: str, target: str | None, actual: str | None) -> str:
    """The rule's refusal, saying which cell could not be read when that is the reason."""
    if code == "rule.target_missing" and target:
        return f"年度指标值「{target}」未能读取为数字，无法按此规则评分（请改写为如“≥95%”“300人”）"
    if code in ("rule.value_missing", "rule.ratio_missing") and actual:
        return f"实际完成值「{actual}」未能读取为数字，无法按此规则评分"
    if code == "rule.due_missing" and target:
        return f"年度指标值「{target}」未能读取为日期或期限（如“2022年12月31日前”“10月底前”）"
    return str(error)
