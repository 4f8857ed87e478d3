"""Integration payloads of the year's first half: 绩效目标 (declared, reviewed, approved, adjusted)
and 绩效运行监控 (rounds, each project's answers, warnings raised and resolved).

A finance bureau's budget system follows ``targets.reviewed`` (``status`` approved: the 批复) and
``targets.adjustment_decided``; a dashboard follows ``monitoring_report.alert_raised`` and
``alert_resolved`` under the tenant's subject. Money is in yuan, as decimal strings.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import msgspec

from services.relay.contracts.payloads import _Payload


class TargetRow(_Payload, frozen=True, kw_only=True):
    key: str
    name: str
    weight: Decimal = Decimal(0)
    parent: str | None = None
    value: str = ""  # 指标值 as written
    nature: str | None = None  # = | ≥ | ≤ | 定性
    unit: str = ""


class FundsData(_Payload, frozen=True, kw_only=True):
    total: Decimal = Decimal("0.00")
    fiscal_upper: Decimal = Decimal("0.00")
    fiscal_own: Decimal = Decimal("0.00")
    other: Decimal = Decimal("0.00")


class DetailsData(_Payload, frozen=True, kw_only=True):
    kind: str = "continuing"  # new | continuing
    start: datetime.date | None = None
    end: datetime.date | None = None
    responsible: str = ""
    funds: FundsData = FundsData()
    overview: str = ""
    basis: str = ""
    feasibility: str = ""
    necessity: str = ""
    schedule: str = ""
    midterm_goal: str = ""
    annual_goal: str = ""


class TargetsDeclared(_Payload, frozen=True, kw_only=True):
    project_id: UUID
    year: int
    project_name: str
    details: DetailsData


class TargetsDetailsRecorded(_Payload, frozen=True, kw_only=True):
    details: DetailsData


class TargetsIndicatorSet(_Payload, frozen=True, kw_only=True):
    indicator: TargetRow


class TargetsIndicatorRemoved(_Payload, frozen=True, kw_only=True):
    key: str


class TargetsSubmitted(_Payload, frozen=True, kw_only=True):
    status: str  # supervisor_review | finance_review


class ReviewData(_Payload, frozen=True, kw_only=True):
    stage: str  # supervisor | finance
    grade: str  # 优 | 良 | 中 | 差
    opinion: str = ""
    findings: dict[str, str] = msgspec.field(
        default_factory=dict
    )  # 完整性 | 相关性 | 适当性 | 可行性 → finding
    comments: dict[str, str] = msgspec.field(default_factory=dict)  # indicator key → comment


class TargetsReviewed(_Payload, frozen=True, kw_only=True):
    review: ReviewData
    status: str  # finance_review | approved | returned | refused
    approved_on: datetime.date | None = None  # the 批复 (version 1 of the targets)


class AdjustmentData(_Payload, frozen=True, kw_only=True):
    adjustment_id: str
    indicators: list[TargetRow]
    reason: str
    status: str = "pending"
    decision: str = ""


class TargetsAdjustmentRequested(_Payload, frozen=True, kw_only=True):
    adjustment: AdjustmentData


class TargetsAdjustmentDecided(_Payload, frozen=True, kw_only=True):
    adjustment_id: str
    approved: bool
    decided_on: datetime.date


class RoundRulesData(_Payload, frozen=True, kw_only=True):
    margin_pct: Decimal = Decimal(10)
    red_margin_pct: Decimal = Decimal(20)


class RoundOpened(_Payload, frozen=True, kw_only=True):
    year: int
    name: str
    period_end: datetime.date
    deadline: datetime.date
    rules: RoundRulesData


class RoundClosed(_Payload, frozen=True, kw_only=True):
    pass


class ReportStarted(_Payload, frozen=True, kw_only=True):
    round_id: UUID
    round_tenant: str
    project_id: UUID
    project_name: str
    targets_version: int | None = None
    tenant_path: list[str] = msgspec.field(default_factory=list)  # ancestors first, the bureau last


class ExecutionData(_Payload, frozen=True, kw_only=True):
    annual: Decimal
    spent: Decimal
    expected_year_end: Decimal | None = None


class ReportExecutionTaken(_Payload, frozen=True, kw_only=True):
    execution: ExecutionData


class LineData(_Payload, frozen=True, kw_only=True):
    key: str
    reached: str = ""
    expected: str = ""
    cause: str | None = None
    likelihood: str | None = None
    explanation: str = ""
    measures: str = ""


class ReportLineAnswered(_Payload, frozen=True, kw_only=True):
    line: LineData


class ReportSubmitted(_Payload, frozen=True, kw_only=True):
    pass


class AlertData(_Payload, frozen=True, kw_only=True):
    warning_id: str
    rule: str  # schedule_gap | forecast_miss | overdue
    level: str  # red | amber | green
    message: str
    inputs: dict[str, str] = msgspec.field(default_factory=dict)
    raised_on: datetime.date | None = None
    resolution: str | None = None
    resolution_reason: str = ""


class ReportAlertRaised(_Payload, frozen=True, kw_only=True):
    alert: AlertData


class ReportAlertResolved(_Payload, frozen=True, kw_only=True):
    warning_id: str
    resolution: str  # explained | corrected | budget_adjusted | funds_paused


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "targets.declared": (TargetsDeclared, 1),
    "targets.details_recorded": (TargetsDetailsRecorded, 1),
    "targets.indicator_set": (TargetsIndicatorSet, 1),
    "targets.indicator_removed": (TargetsIndicatorRemoved, 1),
    "targets.submitted": (TargetsSubmitted, 1),
    "targets.reviewed": (TargetsReviewed, 1),
    "targets.adjustment_requested": (TargetsAdjustmentRequested, 1),
    "targets.adjustment_decided": (TargetsAdjustmentDecided, 1),
    "monitoring_round.opened": (RoundOpened, 1),
    "monitoring_round.closed": (RoundClosed, 1),
    "monitoring_report.started": (ReportStarted, 1),
    "monitoring_report.execution_taken": (ReportExecutionTaken, 1),
    "monitoring_report.line_answered": (ReportLineAnswered, 1),
    "monitoring_report.submitted": (ReportSubmitted, 1),
    "monitoring_report.alert_raised": (ReportAlertRaised, 1),
    "monitoring_report.alert_resolved": (ReportAlertResolved, 1),
}
