"""Scoring a file: the same aggregate commands the platform runs, on in-memory aggregates.

Every row goes through the domain's own command; a refused row is collected with the
domain's message (naming the row) and the rest carries on, so nothing valid is lost.
The aggregates come back with their pending events: ``jixiao score`` throws them away,
``jixiao import`` saves them (one transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from domain.context import Actor, acting
from domain.errors import DomainError, Flag
from domain.evaluation import Evaluation, EvaluationKind, Evaluator, Status
from domain.grades import DEFAULT_GRADES, LONG_GRADES, GradeBand, GradeScheme
from domain.indicators import IndicatorSpec
from domain.ledger import LedgerStatement, Project, SourceTotals
from domain.money import parse_amount
from domain.rules import ItemCredit, RuleInput
from services.files.format import (
    Amount,
    EvaluationDoc,
    EvaluatorDoc,
    IndicatorDoc,
    ProjectDoc,
    ReportDoc,
    SourceFiguresDoc,
    StatementDoc,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Refusal:
    row: str
    message: str
    code: str


@dataclass
class Scored:
    project: Project
    evaluation: Evaluation
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def flags(self) -> list[Flag]:
        return [*self.project.flags(), *self.evaluation.flags()]

    def pending_events(self) -> int:
        return len(self.project.pending_events) + len(self.evaluation.pending_events)


class Collector:
    def __init__(self) -> None:
        self.refusals: list[Refusal] = []

    def attempt(self, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except DomainError as e:
            self.refusals.append(Refusal(e.row or "", e.message, e.code))
            return None

    def ok(self, fn: Callable[[], object]) -> bool:
        before = len(self.refusals)
        self.attempt(fn)
        return len(self.refusals) == before


def grade_scheme(doc: EvaluationDoc) -> GradeScheme:
    if isinstance(doc.grades, str):
        schemes = {"default": DEFAULT_GRADES, "long": LONG_GRADES}
        if doc.grades not in schemes:
            raise DomainError(
                f"未知的等级方案「{doc.grades}」，可用 default、long 或列出分数线", code="grade.unknown"
            )
        return schemes[doc.grades]
    return GradeScheme(tuple(GradeBand(b.min, b.grade) for b in doc.grades), below=doc.below)


def walk(
    indicators: list[IndicatorDoc], parent: str | None = None
) -> Iterator[tuple[str, str | None, IndicatorDoc]]:
    """Depth first, parents before children; keys default to the outline number (1, 1.2, 1.2.3)."""
    for i, ind in enumerate(indicators, 1):
        key = ind.key or (f"{parent}.{i}" if parent else str(i))
        yield key, parent, ind
        yield from walk(ind.children, key)


def spec_of(key: str, parent: str | None, ind: IndicatorDoc) -> IndicatorSpec:
    return IndicatorSpec(
        key=key,
        name=ind.name,
        weight=ind.weight,
        parent=parent,
        rule=ind.rule,
        standard=ind.standard,
        target=None if ind.target is None else str(ind.target),
        reverse=ind.reverse,
        ledger_source=ind.ledger,
        not_applicable=ind.not_applicable,
        overachievement=ind.overachievement,
        unit=ind.unit,
    )


def inputs_of(ind: IndicatorDoc) -> RuleInput | None:
    fields: dict[str, Any] = {
        "value": ind.value,
        "ratio_pct": ind.ratio_pct,
        "met": tuple(ind.met) if ind.met is not None else (),
        "completed_on": ind.completed_on,
        "category": ind.category,
        "tier": ind.tier,
        "points": ind.points,
        "survey": tuple(ind.survey) if ind.survey is not None else None,
        "partial": tuple(ItemCredit(c.item, c.points) for c in ind.partial),
    }
    given = RuleInput(**fields)
    return None if given == RuleInput() else given


def _amount(a: Amount | None) -> Decimal | None:
    return None if a is None else parse_amount(a)


def _figures(doc: SourceFiguresDoc) -> SourceTotals:
    zero = Decimal("0.00")
    return SourceTotals(
        initial=_amount(doc.initial) or zero,
        annual=_amount(doc.annual) or zero,
        received=_amount(doc.received) or zero,
        spent=_amount(doc.spent) or zero,
    )


def statement_of(doc: StatementDoc) -> LedgerStatement:
    return LedgerStatement(
        initial_total=_amount(doc.initial),
        annual_total=_amount(doc.annual),
        spent_total=_amount(doc.spent),
        by_source={src: _figures(f) for src, f in doc.by_source.items()},
        funds_received_rate=doc.funds_received_rate,
        execution_rate=doc.execution_rate,
        budget_execution_rate=doc.budget_execution_rate,
    )


def register_project(tenant: str, doc: ProjectDoc) -> Project:
    project = Project.register(tenant, doc.code, doc.name, doc.year, doc.department, doc.unit, doc.goal)
    if doc.achieved:
        project.record_summary(doc.achieved)
    return project


def score_report(report: ReportDoc, tenant: str, actor: Actor) -> Scored:
    """Run every row of the file through the domain; refusals are collected, not raised."""
    c = Collector()
    with acting(actor):
        project = register_project(tenant, report.project)
        _record_ledger(c, project, report)
        ev = report.evaluation
        evaluator = ev.evaluator or _own_evaluator(report, tenant)
        # a 单位自评 is the bureau's own, whatever bureau code the file's evaluator line carries
        evaluator_tenant = tenant if ev.kind is EvaluationKind.SELF else evaluator.tenant
        evaluation = Evaluation.start(
            tenant,
            project.id,
            report.project.year,
            ev.kind,
            Evaluator(evaluator.name, evaluator.third_party, evaluator_tenant),
            grade_scheme(ev),
        )
        defined = _define_tree(c, evaluation, report.indicators)
        if project.entries:
            c.attempt(lambda: evaluation.sync_ledger(project.total()))
        for key, _, ind in walk(report.indicators):
            if key in defined:
                _record_row(c, evaluation, key, ind)
        c.attempt(lambda: evaluation.record_stated_total(ev.stated_total, ev.stated_grade))
        _run_lifecycle(c, evaluation, ev.status)
    return Scored(project, evaluation, c.refusals)


def _own_evaluator(report: ReportDoc, tenant: str) -> EvaluatorDoc:
    return EvaluatorDoc(name=report.project.department or report.project.unit or tenant, tenant=tenant)


def _record_ledger(c: Collector, project: Project, report: ReportDoc) -> None:
    for e in report.ledger.entries:

        def record(e: Any = e) -> None:
            project.record_entry(
                e.kind,
                e.source,
                parse_amount(e.amount),
                e.date,
                document=e.document,
                purpose=e.purpose,
                corrects=e.corrects,
                entry_id=e.id,
                reason=e.reason,
            )

        c.attempt(record)
    if report.ledger.statement is not None:
        stated = report.ledger.statement
        statement = c.attempt(lambda: statement_of(stated))
        if statement is not None:
            c.attempt(lambda: project.record_statement(statement))


def _define_tree(c: Collector, evaluation: Evaluation, indicators: list[IndicatorDoc]) -> set[str]:
    defined: set[str] = set()
    for key, parent, ind in walk(indicators):
        if parent is not None and parent not in defined:
            c.refusals.append(
                Refusal(f"指标「{ind.name}」", "上级指标未能录入，本行一并未录入", "indicator.parent_refused")
            )
            continue
        if c.ok(partial(evaluation.define_indicator, spec_of(key, parent, ind))):
            defined.add(key)
    return defined


def _record_row(c: Collector, evaluation: Evaluation, key: str, ind: IndicatorDoc) -> None:
    given = inputs_of(ind)
    actual = None if ind.actual is None else str(ind.actual)
    if ind.rule is not None and (actual is not None or given is not None):
        c.attempt(lambda: evaluation.record_actual(key, actual, given))
    if ind.judged is not None:
        j = ind.judged
        c.attempt(lambda: evaluation.judge_score(key, j.points, j.adjustment, j.reason))
    for n, d in enumerate(ind.deductions, 1):
        did = d.id or f"{key}-D{n}"
        c.attempt(partial(evaluation.apply_deduction, did, key, d.points, d.reason))
    if ind.deviation:
        c.attempt(lambda: evaluation.note_deviation(key, ind.deviation))
    if ind.stated_score is not None:
        stated = ind.stated_score
        c.attempt(lambda: evaluation.record_stated_score(key, stated))


def _run_lifecycle(c: Collector, evaluation: Evaluation, status: Status) -> None:
    if status in (Status.SUBMITTED, Status.FINALIZED):
        c.attempt(evaluation.submit)
    if status == Status.FINALIZED:
        c.attempt(evaluation.finalize)


__all__ = ["Refusal", "Scored", "grade_scheme", "inputs_of", "score_report", "spec_of", "walk"]
