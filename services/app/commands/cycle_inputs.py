"""The inputs of the commands of the year's first half: 绩效目标 (declare, review, adjust) and
绩效运行监控 (rounds, answers, warnings). msgspec Structs, taken by the HTTP API as they are."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from msgspec import Meta, Struct

from domain.monitoring import Cause, Likelihood, Resolution
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
