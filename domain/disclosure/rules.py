"""The field rule: what a publication contains, computed from its source — pure.

Published (公开字段):
- the bureau (code, name), the project (code, name, year, 主管部门, 实施单位 — organisations);
- 评价结果: the kind of evaluation, the evaluating organisation, the total, the grade, and the
  level-1 and level-2 indicators with their weights and scores;
- 绩效目标: the approved version and its date, the 年度目标, the year's total funds (元) and every
  indicator row with its 指标值, 指标性质 and 度量单位.

The 年度目标 is the one free text published: it is what publishing targets is for (it is written for
the 部门预算 that is published with it); the declaration's other descriptive sections are not.

Never published: people (项目负责人, evaluators' and reviewers' accounts, anyone's phone), free text
that may name people (review opinions and comments, reasons, deduction notes, 偏差原因, actual
values as written, the declaration's descriptive sections), level-3 scores and deductions, and
anything of a project marked 涉密.

- 自评结果汇总: the bureau's year in figures — projects, those with a finalized self-evaluation,
  the money and its share, per grade the count, money and shares (published on the bureau's
  部门整体 project; the problems and measures stay in the final accounts: they are free text).

Refused: a classified project, an evaluation that is not 已定稿, targets that are not 已批复, a
kind that is not available yet.
"""

from __future__ import annotations

from decimal import Decimal

from domain.department import WHOLE_CODE
from domain.disclosure.values import AVAILABLE, KIND_LABEL, Content, Kind, ScoreRow, SummaryFigures, TargetRow
from domain.errors import DomainError, InvalidState
from domain.evaluation import Evaluation
from domain.evaluation.values import EvaluationKind, Status
from domain.ledger import Project
from domain.targets import TargetDeclaration
from domain.targets.values import Status as TargetStatus
from domain.tenants import Tenant

EVALUATION_KIND_LABEL = {
    EvaluationKind.SELF: "单位自评",
    EvaluationKind.DEPARTMENT: "部门评价",
    EvaluationKind.FINANCE: "财政评价",
}


def check_kind(kind: Kind) -> None:
    if kind not in AVAILABLE:
        raise DomainError(
            f"「{KIND_LABEL[kind]}」尚不能公开：该汇总尚未实现", code="disclosure.kind_unavailable"
        )


def check_publishable(project: Project) -> None:
    if project.classified:
        raise DomainError(f"项目「{project.name}」已标记为涉密，不能公开", code="disclosure.classified")


def _levels(parents: dict[str, str | None]) -> dict[str, int]:
    levels: dict[str, int] = {}
    for key in parents:
        level, parent = 1, parents[key]
        while parent is not None and level <= len(parents):
            level, parent = level + 1, parents.get(parent)
        levels[key] = level
    return levels


def _header(kind: Kind, bureau: Tenant, project: Project) -> dict[str, object]:
    return {
        "kind": kind,
        "bureau": bureau.code,
        "bureau_name": bureau.name,
        "project_code": project.code,
        "project_name": project.name,
        "year": project.year,
        "department": project.department,
        "implementing_unit": project.implementing_unit,
    }


def evaluation_content(bureau: Tenant, project: Project, evaluation: Evaluation) -> Content:
    """An evaluation's result as published: total, grade, level-1/level-2 scores."""
    check_publishable(project)
    if evaluation.project_id != project.id:
        raise DomainError("评价不属于该项目", code="disclosure.source_mismatch")
    if evaluation.status is not Status.FINALIZED:
        raise InvalidState("只有已定稿的评价可以公开", code="disclosure.not_finalized")
    levels = _levels({k: n.spec.parent for k, n in evaluation.nodes.items()})
    rows = tuple(
        ScoreRow(
            key=k,
            name=n.spec.name,
            level=levels[k],
            weight=n.spec.weight,
            score=evaluation.subtotal(k),
            parent=n.spec.parent,
        )
        for k, n in evaluation.nodes.items()
        if levels[k] <= 2 and not n.spec.not_applicable
    )
    total = evaluation.total()
    return Content(
        **_header(Kind.EVALUATION_RESULT, bureau, project),  # type: ignore[arg-type]
        evaluation_kind=EVALUATION_KIND_LABEL[evaluation.kind],
        evaluator=evaluation.evaluator.name,
        total=total,
        grade=evaluation.grade_scheme.grade(total),
        scores=rows,
    )


def targets_content(
    bureau: Tenant, project: Project, declaration: TargetDeclaration, version: int | None = None
) -> Content:
    """Approved targets as published: the version (the latest unless ``version``), its rows."""
    check_publishable(project)
    if declaration.project_id != project.id:
        raise DomainError("绩效目标不属于该项目", code="disclosure.source_mismatch")
    approved = declaration.targets(version)
    if declaration.status is not TargetStatus.APPROVED or approved is None:
        raise InvalidState("只有已批复的绩效目标可以公开", code="disclosure.not_approved")
    levels = _levels({i.key: i.parent for i in approved.indicators})
    rows = tuple(
        TargetRow(
            key=i.key,
            name=i.name,
            level=levels[i.key],
            parent=i.parent,
            value=i.value,
            nature=i.nature.value if i.nature is not None else "",
            unit=i.unit,
        )
        for i in approved.indicators
    )
    funds = declaration.details.funds.total
    return Content(
        **_header(Kind.TARGETS, bureau, project),  # type: ignore[arg-type]
        targets_version=approved.version,
        approved_on=approved.approved_on,
        annual_goal=declaration.details.annual_goal,
        funds_total=funds if funds > Decimal(0) else None,
        targets=rows,
    )


def summary_content(bureau: Tenant, project: Project, figures: SummaryFigures) -> Content:
    """The 自评结果汇总 of the bureau's year as published, on its 部门整体 project."""
    check_publishable(project)
    if project.code != WHOLE_CODE:
        raise DomainError("自评结果汇总在本单位的部门整体项目下公开", code="disclosure.source_mismatch")
    return Content(**_header(Kind.SELF_EVALUATION_SUMMARY, bureau, project), summary=figures)  # type: ignore[arg-type]
