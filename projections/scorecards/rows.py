"""An evaluation as scorecard rows: shared by the projection and by time travel, so the view at a
moment and the state folded from the events up to that moment are compared value for value."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
from msgspec import Struct

from domain.evaluation import Evaluation
from domain.indicators import children_of, level_of


class IndicatorRow(Struct, frozen=True):
    key: str
    parent: str | None
    level: int
    name: str
    weight: Decimal
    rule: Any
    standard: str
    target: str | None
    actual: str | None
    rule_score: Decimal | None
    deducted: Decimal
    score: Decimal | None
    stated_score: Decimal | None
    deviation: str
    not_applicable: bool
    explanation: str
    judged: Any = None  # 酌情: {points | adjustment, reason} when the evaluator used discretion


class DeductionRow(Struct, frozen=True):
    deduction_id: str
    key: str
    points: Decimal
    reason: str
    active: bool


class Scorecard(Struct, frozen=True):
    evaluation_id: str
    tenant: str
    project_id: str
    year: int
    kind: str
    evaluator: str
    third_party: bool
    status: str
    total: Decimal
    grade: str
    stated_total: Decimal | None
    stated_grade: str | None
    flags: list[dict[str, Any]]
    version: int
    indicators: list[IndicatorRow]
    deductions: list[DeductionRow]


_ENCODER = msgspec.json.Encoder(decimal_format="string")
_DECODER = msgspec.json.Decoder(Scorecard)


def encode_scorecard(card: Scorecard) -> bytes:
    """The scorecard as the API sends it (decimals as strings): what the read model stores."""
    return _ENCODER.encode(card)


def decode_scorecard(document: bytes | str) -> Scorecard:
    return _DECODER.decode(document)


def _json(value: Any) -> Any:
    """As JSON carries it (lists, not tuples, decimals as strings): the view and time travel compare equal."""
    return msgspec.json.decode(msgspec.json.encode(value))


def scorecard_of(e: Evaluation) -> Scorecard:
    specs = e.specs()
    leaves = {n.spec.key for n in e.leaves()}
    kids = children_of(specs)
    taken = e.deducted_by_key()
    scores = e.scores(taken)  # every score once: totals, subtotals and flags all need them
    subtotals: dict[str, Decimal] = {}

    def subtotal(key: str) -> Decimal:  # Scorecard.subtotal, with the tree built once and memoised
        if key not in subtotals:
            below = kids.get(key)
            if below:
                subtotals[key] = sum((subtotal(k.key) for k in below), Decimal(0))
            else:  # a not-applicable leaf counts nothing in its branch, as in the total
                subtotals[key] = Decimal(0) if e.nodes[key].spec.not_applicable else scores[key] or Decimal(0)
        return subtotals[key]

    indicators = []
    for key, node in e.nodes.items():
        spec = node.spec
        leaf = key in leaves
        indicators.append(
            IndicatorRow(
                key=key,
                parent=spec.parent,
                level=level_of(key, specs),
                name=spec.name,
                weight=spec.weight,
                rule=_json(spec.rule) if spec.rule is not None else None,
                standard=spec.standard,
                target=spec.target,
                actual=node.actual,
                rule_score=node.outcome.score if node.outcome else None,
                deducted=taken.get(key, Decimal(0)),
                score=scores[key] if leaf else subtotal(key),
                stated_score=node.stated_score,
                deviation=node.deviation,
                not_applicable=spec.not_applicable,
                explanation=node.outcome.explanation if node.outcome else "",
                judged=_json(node.judged) if node.judged is not None else None,
            )
        )
    total = e.total(scores)
    deductions = [
        DeductionRow(d.deduction_id, d.key, d.points, d.reason, d.active) for d in e.deductions.values()
    ]
    return Scorecard(
        evaluation_id=str(e.id),
        tenant=e.tenant,
        project_id=str(e.project_id),
        year=e.year,
        kind=e.kind.value,
        evaluator=e.evaluator.name,
        third_party=e.evaluator.third_party,
        status=e.status.value,
        total=total,
        grade=e.grade_scheme.grade(total),
        stated_total=e.stated_total,
        stated_grade=e.stated_grade,
        flags=[_json(f) for f in e.flags(scores, taken)],
        version=e.version,
        indicators=indicators,
        deductions=deductions,
    )
