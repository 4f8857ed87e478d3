"""Reading scorecards (for the HTTP API): the same ``Scorecard`` shape time travel returns."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Connection

from projections.scorecards.rows import DeductionRow, IndicatorRow, Scorecard

SCHEMA = "rm_scorecards"


def get_scorecard(conn: Connection[Any], evaluation_id: UUID) -> Scorecard | None:
    with conn.cursor() as cur:
        card = cur.execute(
            f"SELECT evaluation_id::text, tenant, project_id::text, year, kind, evaluator, third_party, status, "
            f"total, grade, stated_total, stated_grade, flags, version FROM {SCHEMA}.scorecards WHERE evaluation_id = %s",
            (evaluation_id,),
        ).fetchone()
        if card is None:
            return None
        indicators = [
            IndicatorRow(*row)
            for row in cur.execute(
                f"SELECT key, parent, level, name, weight, rule, standard, target, actual, rule_score, deducted, score, "
                f"stated_score, deviation, not_applicable, explanation FROM {SCHEMA}.indicators "
                "WHERE evaluation_id = %s ORDER BY ord",
                (evaluation_id,),
            ).fetchall()
        ]
        deductions = [
            DeductionRow(*row)
            for row in cur.execute(
                f"SELECT deduction_id, key, points, reason, active FROM {SCHEMA}.deductions WHERE evaluation_id = %s",
                (evaluation_id,),
            ).fetchall()
        ]
    head = dict(zip(Scorecard.__struct_fields__, card, strict=False))
    return Scorecard(**head, indicators=indicators, deductions=deductions)


def list_scorecards(conn: Connection[Any], tenant: str, year: int | None = None) -> list[dict[str, Any]]:
    """A bureau's evaluations: id, project, kind, status, total, grade, number of flags."""
    query = (
        f"SELECT evaluation_id, project_id, year, kind, evaluator, status, total, grade, jsonb_array_length(flags) "
        f"FROM {SCHEMA}.scorecards WHERE tenant = %s"
        + (" AND year = %s" if year is not None else "")
        + " ORDER BY year, project_id, kind"
    )
    params: tuple[Any, ...] = (tenant, year) if year is not None else (tenant,)
    cols = ("evaluation_id", "project_id", "year", "kind", "evaluator", "status", "total", "grade", "flags")
    with conn.cursor() as cur:
        return [dict(zip(cols, row, strict=True)) for row in cur.execute(query, params).fetchall()]
