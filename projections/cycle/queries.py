"""Queries on the cycle projection: a bureau's declarations, the rounds that cover a bureau, and a
round's dashboard for a region (counts by warning level per child bureau, and the projects)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
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


def rounds(conn: Connection[Any], year: int | None) -> list[RoundRow]:
    rows = conn.execute(
        f"SELECT round_id, tenant, year, name, period_end, deadline, status, version FROM {SCHEMA}.rounds "
        "WHERE (%(year)s::int IS NULL OR year = %(year)s) ORDER BY year DESC, period_end DESC",
        {"year": year},
    ).fetchall()
    return [RoundRow(*r) for r in rows]


def region_projects(conn: Connection[Any], year: int) -> list[UUID]:
    """The projects of the year the caller's scope shows (a round's check covers them)."""
    return [r[0] for r in conn.execute("SELECT project_id FROM rm_ledgers.projects WHERE year = %s", (year,))]


class Dashboard(Struct):
    """A round's dashboard for a region: the round, each child bureau's counts, the root's own
    projects. Read in one statement (one snapshot, one round trip); the bureaus come named by
    their codes, the caller puts their names in (``services/api/names.py``: a join here would
    evaluate the caller's scope once more and double the statement's time)."""

    round: RoundRow | None
    tenant: str
    bureaus: list[BureauLevels]
    projects: list[ReportRow]


_DASHBOARD = f"""
SELECT json_build_object(
    'round', (SELECT row_to_json(r) FROM (
        SELECT round_id, tenant, year, name, period_end, deadline, status, version
        FROM {SCHEMA}.rounds WHERE round_id = %(round)s) r),
    'tenant', %(root)s::text,
    'bureaus', coalesce((SELECT json_agg(b ORDER BY b.tenant) FROM (
        SELECT t.path[%(depth)s + 1] AS tenant, t.path[%(depth)s + 1] AS name, sum(t.red)::int AS red,
               sum(t.amber)::int AS amber, sum(t.green)::int AS green
        FROM {SCHEMA}.tallies t
        WHERE t.round_id = %(round)s AND t.path[%(depth)s] = %(root)s AND cardinality(t.path) > %(depth)s
        GROUP BY 1) b), '[]'::json),
    'projects', coalesce((SELECT json_agg(p ORDER BY p.project_name) FROM (
        SELECT report_id, tenant, project_id, project_name, submitted, annual::text AS annual,
               spent::text AS spent, expected_year_end::text AS expected_year_end, level, open_alerts
        FROM {SCHEMA}.reports WHERE round_id = %(round)s AND tenant = %(root)s) p), '[]'::json)
)::text
"""
_DECODE = msgspec.json.Decoder(Dashboard)


def dashboard(conn: Connection[Any], round_id: UUID, root: str, depth: int) -> Dashboard:
    """``root``'s dashboard in a round (``depth``: the root's place in the tree, a province 1)."""
    row = conn.execute(_DASHBOARD, {"round": round_id, "root": root, "depth": depth}, prepare=True).fetchone()
    assert row is not None
    return _DECODE.decode(row[0])
