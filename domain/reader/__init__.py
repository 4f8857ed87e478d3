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

import functools
import re

import msgspec

from domain.reader.dates import FULL_DATE, is_period, read_date, serial_date
from domain.reader.numbers import read_number, read_range
from domain.reader.words import NUM, TOKEN, WIDE
from domain.values import DateBound, Measure


def parse_measure(text: str) -> Measure:
    """``read`` without context (no year, no indicator name)."""
    return read(text)


@functools.lru_cache(maxsize=8192)
def read(
    text: str, *, year: int | None = None, indicator: str = "", target: bool = False, unit: str = ""
) -> Measure:
    """The reader's meaning of ``text`` (see the module's docstring); never raises. Pure and
    cached: the same texts recur on every command. ``target``: the cell is a 年度指标值 — a date
    written there is a deadline (by that day) unless it says otherwise; an actual's is the day."""
    raw = text.strip()
    clean, note = _clean(raw)
    if not clean:
        return Measure(raw=raw, phrase=raw)
    if _malformed(clean):
        return Measure(raw=raw, unreadable=True, phrase=clean, note=note)
    found = (
        read_date(raw, clean, year)
        or serial_date(raw, clean, indicator)
        or read_range(raw, clean)
        or read_number(raw, clean, indicator, unit)
    )
    if found is None:
        return Measure(raw=raw, phrase=clean, note=note)
    if target and found.date is not None and found.date_bound is DateBound.ON and not is_period(clean):
        found = msgspec.structs.replace(found, date_bound=DateBound.BY)
    return _with(found, note) if note else found


def _with(m: Measure, note: str) -> Measure:
    return msgspec.structs.replace(m, note=note)


def _clean(raw: str) -> tuple[str, str]:
    text = raw.translate(WIDE).strip()
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
    for token in TOKEN.findall(text):
        if "," in token and not re.fullmatch(NUM, token):
            return True
        if token.count(".") > 1 and not FULL_DATE.search(text):
            return True
    return False
