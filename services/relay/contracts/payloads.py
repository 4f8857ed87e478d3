"""Integration payloads of tenants, projects, templates and evaluations (see ``__init__``)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec

RuleData = Annotated[
    dict[str, Any],
    msgspec.Meta(description="评分规则，按记录时的原样：kind（规则种类）、version（规则版本）及其参数"),
]
RuleInputs = Annotated[
    dict[str, Any], msgspec.Meta(description="评分所用的输入（实际值、比率、目标值等），按记录时的原样")
]


class _Payload(msgspec.Struct, frozen=True, kw_only=True):
    pass


# ---- payloads: tenants ------------------------------------------------------------
class TenantRegistered(_Payload, frozen=True, kw_only=True):
    code: str
    name: str
    level: str  # province | municipal | county | district
    parent: str | None = None


class TenantRenamed(_Payload, frozen=True, kw_only=True):
    name: str


# ---- payloads: projects and their ledger ----------------------------------------------------
class SourceFigures(_Payload, frozen=True, kw_only=True):
    """年初预算数、全年预算数、实际到位资金、实际支出（元）."""

    initial: Decimal
    annual: Decimal
    received: Decimal
    spent: Decimal


class ProjectRegistered(_Payload, frozen=True, kw_only=True):
    code: str
    name: str
    year: int
    department: str
    implementing_unit: str
    goal: str


class SummaryRecorded(_Payload, frozen=True, kw_only=True):
    achieved: str


class LedgerEntryData(_Payload, frozen=True, kw_only=True):
    entry_id: str
    kind: str  # initial_budget | adjustment | received | expenditure | correction
    source: str  # 当年财政拨款 | 上年结转资金 | 其他资金
    amount: Decimal
    on: datetime.date
    document: str = ""
    purpose: str = ""
    corrects: str | None = None


class EntryRecorded(_Payload, frozen=True, kw_only=True):
    entry: LedgerEntryData


class StatementData(_Payload, frozen=True, kw_only=True):
    initial_total: Decimal | None = None
    annual_total: Decimal | None = None
    spent_total: Decimal | None = None
    by_source: dict[str, SourceFigures] = {}
    funds_received_rate: Decimal | None = None  # v2: rates as the form prints them (per cent)
    execution_rate: Decimal | None = None  # v2
    budget_execution_rate: Decimal | None = None  # v2


class StatementRecorded(_Payload, frozen=True, kw_only=True):
    statement: StatementData


# ---- payloads: templates and evaluations ----------------------------------------------------
class IndicatorData(_Payload, frozen=True, kw_only=True):
    key: str
    name: str
    weight: Decimal
    parent: str | None = None
    rule: RuleData | None = None
    standard: str = ""
    target: str | None = None
    reverse: bool = False
    ledger_source: str | None = None
    not_applicable: bool = False
    unit: str = ""  # v2 of the messages carrying indicators: 计量单位


class BasisData(_Payload, frozen=True, kw_only=True):
    template_id: UUID
    revision: int


class TemplatePublished(_Payload, frozen=True, kw_only=True):
    name: str
    description: str
    specs: list[IndicatorData]  # the whole tree, inherited indicators included
    year: int | None = None  # v2: the budget year it is for (None: any)
    based_on: BasisData | None = None  # v2: the parent bureau's template it was made from


class TemplateRevised(_Payload, frozen=True, kw_only=True):
    specs: list[IndicatorData]


class EvaluatorData(_Payload, frozen=True, kw_only=True):
    name: str
    third_party: bool = False
    tenant: str | None = None


class GradeBandData(_Payload, frozen=True, kw_only=True):
    min_total: Decimal
    grade: str


class GradeSchemeData(_Payload, frozen=True, kw_only=True):
    bands: list[GradeBandData]
    below: str


class EvaluationStarted(_Payload, frozen=True, kw_only=True):
    project_id: UUID
    year: int
    kind: str  # self | department | finance
    evaluator: EvaluatorData
    grade_scheme: GradeSchemeData


class IndicatorDefined(_Payload, frozen=True, kw_only=True):
    spec: IndicatorData


class ActualRecorded(_Payload, frozen=True, kw_only=True):
    key: str
    actual: str | None
    given: RuleInputs
    rule: RuleData | None = None
    weight: Decimal | None = None
    score: Decimal | None = None
    explanation: str = ""
    steps: list[str] = []  # v2: the arithmetic, step by step (为什么是这个分)


class IndicatorScored(_Payload, frozen=True, kw_only=True):
    key: str
    rule: RuleData | None
    weight: Decimal
    given: RuleInputs
    score: Decimal
    explanation: str
    steps: list[str] = []  # v2: the arithmetic, step by step (为什么是这个分)


class ScoreJudged(_Payload, frozen=True, kw_only=True):
    """酌情给分: the score set, or the adjustment of the rule's result; neither: withdrawn. The
    reason is the envelope's ``reason``."""

    key: str
    points: Decimal | None = None
    adjustment: Decimal | None = None


class LedgerFiguresSynced(_Payload, frozen=True, kw_only=True):
    figures: SourceFigures


class DeductionApplied(_Payload, frozen=True, kw_only=True):
    deduction_id: str
    key: str
    points: Decimal


class DeductionRevised(_Payload, frozen=True, kw_only=True):
    deduction_id: str
    points: Decimal
    previous_points: Decimal


class DeductionWithdrawn(_Payload, frozen=True, kw_only=True):
    deduction_id: str


class DeviationNoted(_Payload, frozen=True, kw_only=True):
    key: str
    note: str


class StatedScoreRecorded(_Payload, frozen=True, kw_only=True):
    key: str
    score: Decimal


class StatedTotalRecorded(_Payload, frozen=True, kw_only=True):
    total: Decimal | None
    grade: str | None


class TemplateAdopted(_Payload, frozen=True, kw_only=True):
    template_id: UUID
    name: str
    revision: int


class StatusChanged(_Payload, frozen=True, kw_only=True):
    status: str  # draft | submitted | returned | finalized
    total: Decimal | None = None
    grade: str | None = None


class IntegrityCheckpoint(_Payload, frozen=True, kw_only=True):
    """A tenant's hash-chain head, signed: keep it outside jixiao's reach to detect rewrites.

    ``signature`` is Ed25519 (base64) over the UTF-8 text ``jixiao-checkpoint:v1:{tenant}:
    {position}:{count}:{chain_hash}``; ``public_key`` is the raw key, base64."""

    count: int
    chain_hash: str  # hex SHA-256
    signature: str
    public_key: str


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "tenant.registered": (TenantRegistered, 1),
    "tenant.renamed": (TenantRenamed, 1),
    "project.registered": (ProjectRegistered, 1),
    "project.summary_recorded": (SummaryRecorded, 1),
    "project.entry_recorded": (EntryRecorded, 1),
    "project.statement_recorded": (StatementRecorded, 2),
    "template.published": (TemplatePublished, 2),
    "template.revised": (TemplateRevised, 2),
    "evaluation.started": (EvaluationStarted, 1),
    "evaluation.indicator_defined": (IndicatorDefined, 2),
    "evaluation.actual_recorded": (ActualRecorded, 2),
    "evaluation.indicator_scored": (IndicatorScored, 2),
    "evaluation.ledger_figures_synced": (LedgerFiguresSynced, 1),
    "evaluation.deduction_applied": (DeductionApplied, 1),
    "evaluation.deduction_revised": (DeductionRevised, 1),
    "evaluation.deduction_withdrawn": (DeductionWithdrawn, 1),
    "evaluation.deviation_noted": (DeviationNoted, 1),
    "evaluation.stated_score_recorded": (StatedScoreRecorded, 1),
    "evaluation.stated_total_recorded": (StatedTotalRecorded, 1),
    "evaluation.status_changed": (StatusChanged, 1),
    "evaluation.template_adopted": (TemplateAdopted, 1),
    "evaluation.score_judged": (ScoreJudged, 1),
}
