"""Queries on the cycle projection: a bureau's declarations, the rounds that cover a bureau, and a
round's dashboard for a region (counts by warning level per child bureau, and the projects)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

SCHEMA = "rm_cycle"


class DeclarationRow(Struct, frozen=True):
    declaration_id: UUID
    tenant: str
    project_id: UUID
    year: int
    project_name: str
    status: str
    versions: int
    grade: str | None
    version: int


class RoundRow(Struct, frozen=True):
    round_id: UUID
    tenant: str
    year: int
    name: str
    period_end: datetime.date
    deadline: datetime.date
    status: str
    version: int


class ReportRow(Struct, frozen=True):
    report_id: UUID
    tenant: str
    project_id: UUID
    project_name: str
    submitted: bool
    annual: Decimal
    spent: Decimal
    expected_year_end: Decimal | None
    level: str
    open_alerts: int


class BureauLevels(Struct, frozen=True):
    """One child bureau's region (itself and below) in a round: reports by level."""

    tenant: str
    name: str
    red: int
    amber: int
    green: int


def declarations(conn: Connection[Any], status: str | None, year: int | None) -> list[DeclarationRow]:
    """The declarations the caller's scope shows (its bureau and below), newest year first."""
    rows = conn.execute(
        f"SELECT declaration_id, tenant, project_id, year, project_name, status, versions, grade, version "
        f"FROM {SCHEMA}.declarations WHERE (%(status)s::text IS NULL OR status = %(status)s) "
        "AND (%(year)s::int IS NULL OR year = %(year)s) ORDER BY year DESC, tenant, project_name LIMIT 1000",
        {"status": status, "year": year},
    ).fetchall()
    return [DeclarationRow(*r) for r in rows]


def round_of(conn: Connection[Any], round_id: UUID) -> RoundRow | None:
    row = conn.execute(
        f"SELECT round_id, tenant, year, name, period_end, deadline, status, version FROM {SCHEMA}.rounds "
        "WHERE round_id = %s",
        (round_id,),
    ).fetchone()
    return None if row is None else RoundRow(*row)


def rounds(conn: Connection[Any], year: int | None) -> list[RoundRow]:
    rows = conn.execute(
        f"SELECT round_id, tenant, year, name, period_end, deadline, status, version FROM {SCHEMA}.rounds "
        "WHERE (%(year)s::int IS NULL OR year = %(year)s) ORDER BY year DESC, period_end DESC",
        {"year": year},
    ).fetchall()
    return [RoundRow(*r) for r in rows]


# a bureau's counts roll up to the child of the root on its path (path[depth] is the root)
_LEVELS = f"""
SELECT l.child, coalesce(c.name, l.child), l.red, l.amber, l.green FROM (
    SELECT t.path[%(depth)s + 1] AS child, sum(t.red)::int AS red, sum(t.amber)::int AS amber,
           sum(t.green)::int AS green
    FROM {SCHEMA}.tallies t
    WHERE t.round_id = %(round)s AND t.path[%(depth)s] = %(root)s AND cardinality(t.path) > %(depth)s
    GROUP BY 1
) l LEFT JOIN rm_tenants.tenants c ON c.code = l.child ORDER BY l.child
"""

_OWN = f"""
SELECT report_id, tenant, project_id, project_name, submitted, annual, spent, expected_year_end, level,
       open_alerts
FROM {SCHEMA}.reports WHERE round_id = %(round)s AND tenant = %(root)s ORDER BY project_name
"""


def round_levels(conn: Connection[Any], round_id: UUID, root: str, depth: int) -> list[BureauLevels]:
    """Each child bureau of ``root`` (at ``depth`` in the tree: a province 1, a city 2) with its
    region's reports counted by warning level."""
    args = {"round": round_id, "root": root, "depth": depth}
    return [BureauLevels(*r) for r in conn.execute(_LEVELS, args).fetchall()]


def round_reports(conn: Connection[Any], round_id: UUID, tenant: str) -> list[ReportRow]:
    """The reports of ``tenant``'s own projects in a round."""
    return [ReportRow(*r) for r in conn.execute(_OWN, {"round": round_id, "root": tenant}).fetchall()]


def region_projects(conn: Connection[Any], year: int) -> list[UUID]:
    """The projects of the year the caller's scope shows (a round's check covers them)."""
    return [r[0] for r in conn.execute("SELECT project_id FROM rm_ledgers.projects WHERE year = %s", (year,))]
