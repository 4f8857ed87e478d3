"""Reads of the 结果应用 read model for the API (under the caller's row-level scope)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

SCHEMA = "rm_results"
_COLUMNS = (
    "recommendation_id, tenant, evaluation_id, project_id, project_name, year, grade, total, policy_tenant, "
    "policy_version, rectification, advice, cut_pct, decision, applied_advice, applied_cut_pct, decided_on, version"
)


class RecommendationRow(Struct, frozen=True):
    recommendation_id: UUID
    tenant: str
    evaluation_id: UUID
    project_id: UUID
    project_name: str
    year: int  # the evaluated year (the advice is for the next cycle)
    grade: str
    total: Decimal
    policy_tenant: str
    policy_version: int
    rectification: str
    advice: str
    cut_pct: Decimal
    decision: str | None
    applied_advice: str | None
    applied_cut_pct: Decimal | None
    decided_on: datetime.date | None
    version: int


def recommendations(
    conn: Connection[Any], year: int | None, advice: str | None, undecided: bool = False
) -> list[RecommendationRow]:
    """The recommendations the caller's scope shows (its bureau and below), newest year first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM {SCHEMA}.recommendations "
        "WHERE (%(year)s::int IS NULL OR year = %(year)s) AND (%(advice)s::text IS NULL OR advice = %(advice)s) "
        "AND (NOT %(undecided)s OR decision IS NULL) ORDER BY year DESC, tenant, project_name LIMIT 5000",
        {"year": year, "advice": advice, "undecided": undecided},
    ).fetchall()
    return [RecommendationRow(*r) for r in rows]


def of_project(conn: Connection[Any], project: UUID) -> list[RecommendationRow]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM {SCHEMA}.recommendations WHERE project_id = %s ORDER BY year", (project,)
    ).fetchall()
    return [RecommendationRow(*r) for r in rows]
