"""A bureau's evaluations as pages: search in the project's name or code, filters by status,
grade, year and project, the total count — done in SQL over the scorecards read model (joined to
the ledgers' projects for the names), under the caller's row-level scope like every read.
"""

from __future__ import annotations

from typing import Any

from psycopg import Connection

from projections.core.paging import ListQuery, Page, page_of, params

_FROM = """
FROM rm_scorecards.scorecards s
LEFT JOIN rm_ledgers.projects p ON p.project_id = s.project_id
WHERE s.tenant = %(tenant)s
  AND (%(year)s::int IS NULL OR s.year = %(year)s::int)
  AND (%(project)s::uuid IS NULL OR s.project_id = %(project)s::uuid)
  AND (%(q)s::text IS NULL OR p.name ILIKE %(q)s OR p.code ILIKE %(q)s)
  AND (%(status)s::text IS NULL OR s.status = %(status)s)
  AND (%(grade)s::text IS NULL OR s.grade = %(grade)s)
"""
_PAGE = (
    "SELECT s.evaluation_id, s.project_id, s.year, s.kind, s.evaluator, s.status, s.total, s.grade, "
    "s.flag_count, coalesce(p.code, ''), coalesce(p.name, '')"
    + _FROM
    + "ORDER BY s.year DESC, p.code, s.kind, s.evaluation_id LIMIT %(limit)s OFFSET %(offset)s"
)
_COUNT = "SELECT count(*)" + _FROM
_YEARS = "SELECT DISTINCT year FROM rm_scorecards.scorecards WHERE tenant = %(tenant)s ORDER BY year DESC"
COLUMNS = (
    "evaluation_id",
    "project_id",
    "year",
    "kind",
    "evaluator",
    "status",
    "total",
    "grade",
    "flags",
    "project_code",
    "project_name",
)


def page_scorecards(conn: Connection[Any], tenant: str, query: ListQuery) -> Page[dict[str, Any]]:
    """One page of ``tenant``'s evaluations, newest year first, with the total and the years."""
    with conn.cursor() as cur:
        years = [int(r[0]) for r in cur.execute(_YEARS, {"tenant": tenant}).fetchall()]
        year = (years[0] if years else None) if query.latest else query.year
        if query.latest and not years:
            return page_of([], 0, query, None, years)
        args = {"tenant": tenant, "project": query.project, **params(query, year)}
        row = cur.execute(_COUNT, args).fetchone()
        total = int(row[0]) if row else 0
        rows = cur.execute(_PAGE, args).fetchall() if total > query.offset else []
    items = [dict(zip(COLUMNS, r, strict=True)) for r in rows]
    return page_of(items, total, query, year, years)
