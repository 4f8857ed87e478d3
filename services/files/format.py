"""The evaluation file: one project's evaluation as a bureau fills it in (docs/file-format.md).

YAML (or JSON) decoded into these Structs. Numbers are read as Decimal, never float.
Amounts may be written as reports write them (``666万元``) or as yuan numbers.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import msgspec

from domain.evaluation import EvaluationKind, Status
from domain.indicators import LedgerSource
from domain.ledger import EntryKind, FundingSource
from domain.rules import Overachievement, Rule
from domain.tenants import TenantLevel

FORMAT = "jixiao/evaluation@1"

Amount = str  # numbers in the file are read as text first (see loader.TEXT_FIELDS)


class _Doc(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True):
    pass


class TenantDoc(_Doc):
    code: str
    name: str
    level: TenantLevel = TenantLevel.COUNTY
    parent: str | None = None


class ProjectDoc(_Doc):
    code: str
    name: str
    year: int
    department: str = ""  # 主管部门
    unit: str = ""  # 实施单位
    goal: str = ""  # 年度总体目标
    achieved: str = ""  # 实际完成情况


class EntryDoc(_Doc):
    kind: EntryKind
    amount: Amount
    date: datetime.date  # not `on`: YAML 1.1 reads a bare `on` key as true
    source: FundingSource = FundingSource.CURRENT
    id: str | None = None
    document: str = ""
    purpose: str = ""
    corrects: str | None = None
    reason: str = ""


class SourceFiguresDoc(_Doc):
    initial: Amount | None = None
    annual: Amount | None = None
    received: Amount | None = None
    spent: Amount | None = None


class StatementDoc(_Doc):
    """Figures the form states (年初预算数 / 全年预算数 / 全年执行数), cross-checked against the entries."""

    initial: Amount | None = None
    annual: Amount | None = None
    spent: Amount | None = None
    by_source: dict[FundingSource, SourceFiguresDoc] = {}
    # rates as the form prints them, in per cent (87.41), cross-checked against the entries
    funds_received_rate: Decimal | None = None  # 资金到位率
    execution_rate: Decimal | None = None  # 预算执行率
    budget_execution_rate: Decimal | None = None  # 执行率 (B/A)


class LedgerDoc(_Doc):
    entries: list[EntryDoc] = []
    statement: StatementDoc | None = None


class EvaluatorDoc(_Doc):
    name: str
    third_party: bool = False
    tenant: str | None = None


class GradeBandDoc(_Doc):
    min: Decimal
    grade: str


class DeductionDoc(_Doc):
    points: Decimal
    reason: str
    id: str | None = None


class CreditDoc(_Doc):
    """A checklist item met in part: its number (1-based) and the points given."""

    item: int
    points: Decimal


class JudgedDoc(_Doc):
    """酌情: the score set (a judgement rule) or an adjustment within the rule's discretion."""

    reason: str
    points: Decimal | None = None
    adjustment: Decimal | None = None


class IndicatorDoc(_Doc):
    name: str
    weight: Decimal
    key: str | None = None
    children: list[IndicatorDoc] = []
    standard: str = ""  # 评分标准 as written
    rule: Rule | None = None
    target: str | None = None  # 年度指标值
    unit: str = ""  # 计量单位: the unit of a target or actual written as a bare number
    actual: str | None = None  # 实际完成值
    reverse: bool = False
    ledger: LedgerSource | None = None
    not_applicable: bool = False
    overachievement: Overachievement | None = None
    # the evaluator's inputs where the actual value alone does not score the rule
    value: Decimal | None = None
    ratio_pct: Decimal | None = None
    met: list[int] | None = None
    completed_on: datetime.date | None = None
    category: str | None = None
    tier: int | None = None
    points: Decimal | None = None
    survey: list[int] | None = None
    partial: list[CreditDoc] = []  # checklist items met in part
    judged: JudgedDoc | None = None  # the evaluator's discretionary decision, with its reason
    # what the form states, kept and cross-checked
    stated_score: Decimal | None = None
    deductions: list[DeductionDoc] = []
    deviation: str = ""  # 偏差原因分析及改进措施


class EvaluationDoc(_Doc):
    kind: EvaluationKind = EvaluationKind.SELF
    evaluator: EvaluatorDoc | None = None
    grades: str | list[GradeBandDoc] = "default"  # default (优/良/中/差), long (优秀/良好/中/差) or bands
    below: str = "差"
    stated_total: Decimal | None = None
    stated_grade: str | None = None
    status: Status = Status.DRAFT  # submitted or finalized runs the lifecycle after scoring


class ReportDoc(_Doc):
    project: ProjectDoc
    format: str = FORMAT
    source: str = ""  # where the figures come from (report, page)
    tenant: TenantDoc | None = None
    ledger: LedgerDoc = msgspec.field(default_factory=LedgerDoc)
    evaluation: EvaluationDoc = msgspec.field(default_factory=EvaluationDoc)
    indicators: list[IndicatorDoc] = []
