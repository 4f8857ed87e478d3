"""A project over the years: projects are registered per year, and the same project code of one
bureau in several years is the same project (docs/read-side.md, "Comparison and series").

Per year: the budget and execution (合计 of the ledger), the finalized 单位自评's total and grade,
and each indicator's score; indicators are followed from year to year by key, then by name (as
the comparison pairs them). A year whose self-evaluation is not finalized shows its status and
no scores. One query over the ledgers and scorecards views, under row-level security.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from msgspec import Struct
from psycopg import Connection

from projections.ledgers.rows import TOTAL
from projections.rollups.comparison import FINALIZED, pair_indicators
from projections.scorecards.rows import IndicatorRow, decode_scorecard

_YEARS = """
SELECT p.project_id::text, p.year, p.name, coalesce(t.annual, 0), coalesce(t.spent, 0), t.budget_execution_rate,
       (SELECT s.document FROM rm_scorecards.scorecards s
        WHERE s.project_id = p.project_id AND s.kind = 'self' ORDER BY s.evaluator LIMIT 1)
FROM rm_ledgers.projects p
LEFT JOIN rm_ledgers.totals t ON t.project_id = p.project_id AND t.source = %(total)s
WHERE p.tenant = %(tenant)s AND p.code = %(code)s
ORDER BY p.year
"""


class Year(Struct, frozen=True):
    year: int
    project_id: str
    name: str
    budget: Decimal  # 全年预算数 (合计)
    spent: Decimal  # 全年执行数
    execution_rate: Decimal | None  # 执行率 B/A, percent
    evaluation_id: str | None  # the 单位自评, in any status
    status: str | None  # its status; scores below only when finalized
    total: Decimal | None
    grade: str | None


class Line(Struct, frozen=True):
    """One indicator over the years: ``scores`` in the order of ``Series.years`` (None: not
    evaluated that year, not finalized, or not applicable)."""

    key: str
    name: str
    level: int
    weight: Decimal
    scores: list[Decimal | None]


class Series(Struct, frozen=True):
    tenant: str
    code: str
    name: str  # the latest year's name
    years: list[Year]
    indicators: list[Line]


def project_series(conn: Connection[Any], tenant: str, code: str) -> Series | None:
    """The project ``code`` of ``tenant`` year by year, or None when it has no visible year."""
    with conn.cursor() as cur:
        rows = cur.execute(_YEARS, {"tenant": tenant, "code": code, "total": TOTAL}).fetchall()
    if not rows:
        return None
    years: list[Year] = []
    lines: list[tuple[IndicatorRow, dict[int, Decimal | None]]] = []  # (the row it was last seen as, scores)
    for i, (pid, year, name, budget, spent, rate, document) in enumerate(rows):
        card = decode_scorecard(document) if document is not None else None
        final = card is not None and card.status == FINALIZED
        years.append(
            Year(
                year=int(year),
                project_id=pid,
                name=name,
                budget=budget,
                spent=spent,
                execution_rate=rate,
                evaluation_id=card.evaluation_id if card else None,
                status=card.status if card else None,
                total=card.total if card and final else None,
                grade=card.grade if card and final else None,
            )
        )
        if card is None or not final:
            continue
        known = [row for row, _ in lines]
        for before, now, _ in pair_indicators(known, card.indicators):
            if now is None:
                continue
            score = None if now.not_applicable else now.score
            if before is None:
                lines.append((now, {i: score}))
            else:
                index = next(j for j, row in enumerate(known) if row is before)
                lines[index] = (now, {**lines[index][1], i: score})
    return Series(
        tenant=tenant,
        code=code,
        name=rows[-1][2],
        years=years,
        indicators=[
            Line(row.key, row.name, row.level, row.weight, [scores.get(i) for i in range(len(rows))])
            for row, scores in lines
        ],
    )
