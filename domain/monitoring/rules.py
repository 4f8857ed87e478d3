"""The warning rules (预警规则), pure: each takes the figures it judges and returns the warning or
None. They are computed by the platform, never typed; each warning records its rule and inputs.

- ``schedule_gap``: budget execution behind the time schedule (序时进度 = the months elapsed
  at the period's end / 12) by more than the round's margin (amber) or red margin (red).
- ``forecast_miss``: an indicator whose expected year-end value does not meet its approved
  target (red), or whose unit judges completion only 有可能 (amber) / 完全不可能 (red).
- ``overdue``: a project that has not submitted its answer by the round's deadline (red).
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from domain.monitoring.values import Alert, Level, Likelihood, RoundRules
from domain.reader import read
from domain.values import Comparator, Measure

CENT = Decimal("0.01")


def schedule_pct(period_end: datetime.date) -> Decimal:
    """序时进度 at the period's end: whole months elapsed / 12 (1–7月 → 58.33 %)."""
    return (Decimal(period_end.month) * 100 / 12).quantize(CENT, rounding=ROUND_HALF_UP)


def schedule_gap(
    period_end: datetime.date, annual: Decimal, spent: Decimal, rules: RoundRules
) -> Alert | None:
    if annual <= 0:
        return None  # nothing budgeted: no schedule to be behind (the ledger flags it)
    schedule = schedule_pct(period_end)
    execution = (spent * 100 / annual).quantize(CENT, rounding=ROUND_HALF_UP)
    gap = schedule - execution
    if gap <= rules.margin_pct:
        return None
    level = Level.RED if gap > rules.red_margin_pct else Level.AMBER
    return Alert(
        warning_id="schedule_gap",
        rule="schedule_gap",
        level=level,
        message=f"预算执行率 {execution}% 落后序时进度 {schedule}% 达 {gap} 个百分点（阈值 {rules.margin_pct}）",
        inputs={
            "period_end": period_end.isoformat(),
            "annual": str(annual),
            "spent": str(spent),
            "execution_pct": str(execution),
            "schedule_pct": str(schedule),
            "margin_pct": str(rules.margin_pct),
            "red_margin_pct": str(rules.red_margin_pct),
        },
    )


def _meets(expected: Measure, target: Measure) -> bool | None:
    """Whether the expected value meets the target; None when they cannot be compared."""
    if expected.number is None or target.number is None:
        return None
    if target.comparator in (Comparator.LE, Comparator.LT):
        return expected.number <= target.number
    return expected.number >= target.number


def forecast_miss(
    key: str, name: str, target: str, expected: str, likelihood: Likelihood | None, year: int
) -> Alert | None:
    t = read(target, year=year, indicator=name, target=True)
    e = read(expected, year=year, indicator=name)
    meets = _meets(e, t) if expected.strip() else None
    if meets is False or likelihood is Likelihood.IMPOSSIBLE:
        level = Level.RED
        why = (
            f"全年预计「{expected}」达不到指标值「{target}」" if meets is False else "单位判断完全不可能完成"
        )
    elif likelihood is Likelihood.POSSIBLE:
        level, why = Level.AMBER, "单位判断有可能完成（存在风险）"
    else:
        return None
    return Alert(
        warning_id=f"forecast_miss:{key}",
        rule="forecast_miss",
        level=level,
        message=f"「{name}」{why}",
        inputs={
            "key": key,
            "target": target,
            "expected": expected,
            "likelihood": likelihood.value if likelihood else "",
        },
    )


def overdue(deadline: datetime.date, today: datetime.date, submitted: bool) -> Alert | None:
    if submitted or today <= deadline:
        return None
    return Alert(
        warning_id="overdue",
        rule="overdue",
        level=Level.RED,
        message=f"监控表截至 {deadline} 未报送（已逾期 {(today - deadline).days} 天）",
        inputs={"deadline": deadline.isoformat(), "checked_on": today.isoformat()},
    )
