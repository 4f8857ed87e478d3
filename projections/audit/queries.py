"""The auditors' questions: an evaluation's timeline, one deduction's history."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

SCHEMA = "rm_audit"


class Change(Struct, frozen=True):
    position: int
    version: int
    at: datetime.datetime
    actor_id: str
    role: str
    actor_tenant: str
    correlation_id: str
    reason: str
    action: str
    subject: str
    indicator: str | None
    before: Any
    after: Any


_COLUMNS = "position, version, at, actor_id, role, actor_tenant, correlation_id, reason, action, subject, indicator, before, after"


def timeline(conn: Connection[Any], aggregate_id: UUID) -> list[Change]:
    """Every change of one evaluation (or project), in order."""
    with conn.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_COLUMNS} FROM {SCHEMA}.changes WHERE aggregate_id = %s ORDER BY version",
            (aggregate_id,),
        ).fetchall()
    return [Change(*r) for r in rows]


def deduction_history(conn: Connection[Any], evaluation_id: UUID, deduction_id: str) -> list[Change]:
    """Who applied, revised and withdrew deduction ``deduction_id``, when, from what to what, and why."""
    with conn.cursor() as cur:
        rows = cur.execute(
            f"SELECT {_COLUMNS} FROM {SCHEMA}.changes WHERE aggregate_id = %s AND subject = %s "
            "AND action LIKE 'Deduction%%' ORDER BY version",
            (evaluation_id, deduction_id),
        ).fetchall()
    return [Change(*r) for r in rows]
