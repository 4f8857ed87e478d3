"""The 部门决算 summary of a bureau's self-evaluations for a year, from the read models: how many
projects were evaluated (finalized 单位自评 only), the money they cover and its share of the
bureau's project spending, and per grade the count, the money and their shares. The bureau's
部门整体 project (code ``部门整体``) is not a project's spending: it is left out of both sides."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

from domain.department import WHOLE_CODE

_PROJECTS = """
SELECT p.project_id, p.name, coalesce(t.annual, 0), s.evaluation_id, s.grade, s.total
FROM rm_ledgers.projects p
LEFT JOIN rm_ledgers.totals t ON t.project_id = p.project_id AND t.source = '合计'
LEFT JOIN rm_scorecards.scorecards s ON s.project_id = p.project_id AND s.kind = 'self' AND s.status = 'finalized'
WHERE p.tenant = %(tenant)s AND p.year = %(year)s AND p.code <> %(whole)s
ORDER BY p.name
"""


class Evaluated(Struct, frozen=True):
    project_id: UUID
    name: str
    annual: Decimal
    evaluation_id: UUID | None  # its finalized self-evaluation (None: not evaluated)
    grade: str | None
    total: Decimal | None


class GradeLine(Struct, frozen=True):
    grade: str
    count: int
    money: Decimal
    count_share: Decimal  # of the evaluated projects, %
    money_share: Decimal  # of the evaluated money, %


class FinalAccounts(Struct, frozen=True):
    tenant: str
    year: int
    projects: int  # the bureau's projects of the year
    evaluated: int  # … with a finalized self-evaluation
    money: Decimal  # their budgets (年度预算数), all projects
    money_evaluated: Decimal
    money_share: Decimal  # evaluated / all, %
    grades: list[GradeLine]
    rows: list[Evaluated]


def _pct(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(Decimal("0.01")) if whole else Decimal("0.00")


_ORDER = ("优", "良", "中", "差")


def final_accounts(conn: Connection[Any], tenant: str, year: int) -> FinalAccounts:
    rows = [
        Evaluated(*r) for r in conn.execute(_PROJECTS, {"tenant": tenant, "year": year, "whole": WHOLE_CODE})
    ]
    done = [r for r in rows if r.evaluation_id is not None]
    money = sum((r.annual for r in rows), Decimal(0))
    covered = sum((r.annual for r in done), Decimal(0))
    by: dict[str, list[Evaluated]] = {}
    for r in done:
        by.setdefault(r.grade or "", []).append(r)
    order = sorted(by, key=lambda g: (_ORDER.index(g[:1]) if g[:1] in _ORDER else 9, g))
    grades = [
        GradeLine(
            g,
            len(by[g]),
            sum((r.annual for r in by[g]), Decimal(0)),
            _pct(Decimal(len(by[g])), Decimal(len(done))),
            _pct(sum((r.annual for r in by[g]), Decimal(0)), covered),
        )
        for g in order
    ]
    return FinalAccounts(
        tenant, year, len(rows), len(done), money, covered, _pct(covered, money), grades, rows
    )
