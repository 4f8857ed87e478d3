"""Targets and actual values as reports write them (年度指标值 / 实际完成值).

``≥293万人``, ``约845组``, ``≤5个工作日``, ``2021年12月31日前``, ``足额到位``, ``>95%``:
a comparator, a number with a scale (万 = 10⁴, 亿 = 10⁸), a unit, a date with a bound, or a
qualitative phrase. Parsing never fails: what is not a number or a date is kept as a phrase.
"""

from __future__ import annotations

import datetime
import enum
import functools
import re
from decimal import Decimal, InvalidOperation

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


_COMPARATORS: tuple[tuple[str, Comparator], ...] = (
    ("≥", Comparator.GE),
    (">=", Comparator.GE),
    ("不低于", Comparator.GE),
    ("不少于", Comparator.GE),
    ("大于等于", Comparator.GE),
    ("达到", Comparator.GE),
    ("至少", Comparator.GE),
    ("≤", Comparator.LE),
    ("<=", Comparator.LE),
    ("不高于", Comparator.LE),
    ("不超过", Comparator.LE),
    ("不多于", Comparator.LE),
    ("小于等于", Comparator.LE),
    ("控制在", Comparator.LE),
    (">", Comparator.GT),
    ("＞", Comparator.GT),
    ("高于", Comparator.GT),
    ("大于", Comparator.GT),
    ("超过", Comparator.GT),
    ("<", Comparator.LT),
    ("＜", Comparator.LT),
    ("低于", Comparator.LT),
    ("小于", Comparator.LT),
    ("少于", Comparator.LT),
    ("=", Comparator.EQ),
    ("＝", Comparator.EQ),
    ("约", Comparator.APPROX),
    ("≈", Comparator.APPROX),
)
_SCALE = {"万": Decimal(10_000), "亿": Decimal(100_000_000), "千": Decimal(1000)}
_NUMBER = re.compile(
    r"(?P<num>\d[\d,，]*(?:\.\d+)?)\s*(?P<scale>万|亿|千)?\s*(?P<unit>[%％‰]|[^\d\s,，。；;]*)"
)
_DATE = re.compile(
    r"(?P<y>\d{4})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*(?:[月\-/.]\s*(?:(?P<d>\d{1,2})\s*[日号]?)?)?"
)
_SUFFIX_LE = ("以内", "以下", "之内")
_SUFFIX_GE = ("以上",)


@functools.lru_cache(maxsize=4096)
def parse_measure(text: str) -> Measure:
    """Parse a target or actual as written (pure; cached, as the same texts recur on every command)."""
    raw = text.strip()
    rest = raw
    comparator: Comparator | None = None
    for word, comp in _COMPARATORS:
        if rest.startswith(word):
            comparator, rest = comp, rest[len(word) :].strip()
            break
    for suffixes, comp in ((_SUFFIX_LE, Comparator.LE), (_SUFFIX_GE, Comparator.GE)):
        for s in suffixes:
            if rest.endswith(s):
                rest = rest[: -len(s)].strip()
                comparator = comparator or comp
    date_match = _DATE.match(rest)
    if date_match is not None:
        return _date_measure(raw, rest, date_match, comparator)
    m = _NUMBER.fullmatch(rest)
    if m is None:
        return Measure(raw=raw, comparator=comparator, phrase=rest or raw)
    try:
        number = Decimal(m["num"].replace(",", "").replace("，", ""))
    except InvalidOperation:
        return Measure(raw=raw, comparator=comparator, phrase=rest)
    scale_word = m["scale"] or ""
    unit = (m["unit"] or "").strip()
    is_percent = unit in ("%", "％")
    if unit == "‰":
        number, unit, is_percent = number / 10, "%", True
    if scale_word:
        number *= _SCALE[scale_word]
    return Measure(
        raw=raw,
        comparator=comparator,
        number=number,
        scale_word=scale_word,
        unit="%" if is_percent else unit,
        is_percent=is_percent,
    )


def _date_measure(raw: str, rest: str, m: re.Match[str], comparator: Comparator | None) -> Measure:
    year, month = int(m["y"]), int(m["m"])
    try:
        if m["d"]:
            day = datetime.date(year, month, int(m["d"]))
        else:  # 2022年12月 → the end of that month
            nxt = datetime.date(year + month // 12, month % 12 + 1, 1)
            day = nxt - datetime.timedelta(days=1)
    except ValueError:
        return Measure(raw=raw, comparator=comparator, phrase=rest)
    tail = rest[m.end() :].strip()
    bound = DateBound.ON
    if tail.startswith(("前", "之前", "以前")) or comparator in (Comparator.LE, Comparator.LT):
        bound = DateBound.BY
    elif tail.startswith(("后", "之后", "以后")) or comparator in (Comparator.GE, Comparator.GT):
        bound = DateBound.AFTER
    return Measure(raw=raw, comparator=comparator, date=day, date_bound=bound)


def compare(target: Measure, actual: Measure) -> bool | None:
    """Whether ``actual`` meets ``target``; None when they cannot be compared (qualitative)."""
    if target.date is not None and actual.date is not None:
        if target.date_bound == DateBound.AFTER:
            return actual.date >= target.date
        if target.date_bound == DateBound.BY:
            return actual.date <= target.date
        return actual.date == target.date
    if target.number is None or actual.number is None:
        if target.phrase and actual.phrase:
            return target.phrase == actual.phrase
        return None
    a, t = actual.number, target.number
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
