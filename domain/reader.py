"""Reading a target or an actual value as bureaus write them, in context.

The context is the table's year (``10月底前`` is October of that year) and the indicator's name
(a bare ``90`` under ``成活率(≥**%)`` means at least 90 %). What the reader recognises, in order:

1. **Clean-up**: full-width digits and signs, 萬/億, spaces; a trailing parenthetical note (a kind
   of standard ``(历史标准)``, a breakdown ``(其中…)``) set aside as ``note``.
2. **Malformed numbers** (``6,00.0,55``): never guessed — ``unreadable``.
3. **Dates and deadlines**: ``2021年12月31日前``, ``2022年12月底前完成``, ``2022年底完成``,
   ``10月底前``, ``8月前`` (before August: by 31 July), ``年底前``, ``11月底到位``, a period
   ``2022年1月-12月`` / ``1-12月`` (its last day), a bare month ``9月`` (its last day), ``2022-09-30``.
4. **Ranges**: ``90%-95%``, ``90-95%``, ``90%～95%``, ``90%至95%``.
5. **Numbers**, also inside a sentence (``已完成98%``, ``覆盖基层医疗机构42个。``): the first
   well-formed number, its scale (万, 亿, 千), its unit — compound ones too (``元/人*月``), or a unit
   written before it (``每人200``) — and the comparator from the words around it: before (≥, >=,
   不低于, 达到, 约为, …) or after (以上, 以下, 以内, 余, 左右).
6. Anything else is a **phrase** (a category, compared as written).
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from decimal import Decimal, InvalidOperation

import msgspec

from domain.values import Comparator, DateBound, Measure

_WIDE = str.maketrans(
    "０１２３４５６７８９％．，：－～（）＞＜＝＋／＊", "0123456789%.,:-~()><=+/*", "\u3000"
) | {ord("萬"): "万", ord("億"): "亿", ord("≧"): "≥", ord("≦"): "≤"}
_PREFIX: tuple[tuple[str, Comparator], ...] = (
    ("大于等于", Comparator.GE),
    ("大于或等于", Comparator.GE),
    ("小于等于", Comparator.LE),
    ("小于或等于", Comparator.LE),
    ("≥", Comparator.GE),
    (">=", Comparator.GE),
    ("=>", Comparator.GE),
    ("不低于", Comparator.GE),
    ("不少于", Comparator.GE),
    ("不小于", Comparator.GE),
    ("达到", Comparator.GE),
    ("至少", Comparator.GE),
    ("≤", Comparator.LE),
    ("<=", Comparator.LE),
    ("=<", Comparator.LE),
    ("不高于", Comparator.LE),
    ("不超过", Comparator.LE),
    ("不多于", Comparator.LE),
    ("不大于", Comparator.LE),
    ("控制在", Comparator.LE),
    ("最多", Comparator.LE),
    (">", Comparator.GT),
    ("高于", Comparator.GT),
    ("大于", Comparator.GT),
    ("超过", Comparator.GT),
    ("多于", Comparator.GT),
    ("<", Comparator.LT),
    ("低于", Comparator.LT),
    ("小于", Comparator.LT),
    ("少于", Comparator.LT),
    ("=", Comparator.EQ),
    ("等于", Comparator.EQ),
    ("约为", Comparator.APPROX),
    ("大约", Comparator.APPROX),
    ("约", Comparator.APPROX),
    ("≈", Comparator.APPROX),
)
_SUFFIX: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("之上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
    ("左右", Comparator.APPROX),
    ("上下", Comparator.APPROX),
)
_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<scale>万亿|千万|百万|万|亿|千)?\s*(?P<more>余|多)?\s*"
    r"(?P<unit>%|‰|[A-Za-z\u4e00-\u9fff·/*]+?(?:/[A-Za-z\u4e00-\u9fff*·]+)*)?"
    r"(?=$|[\s,;；。、()（）]|以上|以下|以内|之内|及以|左右|上下|余|多|完成|到位|前|内)"
)
_TOKEN = re.compile(r"\d[\d,.]*\d|\d")
_SCALE = {
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "千": Decimal(1000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "万亿": Decimal(10**12),
}
_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20|21)\d{2})\s*(?:年|-|/|\.)\s*(?P<m>\d{1,2})\s*(?:月|-|/|\.)\s*(?P<d>\d{1,2})\s*[日号]?"
)
_YEAR_MONTH = re.compile(r"(?P<y>(?:19|20|21)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月(?P<end>底|末)?")
_YEAR_END = re.compile(r"(?P<y>(?:19|20|21)\d{2})\s*年\s*(?:底|末|年底|年末|内|全年)")
_PERIOD = re.compile(
    r"(?:(?P<y>(?:19|20|21)\d{2})\s*年\s*)?(?P<m1>\d{1,2})\s*月?\s*(?:-|~|至|到)\s*(?:(?:19|20|21)\d{2}\s*年\s*)?(?P<m2>\d{1,2})\s*月(?:底|末)?"
)
_MONTH = re.compile(r"(?P<m>\d{1,2})\s*月(?P<end>底|末|中旬|上旬|下旬)?")
_THIS_YEAR_END = re.compile(r"^(?:本)?年(?:底|末|内)")
_BY = ("前", "之前", "以前", "底前", "末前", "内")
_AFTER = ("后", "之后", "以后")
_NAME_PATTERN = re.compile(r"[(（]\s*(?P<cmp>≥|≤|>|<|>=|<=|＞|＜)?\s*\*+\s*(?P<unit>%|％)?\s*[)）]")


def parse_measure(text: str) -> Measure:
    """``read`` without context (no year, no indicator name)."""
    return read(text)


@functools.lru_cache(maxsize=8192)
def read(text: str, *, year: int | None = None, indicator: str = "") -> Measure:
    """The reader's meaning of ``text`` (see the module's docstring); never raises. Pure and
    cached: the same texts recur on every command."""
    raw = text.strip()
    clean, note = _clean(raw)
    if not clean:
        return Measure(raw=raw, phrase=raw)
    if _malformed(clean):
        return Measure(raw=raw, unreadable=True, phrase=clean, note=note)
    found = _date(raw, clean, year) or _range(raw, clean) or _number(raw, clean, indicator)
    if found is None:
        return Measure(raw=raw, phrase=clean, note=note)
    return _with(found, note) if note else found


def _with(m: Measure, note: str) -> Measure:
    return msgspec.structs.replace(m, note=note)


def _clean(raw: str) -> tuple[str, str]:
    text = raw.translate(_WIDE).strip()
    text = re.sub(r"(?<=\d)\s+(?=\d)", "", text)
    note = ""
    while True:
        m = re.search(r"[(（][^()（）]*[)）]\s*[。；;.]?$", text)
        if m is None or m.start() == 0:
            break
        note = (
            text[m.start() + 1 : m.end()].rstrip("。；;.").rstrip(")）") + (" " + note if note else "")
        ).strip()
        text = text[: m.start()].strip()
    head = re.split(r"[(（]其中", text, maxsplit=1)[0].strip()
    if head != text:
        note = (text[len(head) :].strip() + (" " + note if note else "")).strip()
        text = head
    return text.rstrip("。；;，,、 "), note


def _malformed(text: str) -> bool:
    """A number no reader may guess at: commas not in thousands, two decimal points."""
    for token in _TOKEN.findall(text):
        if "," in token and not re.fullmatch(_NUM, token):
            return True
        if token.count(".") > 1 and not _FULL_DATE.search(text):
            return True
    return False


def _date(raw: str, text: str, year: int | None) -> Measure | None:
    bound_words = text
    for pattern, builder in (
        (_FULL_DATE, _full_date),
        (_PERIOD, _period),
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
                    comparator=_comparator_before(text[: m.start()]),
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


def _period(m: re.Match[str], year: int | None) -> datetime.date | None:
    y = int(m["y"]) if m["y"] else year
    m1, m2 = int(m["m1"]), int(m["m2"])
    if y is None or not (1 <= m1 <= m2 <= 12):
        return None
    return _last_day(y, m2)


def _comparator_before(head: str) -> Comparator | None:
    head = head.strip()
    for word, comp in _PREFIX:
        if head.endswith(word) or head.startswith(word):
            return comp
    return None


_RANGE = re.compile(
    rf"(?P<lo>{_NUM})\s*(?P<u1>%)?\s*(?:-|~|至|到)\s*(?P<hi>{_NUM})\s*(?P<u2>%|[\u4e00-\u9fff]+)?$"
)


def _range(raw: str, text: str) -> Measure | None:
    m = _RANGE.search(text)
    if m is None or re.search(r"\d", text[: m.start()]):
        return None
    lo, hi = Decimal(m["lo"].replace(",", "")), Decimal(m["hi"].replace(",", ""))
    if lo > hi:
        return None
    unit = m["u2"] or m["u1"] or ""
    return Measure(raw=raw, low=lo, high=hi, unit=unit, is_percent=unit == "%")


def _number(raw: str, text: str, indicator: str) -> Measure | None:
    m = _NUMBER.search(text)
    if m is None:
        return None
    try:
        number = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    head, tail = text[: m.start()].strip(), text[m.end() :].strip()
    comparator = _comparator_before(head)
    if m["more"]:
        comparator = comparator or Comparator.GT
    for word, comp in _SUFFIX:
        if tail.startswith(word):
            comparator = comparator or comp
    scale = m["scale"] or ""
    unit = (m["unit"] or "").strip()
    if not unit and head.startswith(("每", "人均", "户均")):
        unit = re.sub(r"^(每[\u4e00-\u9fff]{1,2}|人均|户均).*$", r"\1", head)
    if unit == "‰":
        number, unit = number / 10, "%"
    if scale:
        number *= _SCALE[scale]
    if not unit and comparator is None:
        comparator, unit = _from_name(indicator, number)
    return Measure(
        raw=raw,
        comparator=comparator,
        number=number,
        scale_word=scale,
        unit=unit,
        is_percent=unit == "%",
    )


def _from_name(indicator: str, number: Decimal) -> tuple[Comparator | None, str]:
    """A bare number read with its indicator's name: ``成活率(≥**%)`` gives the comparator and the
    per-cent sign; a 率/比例 name gives the per-cent sign to a number up to 100."""
    name = indicator.translate(_WIDE)
    m = _NAME_PATTERN.search(name)
    if m is not None:
        symbol = {
            "≥": Comparator.GE,
            ">=": Comparator.GE,
            "≤": Comparator.LE,
            "<=": Comparator.LE,
            ">": Comparator.GT,
            "<": Comparator.LT,
        }
        return symbol.get(m["cmp"] or ""), "%" if m["unit"] else ""
    if ("率" in name or "比例" in name or "%" in name) and 0 <= number <= 100:
        return None, "%"
    return None, ""
