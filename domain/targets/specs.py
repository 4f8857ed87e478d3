"""Approved targets as an evaluation's indicators: the evaluation of year N starts where the year
began — the approved (latest adjusted) 绩效目标, no retyping.

Each leaf gets the rule its 指标值 suggests, which the evaluator may change: a deadline for a date
(``2024年12月底前``), completion B/A (or A/B for a ≤ target) for a number, the evaluator's
judgement with deductions for a qualitative value. Branches carry their weights only.
"""

from __future__ import annotations

from domain.indicators import IndicatorSpec
from domain.reader import read
from domain.rules import Deadline, Manual, RatioToTarget, Rule
from domain.targets.values import Nature, TargetIndicator, TargetVersion


def _rule(row: TargetIndicator, year: int) -> Rule:
    if row.nature is Nature.QUALITATIVE or not row.value.strip():
        return Manual()
    m = read(row.value, year=year, indicator=row.name, target=True, unit=row.unit)
    if m.date is not None:
        return Deadline()
    if m.number is not None:
        return RatioToTarget()
    return Manual()


def specs_of(targets: TargetVersion, year: int) -> list[IndicatorSpec]:
    """The indicators of an evaluation from approved targets, parents before children."""
    rows = {r.key: r for r in targets.indicators}
    parents = {r.parent for r in rows.values()}
    ordered: list[TargetIndicator] = []
    seen: set[str] = set()

    def visit(row: TargetIndicator) -> None:
        if row.key in seen:
            return
        if row.parent is not None and row.parent in rows:
            visit(rows[row.parent])
        seen.add(row.key)
        ordered.append(row)

    for row in rows.values():
        visit(row)
    return [
        IndicatorSpec(
            key=r.key,
            name=r.name,
            weight=r.weight,
            parent=r.parent,
            rule=None if r.key in parents else _rule(r, year),
            target=r.value or None,
            unit=r.unit,
        )
        for r in ordered
    ]
