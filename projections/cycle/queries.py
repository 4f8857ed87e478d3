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
    alerts: Any


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


def rounds(conn: Connection[Any], year: int | None) -> list[RoundRow]:
    rows = conn.execute(
        f"SELECT round_id, tenant, year, name, period_end, deadline, status, version FROM {SCHEMA}.rounds "
        "WHERE (%(year)s::int IS NULL OR year = %(year)s) ORDER BY year DESC, period_end DESC",
        {"year": year},
    ).fetchall()
    return [RoundRow(*r) for r in rows]


_LEVELS = f"""
WITH RECURSIVE below AS (
    SELECT code, code AS child FROM rm_tenants.tenants WHERE parent = %(root)s
    UNION ALL SELECT t.code, below.child FROM rm_tenants.tenants t JOIN below ON t.parent = below.code
)
SELECT c.code, c.name,
       count(*) FILTER (WHERE r.level = 'red'), count(*) FILTER (WHERE r.level = 'amber'),
       count(*) FILTER (WHERE r.level = 'green')
FROM below JOIN {SCHEMA}.reports r ON r.tenant = below.code AND r.round_id = %(round)s
JOIN rm_tenants.tenants c ON c.code = below.child
GROUP BY c.code, c.name ORDER BY c.code
"""

_OWN = f"""
SELECT report_id, tenant, project_id, project_name, submitted, annual, spent, expected_year_end, level,
       open_alerts, alerts
FROM {SCHEMA}.reports WHERE round_id = %(round)s AND tenant = %(root)s ORDER BY project_name
"""


def round_levels(conn: Connection[Any], round_id: UUID, root: str) -> list[BureauLevels]:
    """Each child bureau of ``root`` with its region's reports counted by warning level."""
    return [BureauLevels(*r) for r in conn.execute(_LEVELS, {"round": round_id, "root": root}).fetchall()]


def round_reports(conn: Connection[Any], round_id: UUID, tenant: str) -> list[ReportRow]:
    """The reports of ``tenant``'s own projects in a round."""
    return [ReportRow(*r) for r in conn.execute(_OWN, {"round": round_id, "root": tenant}).fetchall()]


def region_projects(conn: Connection[Any], year: int) -> list[UUID]:
    """The projects of the year the caller's scope shows (a round's check covers them)."""
    return [r[0] for r in conn.execute("SELECT project_id FROM rm_ledgers.projects WHERE year = %s", (year,))]
