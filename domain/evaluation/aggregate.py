"""The evaluation aggregate: indicator tree, inputs, rule scores, deductions, lifecycle."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from msgspec.structs import replace

from domain.base import TenantAggregate, check_id
from domain.context import Meta
from domain.errors import DomainError, InvalidState, NotFound
from domain.evaluation import events
from domain.evaluation.scoring import Scoring
from domain.evaluation.values import (
    EDITABLE,
    STATUS_LABEL,
    TAKEN,
    Deduction,
    EvaluationKind,
    Evaluator,
    Status,
)
from domain.grades import DEFAULT_GRADES, GradeScheme
from domain.ids import evaluation_id
from domain.indicators import IndicatorSpec, check_spec, normalized
from domain.ledger import SourceTotals
from domain.rules import Judged, Manual, Outcome, RuleInput, quantize
from domain.scorecard import ZERO, IndicatorState, Scorecard


class Evaluation(TenantAggregate, Scoring, Scorecard):
    """The aggregate: indicator tree, inputs, rule scores, deductions, lifecycle. Its events are
    defined in ``events.py``."""

    def __init__(
        self,
        meta: Meta,
        project_id: UUID,
        year: int,
        kind: EvaluationKind,
        evaluator: Evaluator,
        grade_scheme: GradeScheme,
    ) -> None:
        self.tenant = meta.tenant
        self.project_id = project_id
        self.year = year
        self.kind = kind
        self.evaluator = evaluator
        self.grade_scheme = grade_scheme
        self.status = Status.DRAFT
        self.nodes: dict[str, IndicatorState] = {}
        self.deductions: dict[str, Deduction] = {}
        self.ledger: SourceTotals | None = None
        self.stated_total: Decimal | None = None
        self.stated_grade: str | None = None
        self.template: tuple[UUID, str, int] | None = None  # (id, name, revision) it is pinned to

    # ---- creation ----------------------------------------------------------------
    @classmethod
    def start(
        cls,
        tenant: str,
        project_id: UUID,
        year: int,
        kind: EvaluationKind,
        evaluator: Evaluator,
        grade_scheme: GradeScheme = DEFAULT_GRADES,
    ) -> Evaluation:
        if not evaluator.name.strip():
            raise DomainError("评价机构名称不能为空", code="evaluation.evaluator_missing")
        evaluation: Evaluation = cls._start(
            events.Started,
            id=evaluation_id(tenant, project_id, kind.value, evaluator.tenant or evaluator.name),
            tenant=tenant,
            project_id=project_id,
            year=year,
            kind=kind,
            evaluator=evaluator,
            grade_scheme=grade_scheme,
        )
        return evaluation

    def apply_spec(self, spec: IndicatorSpec) -> None:
        node = self.nodes.get(spec.key)
        self.nodes[spec.key] = IndicatorState(spec) if node is None else replace(node, spec=spec)

    def change_node(self, key: str, **changes: Any) -> None:
        """Called only from event ``apply``: node states are immutable, replaced whole."""
        self.nodes[key] = replace(self.nodes[key], **changes)

    # ---- indicator tree ----------------------------------------------------------
    def define_indicator(self, spec: IndicatorSpec, reason: str = "") -> None:
        """Add a node or change its definition (weight, rule, target); rescoring follows."""
        self._editable()
        specs = self.specs()
        spec = normalized(spec)
        check_spec(spec, specs)
        old = self.nodes.get(spec.key)
        if old is not None and old.spec == spec:
            return
        self._emit(events.IndicatorDefined, reason=reason, spec=spec)
        node = self.nodes[spec.key]
        if node.given is not None or spec.ledger_source is not None or isinstance(spec.rule, Manual):
            self._rescore(node, node.given or RuleInput())

    def adopt_template(
        self, template_id: UUID, name: str, revision: int, specs: tuple[IndicatorSpec, ...]
    ) -> None:
        """Take a template revision's indicators (the evaluation is pinned to it from now on)."""
        self._editable()
        if self.template is not None and self.template[0] == template_id:
            raise InvalidState(
                f"已采用模板「{name}」第 {self.template[2]} 版；改用其他版本请用“改用模板版本”，并说明原因",
                code="template.already_adopted",
            )
        reason = f"采用模板「{name}」第 {revision} 版"
        self._emit(
            events.TemplateAdopted, reason=reason, template_id=template_id, name=name, revision=revision
        )
        for spec in specs:
            self.define_indicator(spec, reason=reason)

    def move_template(self, revision: int, specs: tuple[IndicatorSpec, ...], reason: str) -> None:
        """Move to another revision of the adopted template: a recorded act, with a reason; the
        indicators the revision changes are redefined (actual values and deductions stay)."""
        self._editable()
        if self.template is None:
            raise InvalidState("本评价没有采用模板", code="template.none")
        template_id, name, current = self.template
        if revision == current:
            raise DomainError(f"本评价已在模板「{name}」第 {revision} 版", code="template.same_revision")
        _need_reason(reason, "改用模板版本")
        self._emit(
            events.TemplateAdopted, reason=reason, template_id=template_id, name=name, revision=revision
        )
        for spec in specs:
            self.define_indicator(spec, reason=f"改用模板「{name}」第 {revision} 版：{reason}")

    def specs(self) -> dict[str, IndicatorSpec]:
        return {k: n.spec for k, n in self.nodes.items()}

    # ---- actual values and scoring --------------------------------------------------
    def record_actual(self, key: str, actual: str | None = None, given: RuleInput | None = None) -> None:
        """Record 实际完成值 (as written) and/or the evaluator's rule inputs, then rescore."""
        self._editable()
        node = self._leaf(key)
        merged = self._inputs_for(node, actual, given)
        scored_given, outcome = self._outcome(node, merged)  # refuse before anything is recorded
        unchanged = node.outcome == outcome and node.scored_given == scored_given
        score: dict[str, Any] = {}
        if not unchanged:
            score = {"rule": node.spec.rule, "weight": node.spec.weight, "score": outcome.score}
            score["explanation"], score["steps"] = outcome.explanation, outcome.steps
        self._emit(events.ActualRecorded, key=key, actual=actual, given=scored_given, **score)

    def sync_ledger(self, figures: SourceTotals) -> None:
        """Take the project's ledger figures; indicators computed from the ledger are rescored."""
        self._editable()
        if figures == self.ledger:
            return
        self._emit(events.LedgerFiguresSynced, figures=figures)
        for node in self.nodes.values():
            if node.spec.ledger_source is not None and node.spec.rule is not None:
                self._rescore(node, node.given or RuleInput(reverse=node.spec.reverse))

    def _rescore(self, node: IndicatorState, given: RuleInput) -> None:
        try:
            scored = self._outcome(node, given)
        except DomainError:
            return  # inputs no longer fit the (changed) rule: the indicator stays unscored until re-entered
        self._record_outcome(node, *scored)

    def _record_outcome(self, node: IndicatorState, given: RuleInput, outcome: Outcome) -> None:
        spec = node.spec
        if node.outcome is not None and node.outcome.score == outcome.score and node.scored_given == given:
            return
        self._emit(
            events.IndicatorScored,
            key=spec.key,
            rule=spec.rule,
            weight=spec.weight,
            given=given,
            score=outcome.score,
            explanation=outcome.explanation,
            steps=outcome.steps,
        )

    # ---- discretion (酌情) --------------------------------------------------------------
    def judge_score(self, key: str, points: Decimal | None, adjustment: Decimal | None, reason: str) -> None:
        """The evaluator's discretionary decision, with a reason: the score itself (a judgement
        rule) or an adjustment of the rule's result within the bound the rule states. Neither:
        the decision is withdrawn. Refused when it does not fit the rule; flagged for review."""
        self._editable()
        node = self._leaf(key)
        _need_reason(reason, "酌情给分")
        if points is not None and adjustment is not None:
            raise DomainError(
                "酌情评定得分与酌情调整只能二选一", code="judgement.both", row=f"指标「{node.spec.name}」"
            )
        withdrawn = points is None and adjustment is None
        if withdrawn and node.judged is None:
            raise InvalidState(
                "该指标没有酌情给分可撤销", code="judgement.none", row=f"指标「{node.spec.name}」"
            )
        judged = None if withdrawn else Judged(points, adjustment, reason.strip())
        given = node.given or RuleInput(reverse=node.spec.reverse)
        try:
            scored = self._outcome(node, given, judged)
        except DomainError:
            if not withdrawn:
                raise
            scored = None  # a judgement rule withdrawn: unscored again
        self._emit(events.ScoreJudged, reason=reason.strip(), key=key, points=points, adjustment=adjustment)
        if scored is not None:
            self._record_outcome(self.nodes[key], *scored)

    # ---- deductions ------------------------------------------------------------------
    def deducted_by_key(self) -> dict[str, Decimal]:
        """As the scorecard computes it, counted once and then kept in step by each deduction
        event: every command's answer carries total, grade and flags, and an evaluation may hold
        hundreds of deductions (counting them all again took a third of a command's time)."""
        return dict(self._deducted_memo())

    def _deducted_memo(self) -> dict[str, Decimal]:
        """The memo itself (not to be changed by the caller)."""
        taken: dict[str, Decimal] | None = self.__dict__.get(TAKEN)
        if taken is None:
            taken = Scorecard.deducted_by_key(self)
            self.__dict__[TAKEN] = taken
        return taken

    def apply_deduction(self, deduction_id: str, key: str, points: Decimal, reason: str) -> None:
        self._editable()
        check_id(deduction_id, "扣分编号")
        node = self._leaf(key)
        row = f"扣分 {deduction_id}（指标「{node.spec.name}」）"
        if deduction_id in self.deductions:
            raise DomainError("扣分编号已存在", code="deduction.duplicate", row=row)
        self._check_points(node, points, row, exclude=None)
        _need_reason(reason, row)
        self._emit(events.DeductionApplied, reason=reason, deduction_id=deduction_id, key=key, points=points)

    def revise_deduction(self, deduction_id: str, points: Decimal, reason: str) -> None:
        self._editable()
        d = self._deduction(deduction_id)
        node = self.nodes[d.key]
        row = f"扣分 {deduction_id}（指标「{node.spec.name}」）"
        self._check_points(node, points, row, exclude=deduction_id)
        _need_reason(reason, row)
        if points == d.points and reason == d.reason:
            return
        self._emit(
            events.DeductionRevised,
            reason=reason,
            deduction_id=deduction_id,
            points=points,
            previous_points=d.points,
        )

    def withdraw_deduction(self, deduction_id: str, reason: str) -> None:
        self._editable()
        self._deduction(deduction_id)
        _need_reason(reason, f"扣分 {deduction_id}")
        self._emit(events.DeductionWithdrawn, reason=reason, deduction_id=deduction_id)

    def _deduction(self, deduction_id: str) -> Deduction:
        d = self.deductions.get(deduction_id)
        if d is None or not d.active:
            raise NotFound(
                f"扣分「{deduction_id}」不存在或已撤销", code="deduction.unknown", row=deduction_id
            )
        return d

    def _check_points(self, node: IndicatorState, points: Decimal, row: str, exclude: str | None) -> None:
        if points <= 0 or points != quantize(points):
            raise DomainError(
                f"扣分 {points} 必须为正数且最多两位小数", code="deduction.points_invalid", row=row
            )
        others = self._deducted_memo().get(node.spec.key, ZERO)
        replaced = self.deductions.get(exclude) if exclude is not None else None
        if replaced is not None and replaced.active and replaced.key == node.spec.key:
            others -= replaced.points
        if others + points > node.spec.weight:
            raise DomainError(
                f"该指标扣分合计 {others + points} 超过分值 {node.spec.weight}",
                code="deduction.exceeds_weight",
                row=row,
            )

    # ---- notes and stated figures ------------------------------------------------------
    def note_deviation(self, key: str, note: str) -> None:
        self._editable()
        node = self._node(key)
        if note.strip() != node.deviation:
            self._emit(events.DeviationNoted, key=key, note=note.strip())

    def record_stated_score(self, key: str, score: Decimal) -> None:
        """The score a form states for a row: refused above the weight, flagged when it differs."""
        self._editable()
        node = self._node(key)
        row = f"指标「{node.spec.name}」"
        if score < 0:
            raise DomainError(f"得分 {score} 不能为负数", code="score.negative", row=row)
        if score > node.spec.weight:
            raise DomainError(f"得分 {score} 超过分值 {node.spec.weight}", code="score.above_weight", row=row)
        if score != node.stated_score:
            self._emit(events.StatedScoreRecorded, key=key, score=score)

    def record_stated_total(self, total: Decimal | None, grade: str | None = None) -> None:
        self._editable()
        if total is not None and not Decimal(0) <= total <= Decimal(100):
            raise DomainError(f"总分 {total} 必须在 0–100 之间", code="score.total_invalid", row="总分")
        if (total, grade) != (self.stated_total, self.stated_grade):
            self._emit(events.StatedTotalRecorded, total=total, grade=grade)

    # ---- lifecycle -------------------------------------------------------------------------
    def submit(self) -> None:
        self._editable()
        self._emit(events.StatusChanged, status=Status.SUBMITTED)

    def return_for_revision(self, reason: str) -> None:
        self._require(Status.SUBMITTED, "退回")
        _need_reason(reason, "退回")
        self._emit(events.StatusChanged, reason=reason, status=Status.RETURNED)

    def finalize(self) -> None:
        self._require(Status.SUBMITTED, "定稿")
        missing = [
            n.spec.name for n in self.leaves() if self.score_of(n) is None and not n.spec.not_applicable
        ]
        if missing:
            raise DomainError(
                "以下指标尚未录入实际完成值或未评分：" + "、".join(missing),
                code="evaluation.actuals_missing",
                row=missing[0],
            )
        total = self.total()
        self._emit(
            events.StatusChanged, status=Status.FINALIZED, total=total, grade=self.grade_scheme.grade(total)
        )

    def reopen(self, reason: str) -> None:
        self._require(Status.FINALIZED, "重新打开")
        _need_reason(reason, "重新打开")
        self._emit(events.StatusChanged, reason=reason, status=Status.DRAFT)

    # ---- guards ----------------------------------------------------------------------------
    def check_editable(self) -> None:
        """Refuse (``InvalidState``) when the lifecycle no longer allows changes."""
        self._editable()

    def _editable(self) -> None:
        if self.status not in EDITABLE:
            raise InvalidState(
                f"评价当前状态为「{STATUS_LABEL[self.status]}」，不能修改", code="evaluation.not_editable"
            )

    def _require(self, status: Status, action: str) -> None:
        if self.status != status:
            raise InvalidState(
                f"只有「{STATUS_LABEL[status]}」的评价可以{action}，当前为「{STATUS_LABEL[self.status]}」",
                code="evaluation.invalid_transition",
            )

    def node(self, key: str) -> IndicatorState:
        """Indicator ``key`` (``NotFound`` when there is none)."""
        return self._node(key)

    def _node(self, key: str) -> IndicatorState:
        node = self.nodes.get(key)
        if node is None:
            raise NotFound(f"指标「{key}」不存在", code="indicator.unknown", row=key)
        return node

    def _leaf(self, key: str) -> IndicatorState:
        node = self._node(key)
        if node.spec.rule is None:
            raise DomainError(
                "只能对末级指标评分或扣分", code="indicator.not_leaf", row=f"指标「{node.spec.name}」"
            )
        return node


def _need_reason(reason: str, row: str) -> None:
    if not reason.strip():
        raise DomainError("必须填写原因", code="reason.missing", row=row)
