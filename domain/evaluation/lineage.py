"""Score lineage (为什么是这个分): everything one indicator's score comes from, as data.

The rule with its version and parameters (偏离度 ones included) in words and as stored; the
target and the actual as written and as read; the inputs scored; the ledger figures behind a
ledger rate; the arithmetic step by step as recorded with the score; the evaluator's discretion;
the deductions with their reasons; the stated score. Pure: the API adds the positions of the
events it came from (``services/api/lineage.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from domain.errors import DomainError
from domain.evaluation.aggregate import Evaluation
from domain.indicators import IndicatorSpec
from domain.reader import read
from domain.rules import RuleInput, describe
from domain.rules.rounding import Rounding, describe_rounding
from domain.scorecard import IndicatorState


class Written(msgspec.Struct, frozen=True):
    """A cell as written and as the reader took it."""

    raw: str
    read: dict[str, Any]
    kind: str


class DeductionLine(msgspec.Struct, frozen=True):
    deduction_id: str
    points: Decimal
    reason: str


class Lineage(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    name: str
    weight: Decimal
    rule: dict[str, Any] | None
    rule_text: str
    rule_version: int | None
    rounding: str  # the policy in words ("" for a version 1 rule)
    overachievement: dict[str, Any] | None
    target: Written | None
    actual: Written | None
    inputs: dict[str, Any] | None  # as scored (a ledger rate filled in)
    ledger_source: str | None
    ledger: dict[str, Any] | None  # the synced figures the rate came from
    steps: list[str]
    rule_score: Decimal | None
    judged: dict[str, Any] | None
    deductions: list[DeductionLine]
    deducted: Decimal
    score: Decimal | None
    stated_score: Decimal | None
    not_applicable: bool


def _written(text: str | None, year: int, spec: IndicatorSpec, *, target: bool) -> Written | None:
    if text is None or not text.strip():
        return None
    m = read(text, year=year, indicator=spec.name, target=target, unit=spec.unit)
    return Written(text, msgspec.to_builtins(m), m.kind)


def _steps(e: Evaluation, node: IndicatorState) -> list[str]:
    """The steps recorded with the score; for a score recorded before steps were (an older
    event), the same rule re-run on the same recorded inputs, if it gives the same score."""
    if node.outcome is None:
        return []
    if node.outcome.steps:
        return list(node.outcome.steps)
    try:
        _, again = e.score_with(node, node.scored_given or RuleInput())
    except DomainError:
        return [node.outcome.explanation]
    return list(again.steps) if again.score == node.outcome.score else [node.outcome.explanation]


def lineage_of(e: Evaluation, key: str) -> Lineage:
    """The lineage of indicator ``key`` (``NotFound`` when the evaluation has none such)."""
    node = e.node(key)
    spec = node.spec
    rule = spec.rule
    policy = ""
    if rule is not None and rule.version >= 2:
        chosen = rule.rounding_policy if isinstance(rule.rounding_policy, Rounding) else Rounding()
        policy = describe_rounding(chosen)
    lines = [
        DeductionLine(d.deduction_id, d.points, d.reason)
        for d in e.deductions.values()
        if d.active and d.key == key
    ]
    return Lineage(
        key=key,
        name=spec.name,
        weight=spec.weight,
        rule=msgspec.to_builtins(rule) if rule is not None else None,
        rule_text=describe(rule) if rule is not None else "",
        rule_version=rule.version if rule is not None else None,
        rounding=policy,
        overachievement=msgspec.to_builtins(spec.overachievement) if spec.overachievement else None,
        target=_written(spec.target, e.year, spec, target=True),
        actual=_written(node.actual, e.year, spec, target=False),
        inputs=msgspec.to_builtins(node.scored_given) if node.scored_given is not None else None,
        ledger_source=spec.ledger_source.value if spec.ledger_source else None,
        ledger=msgspec.to_builtins(e.ledger) if spec.ledger_source and e.ledger else None,
        steps=_steps(e, node),
        rule_score=node.outcome.score if node.outcome else None,
        judged=msgspec.to_builtins(node.judged) if node.judged else None,
        deductions=lines,
        deducted=sum((d.points for d in lines), Decimal(0)),
        score=e.score_of(node),
        stated_score=node.stated_score,
        not_applicable=spec.not_applicable,
    )
