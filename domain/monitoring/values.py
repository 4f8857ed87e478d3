"""The values of 绩效运行监控 (双监控): a round's period and rules, a project's answers per
indicator, and the warnings (预警) the rules raise.

Layout: ``../shared/lifecycle.md`` §3 (the 监控表's columns from the public 一体化 schemas). The
warning thresholds are local practice (✖ nationally): each round carries its own.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import msgspec


class Cause(enum.StrEnum):
    """偏差原因分析: the cause category of a deviation."""

    FUNDING = "经费保障"
    RULES = "制度保障"
    STAFF = "人员保障"
    EQUIPMENT = "硬件条件保障"
    OTHER = "其他"


class Likelihood(enum.StrEnum):
    """完成目标可能性."""

    CERTAIN = "确定能"
    POSSIBLE = "有可能"
    IMPOSSIBLE = "完全不可能"


class Level(enum.StrEnum):
    RED = "red"  # 红色预警
    AMBER = "amber"  # 黄色预警
    GREEN = "green"  # 正常


LEVEL_LABEL = {Level.RED: "红色预警", Level.AMBER: "黄色预警", Level.GREEN: "正常"}


class RoundRules(msgspec.Struct, frozen=True, omit_defaults=True):
    """A round's warning rules: execution more than ``margin_pct`` percentage points behind the
    time schedule (序时进度) is amber, more than ``red_margin_pct`` red."""

    margin_pct: Decimal = Decimal(10)
    red_margin_pct: Decimal = Decimal(20)


class RoundStatus(enum.StrEnum):
    OPEN = "open"  # 填报中
    CLOSED = "closed"  # 已结束


class Line(msgspec.Struct, frozen=True, omit_defaults=True):
    """One indicator of the 监控表 as the unit answers it."""

    key: str
    reached: str = ""  # 1–7月执行情况 (as written)
    expected: str = ""  # 全年预计完成情况 (as written)
    cause: Cause | None = None  # 偏差原因分析
    likelihood: Likelihood | None = None  # 完成目标可能性
    explanation: str = ""  # 原因说明
    measures: str = ""  # 纠偏措施


class Execution(msgspec.Struct, frozen=True):
    """预算执行情况 from the ledger at the period's end (never typed), and the expectation."""

    annual: Decimal  # 全年预算数
    spent: Decimal  # 执行数 to the period's end
    expected_year_end: Decimal | None = None  # 全年预计执行数 (the unit's)


class Resolution(enum.StrEnum):
    EXPLAINED = "explained"  # 已说明
    CORRECTED = "corrected"  # 已纠偏
    BUDGET_ADJUSTED = "budget_adjusted"  # 调整预算（财政）
    FUNDS_PAUSED = "funds_paused"  # 暂缓拨款（财政）


RESOLUTION_LABEL = {
    Resolution.EXPLAINED: "已说明",
    Resolution.CORRECTED: "已纠偏",
    Resolution.BUDGET_ADJUSTED: "调整预算",
    Resolution.FUNDS_PAUSED: "暂缓拨款",
}
FINANCE_DECISIONS = (Resolution.BUDGET_ADJUSTED, Resolution.FUNDS_PAUSED)


class Alert(msgspec.Struct, frozen=True, omit_defaults=True):
    """A warning as its rule raised it: the rule, its inputs, the level and the message."""

    warning_id: str  # rule[:indicator] — one per rule and subject in a report
    rule: str  # schedule_gap | forecast_miss | overdue
    level: Level
    message: str
    inputs: dict[str, str] = {}
    raised_on: datetime.date | None = None
    resolution: Resolution | None = None
    resolution_reason: str = ""
