"""Project lists for the UI: a bureau's projects of a year, or every project of a subtree (the
parent bureau's dashboard), each with its ledger totals and its evaluations' scores.

Read as ``jixiao_reader`` under row-level security like every API read, so a list can never
carry another bureau's row even if the tenant filter were wrong.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from msgspec import Struct
from psycopg import Connection

from projections.core.paging import ListQuery, Page, page_of, params
from projections.ledgers.rows import TOTAL

_SUBTREE = """
WITH RECURSIVE tree AS (
    SELECT code, name FROM rm_tenants.tenants WHERE code = %(tenant)s
    UNION ALL SELECT t.code, t.name FROM rm_tenants.tenants t JOIN tree ON t.parent = tree.code
)
"""

_COLUMNS = """
SELECT p.project_id::text, p.tenant, coalesce(tree.name, p.tenant), p.code, p.name, p.year, p.department, p.unit,
       coalesce(t.annual, 0), coalesce(t.received, 0), coalesce(t.spent, 0),
       t.funds_received_rate, t.execution_rate, t.budget_execution_rate, jsonb_array_length(p.flags), p.version,
       coalesce((SELECT jsonb_agg(jsonb_build_object(
                    'evaluation_id', s.evaluation_id::text, 'kind', s.kind, 'evaluator', s.evaluator,
                    'status', s.status, 'total', s.total::text, 'grade', s.grade,
                    'flags', s.flag_count) ORDER BY s.kind, s.evaluator)
                 FROM rm_scorecards.scorecards s WHERE s.project_id = p.project_id), '[]'::jsonb)
"""
_FROM = """
FROM rm_ledgers.projects p
JOIN tree ON tree.code = p.tenant
WHERE (%(year)s::int IS NULL OR p.year = %(year)s::int) AND (%(own)s = false OR p.tenant = %(tenant)s)
"""
# search and filters: the name or code contains q; some evaluation of the project has the status / grade
_FILTERS = """
  AND (%(q)s::text IS NULL OR p.name ILIKE %(q)s OR p.code ILIKE %(q)s)
  AND (%(status)s::text IS NULL OR EXISTS (
        SELECT 1 FROM rm_scorecards.scorecards s WHERE s.project_id = p.project_id AND s.status = %(status)s))
  AND (%(grade)s::text IS NULL OR EXISTS (
        SELECT 1 FROM rm_scorecards.scorecards s WHERE s.project_id = p.project_id AND s.grade = %(grade)s))
"""
_TOTALS = """
LEFT JOIN rm_ledgers.totals t ON t.project_id = p.project_id AND t.source = %(total)s
"""
_ORDER = "ORDER BY p.year DESC, p.tenant, p.code, p.project_id\n"
_PROJECTS = _COLUMNS + _FROM.replace("WHERE", _TOTALS + "WHERE") + _ORDER
_PAGE = (
    _COLUMNS
    + _FROM.replace("WHERE", _TOTALS + "WHERE")
    + _FILTERS
    + _ORDER
    + "LIMIT %(limit)s OFFSET %(offset)s"
)
_COUNT = "SELECT count(*)" + _FROM + _FILTERS
_YEARS = """
SELECT DISTINCT p.year FROM rm_ledgers.projects p JOIN tree ON tree.code = p.tenant
WHERE (%(own)s = false OR p.tenant = %(tenant)s) ORDER BY p.year DESC
"""


class ProjectLine(Struct, frozen=True):
    """One row of a project list: who, what, the money (合计) and the scores."""

    project_id: str
    tenant: str
    tenant_name: str
    code: str
    name: str
    year: int
    department: str
    unit: str
    annual: Decimal  # 全年预算数
    received: Decimal  # 实际到位资金
    spent: Decimal  # 全年执行数
    funds_received_rate: Decimal | None  # 资金到位率
    execution_rate: Decimal | None  # 预算执行率 (支出 / 到位)
    budget_execution_rate: Decimal | None  # 执行率 B/A (支出 / 全年预算)
    flags: int
    version: int
    evaluations: list[dict[str, Any]]

    @property
    def self_evaluation(self) -> dict[str, Any] | None:
        return next((e for e in self.evaluations if e["kind"] == "self"), None)


def list_projects(
    conn: Connection[Any], tenant: str, year: int | None = None, *, subtree: bool = False
) -> list[ProjectLine]:
    """``tenant``'s projects (of ``year`` when given); with ``subtree``, its descendants' too."""
    params = {"tenant": tenant, "year": year, "total": TOTAL, "own": not subtree}
    with conn.cursor() as cur:
        rows = cur.execute(_SUBTREE + _PROJECTS, params).fetchall()
    return [ProjectLine(*row) for row in rows]


def page_projects(
    conn: Connection[Any], tenant: str, query: ListQuery, *, subtree: bool = False
) -> Page[ProjectLine]:
    """One page of ``tenant``'s projects (with ``subtree``, its descendants' too) matching the
    search and filters, with the total count and the years that have projects."""
    scope = {"tenant": tenant, "own": not subtree, "total": TOTAL}
    with conn.cursor() as cur:
        years = [int(r[0]) for r in cur.execute(_SUBTREE + _YEARS, scope).fetchall()]
        year = (years[0] if years else None) if query.latest else query.year
        args = {**scope, **params(query, year)}
        if query.latest and not years:  # nothing in any year: an empty page, not every year
            return page_of([], 0, query, None, years)
        row = cur.execute(_SUBTREE + _COUNT, args).fetchone()
        total = int(row[0]) if row else 0
        rows = cur.execute(_SUBTREE + _PAGE, args).fetchall() if total > query.offset else []
    return page_of([ProjectLine(*r) for r in rows], total, query, year, years)
