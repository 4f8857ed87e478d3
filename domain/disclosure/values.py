"""The values of a publication: what kind it is, the frozen content that was published and the
state of one published item.

The content holds only what the field rule (``rules.py``) lets through: names and figures of the
project, its bureau and its result or targets — never a person's name, a phone number or free text
that may name people (opinions, reasons, deduction notes, deviation explanations, actual values).
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from uuid import UUID

import msgspec


class Kind(enum.StrEnum):
    """What is published. ``SELF_EVALUATION_SUMMARY`` is the 部门决算's 自评结果汇总 of a bureau's
    year (issue 19 §4), published on the bureau's 部门整体 project."""

    EVALUATION_RESULT = "evaluation_result"  # 评价结果
    TARGETS = "targets"  # 绩效目标
    SELF_EVALUATION_SUMMARY = "self_evaluation_summary"  # 自评结果汇总


KIND_LABEL = {
    Kind.EVALUATION_RESULT: "评价结果",
    Kind.TARGETS: "绩效目标",
    Kind.SELF_EVALUATION_SUMMARY: "自评结果汇总",
}

AVAILABLE = frozenset({Kind.EVALUATION_RESULT, Kind.TARGETS, Kind.SELF_EVALUATION_SUMMARY})


class ScoreRow(msgspec.Struct, frozen=True, omit_defaults=True):
    """A level-1 or level-2 indicator of a finalized evaluation: its weight and score."""

    key: str
    name: str
    level: int
    weight: Decimal
    score: Decimal
    parent: str | None = None


class TargetRow(msgspec.Struct, frozen=True, omit_defaults=True):
    """A row of the approved targets: 一级/二级/三级, the 指标值 as approved."""

    key: str
    name: str
    level: int
    parent: str | None = None
    value: str = ""
    nature: str = ""
    unit: str = ""


class GradeShare(msgspec.Struct, frozen=True):
    """One grade of the 自评结果汇总: projects and money, and their shares (%)."""

    grade: str
    count: int
    count_share: Decimal
    money: Decimal
    money_share: Decimal


class SummaryFigures(msgspec.Struct, frozen=True):
    """The 自评结果汇总 as published: figures only (the problems and measures are not: free text)."""

    projects: int
    evaluated: int  # with a finalized 单位自评
    money: Decimal  # the projects' budgets (元)
    money_evaluated: Decimal
    money_share: Decimal  # %
    grades: tuple[GradeShare, ...] = ()


class Content(msgspec.Struct, frozen=True, omit_defaults=True):
    """The published, frozen content (one kind's sections are filled, the other's stay empty)."""

    kind: Kind
    bureau: str  # the bureau's code
    bureau_name: str
    project_code: str
    project_name: str
    year: int
    department: str = ""  # 主管部门 (an organisation)
    implementing_unit: str = ""  # 实施单位 (an organisation)
    # 评价结果
    evaluation_kind: str = ""  # 单位自评 / 部门评价 / 财政评价
    evaluator: str = ""  # the evaluating organisation
    total: Decimal | None = None
    grade: str = ""
    scores: tuple[ScoreRow, ...] = ()
    # 绩效目标
    targets_version: int | None = None
    approved_on: datetime.date | None = None
    annual_goal: str = ""
    funds_total: Decimal | None = None  # 年度资金总额（元）
    targets: tuple[TargetRow, ...] = ()
    # 自评结果汇总
    summary: SummaryFigures | None = None


class Publication(msgspec.Struct, frozen=True, omit_defaults=True):
    """One published item of a project as it stands: live until withdrawn (撤回)."""

    key: str  # "<kind>:<source id>"
    kind: Kind
    source_id: UUID
    source_version: int
    content: Content
    published_at: datetime.datetime
    withdrawn: bool = False
    withdrawn_reason: str = ""


def item_key(kind: Kind, source_id: UUID) -> str:
    return f"{kind.value}:{source_id}"
