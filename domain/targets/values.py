"""The values of a 绩效目标申报表 (performance-target declaration): the project's header and
description, its funds by source, its goals, its indicators with 指标值, and the reviews.

Layout and rules: ``../shared/lifecycle.md`` §2 (财预〔2015〕88号 for the review outcome grades).
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import msgspec


class ProjectKind(enum.StrEnum):
    NEW = "new"  # 新增项目
    CONTINUING = "continuing"  # 延续项目


class Nature(enum.StrEnum):
    """指标性质: how the 指标值 is compared (Sichuan's forms add it; the others imply it)."""

    EQ = "="
    GE = "≥"
    LE = "≤"
    QUALITATIVE = "定性"


class TargetIndicator(msgspec.Struct, frozen=True, omit_defaults=True):
    """One row of the indicator table: 一级/二级/三级 by ``parent``; leaves carry the 指标值."""

    key: str
    name: str
    weight: Decimal = Decimal(0)
    parent: str | None = None
    value: str = ""  # 指标值 as written (≥95%, 300人, 2024年12月底前, 良好)
    nature: Nature | None = None
    unit: str = ""  # 度量单位


class Funds(msgspec.Struct, frozen=True, omit_defaults=True):
    """项目资金 (元): the year's total and its sources."""

    total: Decimal = Decimal("0.00")
    fiscal_upper: Decimal = Decimal("0.00")  # 财政拨款：上级
    fiscal_own: Decimal = Decimal("0.00")  # 财政拨款：本级
    other: Decimal = Decimal("0.00")  # 其他资金


class Details(msgspec.Struct, frozen=True, omit_defaults=True):
    """The header, description and goals of the 申报表."""

    kind: ProjectKind = ProjectKind.CONTINUING
    start: datetime.date | None = None  # 起止时间
    end: datetime.date | None = None
    responsible: str = ""  # 项目负责人
    funds: Funds = Funds()
    overview: str = ""  # 项目概况
    basis: str = ""  # 立项依据
    feasibility: str = ""  # 可行性
    necessity: str = ""  # 必要性
    schedule: str = ""  # 实施进度计划
    midterm_goal: str = ""  # 中期目标
    annual_goal: str = ""  # 年度目标


class Status(enum.StrEnum):
    DRAFT = "draft"  # 草稿
    SUPERVISOR_REVIEW = "supervisor_review"  # 主管部门审核中
    FINANCE_REVIEW = "finance_review"  # 财政部门审核中
    RETURNED = "returned"  # 退回修改
    APPROVED = "approved"  # 已批复
    REFUSED = "refused"  # 未通过（差：不得进入预算安排）


STATUS_LABEL = {
    Status.DRAFT: "草稿",
    Status.SUPERVISOR_REVIEW: "主管部门审核中",
    Status.FINANCE_REVIEW: "财政部门审核中",
    Status.RETURNED: "退回修改",
    Status.APPROVED: "已批复",
    Status.REFUSED: "未通过",
}
EDITABLE = (Status.DRAFT, Status.RETURNED)


class Stage(enum.StrEnum):
    SUPERVISOR = "supervisor"  # 主管部门
    FINANCE = "finance"  # 财政部门


STAGE_LABEL = {Stage.SUPERVISOR: "主管部门", Stage.FINANCE: "财政部门"}
STAGE_OF = {Status.SUPERVISOR_REVIEW: Stage.SUPERVISOR, Status.FINANCE_REVIEW: Stage.FINANCE}


class Grade(enum.StrEnum):
    """审核结果 (88号): 优 goes on; 良 goes on once fixed with the unit; 中 back for revision; 差 refused."""

    EXCELLENT = "优"
    GOOD = "良"
    FAIR = "中"
    POOR = "差"


class Dimension(enum.StrEnum):
    COMPLETENESS = "完整性"
    RELEVANCE = "相关性"
    APPROPRIATENESS = "适当性"
    FEASIBILITY = "可行性"


class Review(msgspec.Struct, frozen=True, omit_defaults=True):
    """One stage's review: the grade, findings per dimension, comments per indicator, opinion."""

    stage: Stage
    grade: Grade
    opinion: str = ""
    findings: dict[Dimension, str] = {}
    comments: dict[str, str] = {}  # indicator key → comment


class AdjustmentStatus(enum.StrEnum):
    PENDING = "pending"  # 待审批
    APPROVED = "approved"  # 已批准
    REFUSED = "refused"  # 未批准


class Adjustment(msgspec.Struct, frozen=True, omit_defaults=True):
    """A request to change approved targets during the year (调整), with its reason; approved,
    it makes a new target version."""

    adjustment_id: str
    indicators: tuple[TargetIndicator, ...]  # rows that replace (by key) or add to the targets
    reason: str
    status: AdjustmentStatus = AdjustmentStatus.PENDING
    decision: str = ""  # the approver's reason


class TargetVersion(msgspec.Struct, frozen=True):
    """An approved set of targets: version 1 the 批复, each approved adjustment the next."""

    version: int
    indicators: tuple[TargetIndicator, ...]
    approved_on: datetime.date
    adjustment_id: str | None = None
