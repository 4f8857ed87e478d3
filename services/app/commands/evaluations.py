"""Commands on evaluations (评价): the indicator tree, inputs, deductions, the lifecycle, and the
import of a filled 评分表.

Most decide on the evaluation alone and never leave a server's event loop. Three need another
aggregate first, loaded by their prepare step: ``SYNC_LEDGER`` and ``SUBMIT`` (the project's
ledger totals), ``ADOPT_TEMPLATE`` (the template, checked usable by the evaluation's bureau), and
``IMPORT_SHEET`` (the ledger totals).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import NotFound
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.grades import DEFAULT_GRADES, LONG_GRADES
from domain.ids import declaration_id, template_id, tenant_id
from domain.indicators import IndicatorSpec
from domain.ledger import Project, SourceTotals
from domain.targets import TargetDeclaration, TargetVersion
from domain.targets.specs import specs_of
from domain.templates import IndicatorTemplate, usable_by
from domain.tenants import Tenant
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
    StartEvaluation,
    WithReason,
)
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Caller, Relation, Target
from services.files.sheets import Outcome, Sheet, apply_sheet

GRADES = {"default": DEFAULT_GRADES, "long": LONG_GRADES}


# ---- starting -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Starting:
    project: Project
    targets: TargetVersion | None  # the approved (latest adjusted) targets of the year, if any


def _project(load: Loader, body: tuple[object, StartEvaluation]) -> Starting:
    project = load(Project, body[0])  # type: ignore[arg-type]
    try:
        declaration = load(TargetDeclaration, declaration_id(project.tenant, project.id))
    except NotFound:
        return Starting(project, None)
    return Starting(project, declaration.targets())


def _start_target(caller: Caller, body: tuple[object, StartEvaluation], s: Starting) -> Target:
    return Target(s.project.tenant, self_evaluation=body[1].kind is EvaluationKind.SELF)


def _start(
    caller: Caller, relation: Relation, body: tuple[object, StartEvaluation], s: Starting
) -> Evaluation:
    """Own project: the bureau evaluates itself (or names the third party it commissioned);
    a descendant's project: the caller's bureau is the evaluator (部门评价 / 财政评价). With
    approved targets, the evaluation starts from them (their latest version)."""
    data, p = body[1], s.project
    if relation is Relation.OWN and data.third_party:
        evaluator = Evaluator(data.evaluator_name, third_party=True, tenant=None)
    else:
        evaluator = Evaluator(data.evaluator_name, third_party=data.third_party, tenant=caller.tenant)
    e = Evaluation.start(p.tenant, p.id, p.year, data.kind, evaluator, GRADES[data.grades])
    if s.targets is not None:
        reason = f"取自批复的绩效目标（第 {s.targets.version} 版）"
        for spec in specs_of(s.targets, p.year):
            e.define_indicator(spec, reason=reason)
    return e


START_EVALUATION: Create[Evaluation, tuple[object, StartEvaluation], Starting] = Create(
    action=lambda body: "evaluation.start", prepare=_project, target=_start_target, make=_start
)


# ---- what needs another aggregate first ----------------------------------------------------
def _ledger_totals(load: Loader, e: Evaluation, body: object) -> SourceTotals:
    return load(Project, e.project_id).total()


def _sync_and_submit(e: Evaluation, body: None, figures: SourceTotals) -> None:
    e.sync_ledger(figures)  # a submitted evaluation carries the ledger as it stood
    e.submit()


SYNC_LEDGER: Change[Evaluation, None, SourceTotals, None] = Change(
    "evaluation.sync_ledger", Evaluation, lambda e, _, figures: e.sync_ledger(figures), _ledger_totals
)
SUBMIT: Change[Evaluation, None, SourceTotals, None] = Change(
    "evaluation.submit", Evaluation, _sync_and_submit, _ledger_totals
)


@dataclass(frozen=True)
class Adoption:
    template: IndicatorTemplate
    revision: int
    specs: tuple[IndicatorSpec, ...]


def usable_template(load: Loader, tenant: str, owner: str, name: str, revision: int | None) -> Adoption:
    """A template ``tenant`` may use (its own, an ancestor's, the platform's), at a revision."""
    tpl = load(IndicatorTemplate, template_id(owner, name))
    lineage: list[str] = []
    current: str | None = tenant
    while current is not None and current not in lineage:
        lineage.append(current)
        current = load(Tenant, tenant_id(current)).parent
    if not usable_by(tpl.tenant, lineage):
        raise NotFound("模板不存在", code="indicatortemplate.not_found")
    chosen = revision or tpl.revision
    return Adoption(tpl, chosen, tpl.specs_at(chosen))


def _template(load: Loader, e: Evaluation, body: AdoptTemplate) -> Adoption:
    return usable_template(load, e.tenant, body.template_tenant, body.template_name, body.revision)


def _adopt(e: Evaluation, body: AdoptTemplate, a: Adoption) -> None:
    e.adopt_template(a.template.id, a.template.name, a.revision, a.specs)


ADOPT_TEMPLATE: Change[Evaluation, AdoptTemplate, Adoption, None] = Change(
    "evaluation.adopt_template", Evaluation, _adopt, _template
)


def _pinned(load: Loader, e: Evaluation, body: MoveTemplate) -> Adoption:
    if e.template is None:
        raise NotFound("本评价没有采用模板", code="template.none")
    tpl = load(IndicatorTemplate, e.template[0])
    return usable_template(load, e.tenant, tpl.tenant, tpl.name, body.revision)


MOVE_TEMPLATE: Change[Evaluation, MoveTemplate, Adoption, None] = Change(
    "evaluation.move_template",
    Evaluation,
    lambda e, body, a: e.move_template(a.revision, a.specs, body.reason),
    _pinned,
)


@dataclass(frozen=True)
class ImportSheet:
    """A filled 评分表 as read from its file, where it came from, and whether the caller may
    deduct (the evaluator role: ``apply_sheet`` refuses a deduction row otherwise)."""

    sheet: Sheet
    source: str
    may_deduct: bool


def _import(e: Evaluation, body: ImportSheet, figures: SourceTotals) -> Outcome:
    e.check_editable()  # a finalized evaluation refuses the whole file, not every row
    return apply_sheet(e, body.sheet, figures, may_deduct=body.may_deduct, source=body.source)


IMPORT_SHEET: Change[Evaluation, ImportSheet, SourceTotals, Outcome] = Change(
    "evaluation.import_sheet", Evaluation, _import, _ledger_totals
)


# ---- on the evaluation alone -----------------------------------------------------------------
DEFINE_INDICATOR: Change[Evaluation, IndicatorSpec, None, None] = Change(
    "evaluation.define_indicator", Evaluation, lambda e, spec, _: e.define_indicator(spec)
)
RECORD_ACTUAL: Change[Evaluation, tuple[str, RecordActual], None, None] = Change(
    "evaluation.record_actual",
    Evaluation,
    lambda e, body, _: e.record_actual(body[0], body[1].actual, body[1].given),
)
NOTE_DEVIATION: Change[Evaluation, tuple[str, NoteDeviation], None, None] = Change(
    "evaluation.note_deviation", Evaluation, lambda e, body, _: e.note_deviation(body[0], body[1].note)
)
RECORD_STATED_SCORE: Change[Evaluation, tuple[str, RecordStatedScore], None, None] = Change(
    "evaluation.record_stated_score",
    Evaluation,
    lambda e, body, _: e.record_stated_score(body[0], body[1].score),
)
RECORD_STATED_TOTAL: Change[Evaluation, RecordStatedTotal, None, None] = Change(
    "evaluation.record_stated_total",
    Evaluation,
    lambda e, body, _: e.record_stated_total(body.total, body.grade),
)
_ID_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def next_deduction_id(e: Evaluation, key: str) -> str:
    """The next free ``<indicator key>-D<n>``: n counts on from the indicator's deductions and
    skips ids taken (withdrawn deductions keep theirs, so an id is never given twice). A key that cannot start an id (letters, digits and
    ``._-`` only, 64 characters in all) numbers the evaluation's ``D<n>`` instead."""
    prefix = f"{key}-D" if _ID_PART.match(key) and len(key) <= 56 else "D"
    n = 1 + sum(1 for d in e.deductions.values() if d.key == key)
    while f"{prefix}{n}" in e.deductions:
        n += 1
    return f"{prefix}{n}"


def _apply_deduction(e: Evaluation, d: ApplyDeduction, _: None) -> str:
    """Decided on the evaluation as loaded (again after a collision), so a chosen id is free."""
    deduction_id = d.deduction_id if d.deduction_id is not None else next_deduction_id(e, d.indicator)
    e.apply_deduction(deduction_id, d.indicator, d.points, d.reason)
    return deduction_id


APPLY_DEDUCTION: Change[Evaluation, ApplyDeduction, None, str] = Change(
    "evaluation.apply_deduction", Evaluation, _apply_deduction
)
JUDGE_SCORE: Change[Evaluation, tuple[str, JudgeScore], None, None] = Change(
    "evaluation.judge_score",
    Evaluation,
    lambda e, body, _: e.judge_score(body[0], body[1].points, body[1].adjustment, body[1].reason),
)
REVISE_DEDUCTION: Change[Evaluation, tuple[str, ReviseDeduction], None, None] = Change(
    "evaluation.revise_deduction",
    Evaluation,
    lambda e, body, _: e.revise_deduction(body[0], body[1].points, body[1].reason),
)
WITHDRAW_DEDUCTION: Change[Evaluation, tuple[str, WithReason], None, None] = Change(
    "evaluation.withdraw_deduction",
    Evaluation,
    lambda e, body, _: e.withdraw_deduction(body[0], body[1].reason),
)
RETURN_FOR_REVISION: Change[Evaluation, WithReason, None, None] = Change(
    "evaluation.return", Evaluation, lambda e, body, _: e.return_for_revision(body.reason)
)
FINALIZE: Change[Evaluation, None, None, None] = Change(
    "evaluation.finalize", Evaluation, lambda e, _, __: e.finalize()
)
REOPEN: Change[Evaluation, WithReason, None, None] = Change(
    "evaluation.reopen", Evaluation, lambda e, body, _: e.reopen(body.reason)
)
