"""The inputs of the commands of the cycle around the evaluation: 绩效目标 (declare, review,
adjust), 绩效运行监控 (rounds, answers, warnings) and 整改 (findings, demands, answers, verdicts). msgspec Structs, taken by the HTTP API as they are."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.monitoring import Cause, Likelihood, Resolution
from domain.rectification import ANSWER_DAYS, SEND_DAYS, Measure, SourceKind
from domain.targets import Details, Dimension, Grade, Stage, TargetIndicator
from services.app.commands.inputs import AdoptTemplate, Name, Reason, Text, Year

Key = Annotated[str, Meta(min_length=1, max_length=64, description="指标编号，如 1.2.3")]


class DeclareTargets(Struct, forbid_unknown_fields=True):
    """Start the project's 申报表, optionally from a template (its indicators and 指标值)."""

    details: Details = Details()
    template: AdoptTemplate | None = None


class SetTargetIndicator(Struct, forbid_unknown_fields=True):
    indicator: TargetIndicator
    reason: Text = ""


class ReviewTargets(Struct, forbid_unknown_fields=True):
    stage: Stage
    grade: Grade
    opinion: Text = ""
    findings: dict[Dimension, Text] = {}
    comments: Annotated[dict[Key, Text], Meta(max_length=500)] = {}


class RequestAdjustment(Struct, forbid_unknown_fields=True):
    adjustment_id: Annotated[str, Meta(min_length=1, max_length=64)]
    indicators: Annotated[list[TargetIndicator], Meta(min_length=1, max_length=500)]
    reason: Reason


class DecideAdjustment(Struct, forbid_unknown_fields=True):
    approve: bool
    reason: Reason


class OpenRound(Struct, forbid_unknown_fields=True):
    year: Year
    name: Name  # 如 “1–7月”
    period_end: datetime.date
    deadline: datetime.date
    margin_pct: Annotated[Decimal, Meta(description="落后序时进度超过此百分点为黄色预警")] = Decimal(10)
    red_margin_pct: Annotated[Decimal, Meta(description="超过此百分点为红色预警")] = Decimal(20)


class CloseRound(Struct, forbid_unknown_fields=True):
    reason: Text = ""


class AnswerExecution(Struct, forbid_unknown_fields=True):
    expected_year_end: Annotated[Decimal, Meta(description="全年预计执行数（元）")] | None = None


class AnswerLine(Struct, forbid_unknown_fields=True):
    reached: Text = ""
    expected: Text = ""
    cause: Cause | None = None
    likelihood: Likelihood | None = None
    explanation: Text = ""
    measures: Text = ""


class ResolveAlert(Struct, forbid_unknown_fields=True):
    resolution: Resolution
    reason: Reason


# ---- 整改 ---------------------------------------------------------------------------------------
Days = Annotated[int, Meta(ge=1, le=365)]
EntryId = Annotated[str, Meta(min_length=1, max_length=64, description="台账条目编号，如 L0003")]


class OpenRectification(Struct, forbid_unknown_fields=True):
    """Start the 整改 of a finalized evaluation or of a project's 监控表 (one per source)."""

    source_kind: SourceKind
    source_id: UUID
    send_days: Annotated[Days, Meta(description="定稿后多少天内下达整改要求")] = SEND_DAYS


class RecordFinding(Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(min_length=1, max_length=4000, description="问题描述")]
    indicators: Annotated[list[Key], Meta(max_length=100)] = []
    entries: Annotated[list[EntryId], Meta(max_length=100)] = []
    suggestion: Annotated[str, Meta(max_length=4000, description="整改建议")] = ""


class WithdrawFinding(Struct, forbid_unknown_fields=True):
    reason: Reason


class SendDemand(Struct, forbid_unknown_fields=True):
    requirement: Annotated[str, Meta(min_length=1, max_length=8000, description="整改要求")]
    answer_days: Annotated[Days, Meta(description="收到后多少天内报送整改情况")] = ANSWER_DAYS
    sent_on: Annotated[datetime.date | None, Meta(description="下达日期（默认今天；不得晚于今天）")] = None


class FileMeasures(Struct, forbid_unknown_fields=True):
    measures: Annotated[list[Measure], Meta(min_length=1, max_length=200)]
    summary: Annotated[str, Meta(max_length=8000, description="整改情况总体说明")] = ""


class ReviewRectification(Struct, forbid_unknown_fields=True):
    accepted: bool
    reason: Text = ""
    answer_days: Annotated[Days, Meta(description="不予验收时，重新整改的期限（天）")] = ANSWER_DAYS
