"""The values of 整改 (rectification): findings, the demanding side's terms, the unit's measures.

Layout and deadlines: ``../shared/lifecycle.md`` §4 — the evaluator sends the result with its
整改要求 within 20 days of finalizing, the unit files its 整改措施 within 30 days of receiving them
(a provincial rule [M]; each demand carries its own terms, these are the defaults).
"""

from __future__ import annotations

import datetime
import enum
from typing import Annotated

import msgspec

SEND_DAYS = 20  # 评价定稿后 20 日内下达整改要求
ANSWER_DAYS = 30  # 收到整改要求后 30 日内报送整改措施


class SourceKind(enum.StrEnum):
    EVALUATION = "evaluation"  # 绩效评价（自评、部门评价、财政评价）
    MONITORING = "monitoring"  # 绩效运行监控（一个项目的监控表）


SOURCE_LABEL = {SourceKind.EVALUATION: "绩效评价", SourceKind.MONITORING: "绩效运行监控"}


class Status(enum.StrEnum):
    DRAFT = "draft"  # 拟定中：记录问题，尚未下达
    SENT = "sent"  # 已下达，待整改
    ANSWERED = "answered"  # 已报送整改情况，待验收
    CLOSED = "closed"  # 已验收，整改完成


STATUS_LABEL = {
    Status.DRAFT: "拟定中",
    Status.SENT: "待整改",
    Status.ANSWERED: "待验收",
    Status.CLOSED: "整改完成",
}


class Finding(msgspec.Struct, frozen=True, omit_defaults=True):
    """A problem (问题) found, tied to the indicators and ledger entries it concerns."""

    finding_id: str  # F1, F2 … chosen by the aggregate
    text: str  # 问题描述
    indicators: tuple[str, ...] = ()  # 指标编号 of the evaluation or the 监控表
    entries: tuple[str, ...] = ()  # 台账条目编号
    suggestion: str = ""  # 整改建议


class Measure(msgspec.Struct, frozen=True, omit_defaults=True):
    """The unit's answer to one finding: what it did (整改措施) and what came of it (整改结果)."""

    finding_id: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    measures: Annotated[str, msgspec.Meta(max_length=4000)]
    result: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    done: bool = False  # 是否已整改到位


class Answer(msgspec.Struct, frozen=True):
    """One filing of the unit's 整改情况: the measures per finding, a summary, the date."""

    measures: tuple[Measure, ...]
    summary: str
    filed_on: datetime.date


class Review(msgspec.Struct, frozen=True, omit_defaults=True):
    """The demanding side's verdict on a filing: accepted, or not (with the new deadline)."""

    accepted: bool
    on: datetime.date
    reason: str = ""
    answer_by: datetime.date | None = None


class Overdue(msgspec.Struct, frozen=True):
    """An overdue warning: ``send`` (the demand not sent 20 days after the source closed) or
    ``answer`` (the unit's 整改情况 not filed by its deadline)."""

    which: str
    due: datetime.date
    on: datetime.date
    days_late: int


WARNING_LABEL = {"send": "整改要求逾期未下达", "answer": "整改情况逾期未报送"}
