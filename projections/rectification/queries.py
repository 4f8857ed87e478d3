"""Reads of the rectification read model for the API (under the caller's row-level scope)."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

SCHEMA = "rm_rectification"
_COLUMNS = (
    "rectification_id, tenant, demander, project_id, project_name, year, source_kind, source_id, "
    "source_label, status, findings, send_by, sent_on, answer_by, warning, days_late, answers, version"
)


class RectificationRow(Struct, frozen=True):
    rectification_id: UUID
    tenant: str
    demander: str
    project_id: UUID
    project_name: str
    year: int
    source_kind: str
    source_id: UUID
    source_label: str
    status: str
    findings: int
    send_by: datetime.date
    sent_on: datetime.date | None
    answer_by: datetime.date | None
    warning: str | None  # send | answer: the overdue warning that stands
    days_late: int | None
    answers: int
    version: int


def rectifications(
    conn: Connection[Any], status: str | None, year: int | None, overdue: bool = False
) -> list[RectificationRow]:
    """The rectifications the caller's scope shows (its bureau and below): newest year first."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM {SCHEMA}.rectifications "
        "WHERE (%(status)s::text IS NULL OR status = %(status)s) AND (%(year)s::int IS NULL OR year = %(year)s) "
        "AND (NOT %(overdue)s OR warning IS NOT NULL) ORDER BY year DESC, tenant, project_name LIMIT 1000",
        {"status": status, "year": year, "overdue": overdue},
    ).fetchall()
    return [RectificationRow(*r) for r in rows]


def of_project(conn: Connection[Any], project: UUID) -> list[RectificationRow]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM {SCHEMA}.rectifications WHERE project_id = %s ORDER BY send_by",
        (project,),
    ).fetchall()
    return [RectificationRow(*r) for r in rows]


def not_closed(conn: Connection[Any]) -> list[tuple[UUID, str]]:
    """The rectifications not closed that the caller's scope shows, with their bureau (the
    overdue check's input)."""
    sql = f"SELECT rectification_id, tenant FROM {SCHEMA}.rectifications WHERE status <> 'closed'"
    return [(r[0], r[1]) for r in conn.execute(sql)]
