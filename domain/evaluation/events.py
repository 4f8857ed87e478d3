"""The evaluation's events: what is stored, field by field. Each ``apply`` only assigns.

Stored under the names ``services/eventlog/topics.py`` registers (``domain.evaluation:Evaluation.<Event>``,
from when these classes were nested in the aggregate): moving them here changed no stored topic.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from msgspec.structs import replace

from domain.base import TenantAggregate
from domain.evaluation.values import Deduction, EvaluationKind, Evaluator, Status, taken_moves
from domain.grades import GradeScheme
from domain.indicators import IndicatorSpec
from domain.ledger import SourceTotals
from domain.rules import Judged, Judgement, Outcome, Rule, RuleInput


class Started(TenantAggregate.Created):
    project_id: UUID
    year: int
    kind: EvaluationKind
    evaluator: Evaluator
    grade_scheme: GradeScheme


class IndicatorDefined(TenantAggregate.Event):
    spec: IndicatorSpec

    def apply(self, aggregate: Any) -> None:
        aggregate.apply_spec(self.spec)


class ActualRecorded(TenantAggregate.Event):
    """实际完成值 and inputs; with the resulting score when it changed (one event, one row).

    Like ``IndicatorScored`` it records the rule (with its version) and the weight used.
    """

    key: str
    actual: str | None
    given: RuleInput
    rule: Rule | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    explanation: str = ""
    steps: tuple[str, ...] = ()  # the arithmetic, step by step (added with rule version 2)

    def apply(self, aggregate: Any) -> None:
        changes: dict[str, Any] = {"actual": self.actual, "given": self.given}
        if self.score is not None:
            changes["outcome"] = Outcome(score=self.score, explanation=self.explanation, steps=self.steps)
            changes["scored_given"] = self.given
        aggregate.change_node(self.key, **changes)


class IndicatorScored(TenantAggregate.Event):
    """Records the rule (with its version), the weight and the inputs, not just the result."""

    key: str
    rule: Rule | None
    weight: Decimal
    given: RuleInput
    score: Decimal
    explanation: str
    steps: tuple[str, ...] = ()

    def apply(self, aggregate: Any) -> None:
        outcome = Outcome(score=self.score, explanation=self.explanation, steps=self.steps)
        aggregate.change_node(self.key, outcome=outcome, scored_given=self.given)


class LedgerFiguresSynced(TenantAggregate.Event):
    figures: SourceTotals

    def apply(self, aggregate: Any) -> None:
        aggregate.ledger = self.figures


class DeductionApplied(TenantAggregate.Event):
    deduction_id: str
    key: str
    points: Decimal

    def apply(self, aggregate: Any) -> None:
        aggregate.deductions[self.deduction_id] = Deduction(
            self.deduction_id, self.key, self.points, self.meta.reason
        )
        taken_moves(aggregate, self.key, self.points)


class DeductionRevised(TenantAggregate.Event):
    deduction_id: str
    points: Decimal
    previous_points: Decimal

    def apply(self, aggregate: Any) -> None:
        d = aggregate.deductions[self.deduction_id]
        aggregate.deductions[self.deduction_id] = replace(d, points=self.points, reason=self.meta.reason)
        if d.active:
            taken_moves(aggregate, d.key, self.points - d.points)


class DeductionWithdrawn(TenantAggregate.Event):
    deduction_id: str

    def apply(self, aggregate: Any) -> None:
        d = aggregate.deductions[self.deduction_id]
        aggregate.deductions[self.deduction_id] = replace(d, active=False)
        if d.active:
            taken_moves(aggregate, d.key, -d.points)


class DeviationNoted(TenantAggregate.Event):
    key: str
    note: str

    def apply(self, aggregate: Any) -> None:
        aggregate.change_node(self.key, deviation=self.note)


class StatedScoreRecorded(TenantAggregate.Event):
    key: str
    score: Decimal

    def apply(self, aggregate: Any) -> None:
        aggregate.change_node(self.key, stated_score=self.score)


class StatedTotalRecorded(TenantAggregate.Event):
    total: Decimal | None
    grade: str | None

    def apply(self, aggregate: Any) -> None:
        aggregate.stated_total, aggregate.stated_grade = self.total, self.grade


class StatusChanged(TenantAggregate.Event):
    status: Status
    total: Decimal | None = None
    grade: str | None = None

    def apply(self, aggregate: Any) -> None:
        aggregate.status = self.status


class TemplateAdopted(TenantAggregate.Event):
    """The evaluation took its indicators from this template revision (first adoption, or a
    recorded move to another revision): it stays pinned to it until the next such event."""

    template_id: UUID
    name: str
    revision: int

    def apply(self, aggregate: Any) -> None:
        aggregate.template = (self.template_id, self.name, self.revision)


class ScoreJudged(TenantAggregate.Event):
    """An evaluator's discretionary decision (酌情) on one indicator, its reason in ``meta``: the
    score set (a judgement rule) or an adjustment of the rule's result; neither: withdrawn. The
    re-score follows as ``IndicatorScored``."""

    key: str
    points: Decimal | None = None
    adjustment: Decimal | None = None

    def apply(self, aggregate: Any) -> None:
        withdrawn = self.points is None and self.adjustment is None
        judged = None if withdrawn else Judged(self.points, self.adjustment, self.meta.reason)
        changes: dict[str, Any] = {"judged": judged}
        if withdrawn and isinstance(aggregate.nodes[self.key].spec.rule, Judgement):
            changes.update(outcome=None, scored_given=None)  # a judged score withdrawn: unscored
        aggregate.change_node(self.key, **changes)
