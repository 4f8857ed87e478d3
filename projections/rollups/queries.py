"""Roll-ups: a bureau and all its descendants, for one year.

Computed by one query over the tenants, ledgers and scorecards read models (which are
tracked projections themselves), so a roll-up is never out of step with the rows it sums.

Scores, grades and the self-versus-external gap count **finalized** evaluations only (已定稿): a
draft's total changes with every edit and is nobody's conclusion yet. The evaluations left out
are counted (``unfinalized``) so that a screen can say how many figures are still to come.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from msgspec import Struct
from psycopg import Connection

from domain.money import rate_pct

_QUERY = """
WITH RECURSIVE tree AS (
    SELECT code FROM rm_tenants.tenants WHERE code = %(tenant)s
    UNION ALL SELECT t.code FROM rm_tenants.tenants t JOIN tree ON t.parent = tree.code
),
proj AS (
    SELECT project_id FROM rm_ledgers.projects WHERE year = %(year)s AND tenant IN (SELECT code FROM tree)
),
money AS (
    SELECT coalesce(sum(annual), 0) AS budget, coalesce(sum(received), 0) AS received,
           coalesce(sum(spent), 0) AS spent
    FROM rm_ledgers.totals WHERE source = '合计' AND project_id IN (SELECT project_id FROM proj)
),
selfs AS (
    SELECT project_id, total, grade FROM rm_scorecards.scorecards
    WHERE kind = 'self' AND status = 'finalized' AND project_id IN (SELECT project_id FROM proj)
),
external AS (
    SELECT project_id, avg(total) AS total FROM rm_scorecards.scorecards
    WHERE kind <> 'self' AND status = 'finalized' AND project_id IN (SELECT project_id FROM proj)
    GROUP BY project_id
)
SELECT (SELECT count(*) FROM proj), money.budget, money.received, money.spent,
       (SELECT round(avg(total), 2) FROM selfs),
       (SELECT coalesce(jsonb_object_agg(grade, n), '{}'::jsonb) FROM (SELECT grade, count(*) AS n FROM selfs GROUP BY grade) g),
       (SELECT round(avg(s.total - e.total), 2) FROM selfs s JOIN external e USING (project_id)),
       (SELECT count(*) FROM selfs s JOIN external e USING (project_id)),
       (SELECT count(*) FROM rm_scorecards.scorecards
        WHERE status <> 'finalized' AND project_id IN (SELECT project_id FROM proj))
FROM money
"""


class Rollup(Struct, frozen=True):
    tenant: str
    year: int
    projects: int
    budget: Decimal
    received: Decimal
    spent: Decimal
    execution_rate: Decimal | None  # 全年执行数 / 全年预算数, percent
    average_self_score: Decimal | None  # finalized self-evaluations only
    grades: dict[str, int]  # finalized self-evaluations only
    self_minus_external: Decimal | None  # average gap where a project has both kinds, both finalized
    compared_projects: int
    unfinalized: int = 0  # evaluations of these projects not finalized yet: left out of the figures


def rollup(conn: Connection[Any], tenant: str, year: int) -> Rollup:
    with conn.cursor() as cur:
        row = cur.execute(_QUERY, {"tenant": tenant, "year": year}).fetchone()
    assert row is not None
    projects, budget, received, spent, average, grades, gap, compared, unfinalized = row
    rate = rate_pct(spent, budget)
    return Rollup(
        tenant,
        year,
        int(projects),
        budget,
        received,
        spent,
        rate,
        average,
        dict(grades),
        gap,
        int(compared),
        int(unfinalized),
    )


def rollup_children(conn: Connection[Any], tenant: str, year: int) -> list[Rollup]:
    """One roll-up per direct child of ``tenant`` (a parent bureau's dashboard rows)."""
    with conn.cursor() as cur:
        children = [
            r[0]
            for r in cur.execute(
                "SELECT code FROM rm_tenants.tenants WHERE parent = %s ORDER BY code", (tenant,)
            )
        ]
    return [rollup(conn, child, year) for child in children]
