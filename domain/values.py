"""Targets and actual values as reports write them (年度指标值 / 实际完成值): what a cell means.

``≥293万人``, ``约845组``, ``≤5个工作日``, ``2021年12月31日前``, ``足额到位``, ``>95%``:
a comparator, a number with a scale (万 = 10⁴, 亿 = 10⁸), a unit, a date with a bound, a range,
or a qualitative phrase. Reading them is ``domain/reader/``; comparing them is here.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import msgspec


class Comparator(enum.StrEnum):
    GE = "≥"
    LE = "≤"
    GT = ">"
    LT = "<"
    EQ = "="
    APPROX = "约"


class DateBound(enum.StrEnum):
    BY = "by"  # 前 / 之前 / 以前: on or before
    AFTER = "after"  # 后 / 以后
    ON = "on"


class Measure(msgspec.Struct, frozen=True, omit_defaults=True):
    raw: str
    comparator: Comparator | None = None
    number: Decimal | None = None  # scaled: 293万 → 2930000
    scale_word: str = ""
    unit: str = ""
    is_percent: bool = False
    date: datetime.date | None = None
    date_bound: DateBound | None = None
    phrase: str = ""  # qualitative text when no number or date was found
    low: Decimal | None = None  # a range: 90%-95% → 90 and 95
    high: Decimal | None = None
    unreadable: bool = False  # a malformed number (6,00.0,55): flagged, never guessed
    note: str = ""  # a parenthetical set aside: (历史标准), (其中…)
    per: str = ""  # a unit written before the number: 每人200, 每亩300

    @property
    def kind(self) -> str:
        if self.unreadable:
            return "unreadable"
        if self.date is not None:
            return "date"
        if self.low is not None:
            return "range"
        if self.number is not None:
            return "number"
        return "phrase"

    @property
    def floor(self) -> Decimal | None:
        """The figure a target sets: its number, or a range's lower end."""
        return self.number if self.number is not None else self.low


def compare(target: Measure, actual: Measure) -> bool | None:
    """Whether ``actual`` meets ``target``; None when they cannot be compared (qualitative)."""
    if target.date is not None and actual.date is not None:
        if target.date_bound == DateBound.AFTER:
            return actual.date >= target.date
        if target.date_bound == DateBound.BY:
            return actual.date <= target.date
        return actual.date == target.date
    if target.unreadable or actual.unreadable:
        return None
    if target.floor is None or actual.number is None:
        if target.phrase and actual.phrase:
            return target.phrase == actual.phrase
        return None
    a, t = actual.number, target.floor
    match target.comparator:
        case Comparator.LE:
            return a <= t
        case Comparator.LT:
            return a < t
        case Comparator.GT:
            return a > t
        case Comparator.EQ:
            return a == t
        case _:  # ≥, 约 or none written: reaching the figure meets it
            return a >= t


def ratio_pct(target: Decimal, actual: Decimal, *, reverse: bool = False) -> Decimal | None:
    """Completion ratio in percent: B/A, or A/B for reverse indicators; None when undefined."""
    if reverse:
        if actual == 0:
            return Decimal(100) if target >= 0 else None
        return target * 100 / actual
    if target == 0:
        return None
    return actual * 100 / target
