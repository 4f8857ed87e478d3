"""Numbers in a cell: ranges (``90%-95%``, ``±5%``) and a quantity with its scale, unit and
comparator, also inside a sentence; a bare number read with its indicator's name."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from domain.reader.words import NUM, NUMBER, SCALE, SUFFIX, UNITS, WIDE, comparator_before
from domain.values import Comparator, Measure

_NAME_PATTERN = re.compile(r"[(（]\s*(?P<cmp>≥|≤|>|<|>=|<=|＞|＜)?\s*\*+\s*(?P<unit>%|％)?\s*[)）]")


_RANGE = re.compile(
    rf"(?P<lo>{NUM})\s*(?P<u1>%)?\s*(?:-|~|至|到)\s*(?P<hi>{NUM})\s*(?P<u2>%|[\u4e00-\u9fff]+)?$"
)


def read_range(raw: str, text: str) -> Measure | None:
    pm = re.fullmatch(rf"±\s*(?P<n>{NUM})\s*(?P<u>%|[\u4e00-\u9fff]*?)(?:以内|之内)?", text)
    if pm is not None:
        n = Decimal(pm["n"].replace(",", ""))
        return Measure(raw=raw, low=-n, high=n, unit=pm["u"], is_percent=pm["u"] == "%")
    m = _RANGE.search(text)
    if m is None or re.search(r"\d", text[: m.start()]):
        return None
    lo, hi = Decimal(m["lo"].replace(",", "")), Decimal(m["hi"].replace(",", ""))
    if lo > hi:
        return None
    unit = m["u2"] or m["u1"] or ""
    return Measure(raw=raw, low=lo, high=hi, unit=unit, is_percent=unit == "%")


def read_number(raw: str, text: str, indicator: str, column: str = "") -> Measure | None:
    """``column``: the table's 计量单位 for the row, the unit of a number written bare."""
    matches = list(NUMBER.finditer(text))
    if not matches:
        return None
    m = matches[0]
    if len(matches) > 1:  # several quantities: the one a comparator speaks of, else a phrase
        anchored = [x for x in matches if comparator_before(text[: x.start()][-6:]) is not None]
        if len(anchored) != 1:
            return None
        m = anchored[0]
    try:
        number = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    head, tail = text[: m.start()].strip(), text[m.end() :].strip()
    comparator = comparator_before(head[-6:]) if len(matches) > 1 else comparator_before(head)
    if m["more"]:
        comparator = comparator or Comparator.GT
    for word, comp in SUFFIX:
        if tail.startswith(word):
            comparator = comparator or comp
    scale = m["scale"] or ""
    unit = _unit((m["unit"] or "").strip() + tail if m["unit"] else "")
    if unit == "‰":
        number, unit = number / 10, "%"
    if scale:
        number *= SCALE[scale]
    per = ""
    if not unit and head.startswith(("每", "人均", "户均")):
        per = re.sub(r"^(每[\u4e00-\u9fff]{1,2}|人均|户均).*$", r"\1", head)
    if not unit and comparator is None:
        comparator, unit = _from_name(indicator)
    if not unit and column and not per:
        unit = "%" if column.strip() in ("%", "％", "百分比") else column.strip()
    return Measure(
        raw=raw,
        comparator=comparator,
        number=number,
        scale_word=scale,
        unit=unit,
        is_percent=unit == "%",
        per=per,
    )


def _unit(after: str) -> str:
    """The unit a number is followed by: the longest known unit that starts it, with a per-unit
    part (``元/人*月``); an unknown word of up to four characters as written; else none."""
    after = after.replace("百分比", "%").replace("百分点", "%")
    if not after:
        return ""
    if after[0] in "%‰":
        return after[0]
    known = next((u for u in UNITS if after.startswith(u)), None)
    if known is None and not after.startswith("/"):
        word = re.match(r"[A-Za-z\u4e00-\u9fff]+", after)
        return word.group(0) if word is not None and len(word.group(0)) <= 4 else ""
    known = known or ""
    per = re.match(r"(?:/[\u4e00-\u9fff]{1,3}(?:[*·][\u4e00-\u9fff]{1,2})?)+", after[len(known) :])
    return known + (per.group(0) if per is not None else "")


def _from_name(indicator: str) -> tuple[Comparator | None, str]:
    """A bare number read with its indicator's name: ``成活率(≥**%)`` gives the comparator and the
    per-cent sign the cell leaves out. (A name merely ending in 率 says nothing: 0 under
    预算调整率 is written as a bare 0 and read so.)"""
    m = _NAME_PATTERN.search(indicator.translate(WIDE))
    if m is None:
        return None, ""
    symbol = {
        "≥": Comparator.GE,
        ">=": Comparator.GE,
        "≤": Comparator.LE,
        "<=": Comparator.LE,
        ">": Comparator.GT,
        "<": Comparator.LT,
    }
    return symbol.get(m["cmp"] or ""), "%" if m["unit"] else ""
