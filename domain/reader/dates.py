"""Dates and deadlines in a cell: ``2021年12月31日前``, ``10月底前``, ``8月前`` (by 31 July),
``年底前``, periods (``2022年1月-12月``: its last day), bare months, a spreadsheet's day number
under a time indicator."""

from __future__ import annotations

import calendar
import datetime
import re

from domain.reader.words import comparator_before
from domain.values import DateBound, Measure

FULL_DATE = re.compile(
    r"(?P<y>(?:19|20|21)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})\s*[日号]?"
)
_YEAR_MONTH = re.compile(r"(?P<y>(?:19|20|21)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?P<end>底|末)?")
_YEAR_END = re.compile(r"(?P<y>(?:19|20|21)\d{2})\s*年\s*(?:底|末|年底|年末|内)")
_PERIOD = re.compile(
    r"(?:(?P<y>(?:19|20|21)\d{2})\s*年\s*)?(?P<m1>\d{1,2})\s*月?\s*(?:-{1,2}|—{1,2}|~|至|到)\s*"
    r"(?:(?:19|20|21)\d{2}\s*年\s*)?(?P<m2>\d{1,2})\s*月(?:底|末)?"
)
_WHOLE_YEAR = re.compile(r"(?P<y>(?:19|20|21)\d{2})\s*年\s*全年")
_MONTH = re.compile(r"(?P<m>\d{1,2})\s*月(?P<end>底|末|中旬|上旬|下旬)?")
_THIS_YEAR_END = re.compile(r"^(?:本)?年(?:底|末|内)")
_BY = ("前", "之前", "以前", "底前", "末前", "内")
_AFTER = ("后", "之后", "以后")


def read_date(raw: str, text: str, year: int | None) -> Measure | None:
    bound_words = text
    for pattern, builder in (
        (FULL_DATE, _full_date),
        (_PERIOD, _period),
        (_WHOLE_YEAR, _whole_year),
        (_YEAR_MONTH, _year_month),
        (_YEAR_END, _year_end),
    ):
        m = pattern.search(text)
        if m is not None and _only_words_around(text, m):
            day = builder(m, year)
            if day is not None:
                return Measure(
                    raw=raw,
                    date=day,
                    date_bound=_bound(bound_words, m, builder is _period),
                    comparator=comparator_before(text[: m.start()]),
                )
    if year is None:
        return None
    m = _THIS_YEAR_END.search(text)
    if m is not None and _only_words_around(text, m):
        return Measure(raw=raw, date=datetime.date(year, 12, 31), date_bound=DateBound.BY)
    m = _MONTH.search(text)
    if m is not None and _only_words_around(text, m) and 1 <= int(m["m"]) <= 12:
        month = int(m["m"])
        tail = text[m.end() :].strip()
        if not m["end"] and tail.startswith(("前", "之前", "以前")):  # 8月前: before August
            if month == 1:
                return Measure(raw=raw, date=datetime.date(year - 1, 12, 31), date_bound=DateBound.BY)
            return Measure(raw=raw, date=_last_day(year, month - 1), date_bound=DateBound.BY)
        return Measure(raw=raw, date=_last_day(year, month), date_bound=_bound(text, m, False))
    return None


def _only_words_around(text: str, m: re.Match[str]) -> bool:
    """A date is the cell's meaning only when the rest is deadline wording, not another figure."""
    rest = (text[: m.start()] + " " + text[m.end() :]).strip()
    return not re.search(r"\d", rest) and len(rest) <= 12


def _bound(text: str, m: re.Match[str], period: bool) -> DateBound:
    tail = text[m.end() :].strip()
    head = text[: m.start()].strip()
    if tail.startswith(_AFTER) or head.endswith(("晚于", "不早于")):
        return DateBound.AFTER
    if period:
        return DateBound.ON
    ended = m.group(0).endswith(("底", "末"))
    if tail.startswith(_BY) or ended or head.endswith(("不晚于", "不迟于", "截至", "截止")):
        return DateBound.BY
    return DateBound.ON


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _full_date(m: re.Match[str], year: int | None) -> datetime.date | None:
    try:
        return datetime.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def _year_month(m: re.Match[str], year: int | None) -> datetime.date | None:
    month = int(m["m"])
    return _last_day(int(m["y"]), month) if 1 <= month <= 12 else None


def _year_end(m: re.Match[str], year: int | None) -> datetime.date | None:
    return datetime.date(int(m["y"]), 12, 31)


def _whole_year(m: re.Match[str], year: int | None) -> datetime.date | None:
    return datetime.date(int(m["y"]), 12, 31)


def is_period(text: str) -> bool:
    return bool(_PERIOD.search(text) or _WHOLE_YEAR.search(text))


_TIME_WORDS = ("时间", "时限", "期限", "日期", "完成时", "到位时")


def serial_date(raw: str, text: str, indicator: str) -> Measure | None:
    """A spreadsheet's day number (44,561 = 2021-12-31) under a time indicator: exported from
    Excel without its date format. Read as that day only where the indicator asks for a time."""
    if not any(w in indicator for w in _TIME_WORDS):
        return None
    m = re.fullmatch(r"(\d{2},?\d{3})", text)
    if m is None:
        return None
    serial = int(m[1].replace(",", ""))
    if not 36526 <= serial <= 73050:  # 2000-01-01 … 2099-12-31
        return None
    day = datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)
    return Measure(raw=raw, date=day, date_bound=DateBound.ON)


def _period(m: re.Match[str], year: int | None) -> datetime.date | None:
    y = int(m["y"]) if m["y"] else year
    m1, m2 = int(m["m1"]), int(m["m2"])
    if y is None or not (1 <= m1 <= m2 <= 12):
        return None
    return _last_day(y, m2)
