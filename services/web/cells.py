"""Reading cells of a filled workbook: text as typed, numbers as Decimal (never through float
arithmetic), the ``扣2分：原因`` lines of a notes cell. Shared by both layouts' readers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from services.files.sheets import Sheet

DEDUCTION_LINE = re.compile(r"^\s*扣?\s*(\d+(?:\.\d+)?)\s*分\s*[：:]\s*(.+?)\s*$")


class SheetError(Exception):
    """The file as a whole cannot be read (not an .xlsx, no header row): nothing is imported."""


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that round-trips: what the cell shows
    try:
        return Decimal(text(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError(value) from None


def optional_number(sheet: Sheet, line: int, value: Any, what: str) -> Decimal | None:
    if text(value) in ("", "—", "-"):
        return None
    try:
        return number(value)
    except ValueError:
        sheet.problems.append((line, f"{what}「{text(value)}」不是数字，已忽略"))
        return None


def notes(value: Any) -> tuple[list[tuple[Decimal, str]], str]:
    """A notes cell: its ``扣N分：原因`` lines as deductions, the other lines as the deviation note."""
    deductions: list[tuple[Decimal, str]] = []
    rest: list[str] = []
    for line in text(value).splitlines():
        m = DEDUCTION_LINE.match(line)
        if m is not None:
            deductions.append((Decimal(m.group(1)), m.group(2)))
        elif line.strip() or rest:
            rest.append(line.rstrip())
    return deductions, "\n".join(rest).strip()
