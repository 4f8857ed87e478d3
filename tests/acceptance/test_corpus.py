"""The reader against cells of real published tables (``corpus/cells.yaml``): at least 98 % read
as they mean, and every cell that no reader may guess at is flagged, never guessed."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from domain.reader import read
from domain.values import Comparator, Measure

CELLS = Path(__file__).parent / "corpus" / "cells.yaml"
COMPARATORS = {
    ">=": Comparator.GE,
    "<=": Comparator.LE,
    ">": Comparator.GT,
    "<": Comparator.LT,
    "=": Comparator.EQ,
    "approx": Comparator.APPROX,
}


def cells() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = yaml.safe_load(CELLS.read_text(encoding="utf-8"))
    return found


def _dec(x: Any) -> Decimal | None:
    return None if x is None else Decimal(str(x))


def mismatch(cell: dict[str, Any], m: Measure) -> str | None:
    """What differs between the cell's meaning and the reader's, or None."""
    want = cell["meaning"]
    kind = want["kind"]
    if m.kind != kind:
        return f"kind {m.kind} ≠ {kind}"
    if kind == "number":
        if m.number != _dec(want["value"]):
            return f"value {m.number} ≠ {want['value']}"
        if m.comparator != COMPARATORS.get(want.get("comparator") or ""):
            return f"comparator {m.comparator} ≠ {want.get('comparator')}"
        if (m.unit or "") != (want.get("unit") or ""):
            return f"unit {m.unit!r} ≠ {want.get('unit')!r}"
    elif kind == "date":
        if m.date != datetime.date.fromisoformat(str(want["date"])):
            return f"date {m.date} ≠ {want['date']}"
        if m.date_bound is None or m.date_bound.value != want.get("bound", "on"):
            return f"bound {m.date_bound} ≠ {want.get('bound')}"
    elif kind == "range":
        if (m.low, m.high) != (_dec(want["low"]), _dec(want["high"])):
            return f"range {m.low}–{m.high} ≠ {want['low']}–{want['high']}"
    elif kind == "phrase" and m.phrase != want.get("phrase", m.phrase):
        return f"phrase {m.phrase!r} ≠ {want.get('phrase')!r}"
    return None


def test_at_least_150_real_cells_from_many_sources() -> None:
    found = cells()
    assert len(found) >= 150 and len({c["source"] for c in found}) >= 15
    assert all(c["text"] and c["source"] for c in found)


def test_at_least_98_percent_are_read_as_meant() -> None:
    wrong = []
    for cell in cells():
        m = read(
            str(cell["text"]),
            year=cell.get("year"),
            indicator=cell.get("indicator") or "",
            target=cell.get("column") == "target",
        )
        why = mismatch(cell, m)
        if why:
            wrong.append(f"{cell['text']!r} ({cell.get('indicator')}): {why}")
    share = 1 - len(wrong) / len(cells())
    assert share >= 0.98, f"{share:.1%} read as meant; misread:\n" + "\n".join(wrong)
