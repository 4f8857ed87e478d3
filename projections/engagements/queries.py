"""Reads of the engagements read model."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

SCHEMA = "rm_engagements"


class EngagementRow(Struct, frozen=True):
    engagement_id: UUID
    tenant: str
    firm_code: str
    firm_name: str
    name: str
    evaluations: list[UUID]
    start_on: datetime.date
    end_on: datetime.date
    staff: list[str]
    accepted_by: str
    declaration: str
    revoked: bool
    version: int


_COLUMNS = (
    "engagement_id, tenant, firm_code, firm_name, name, evaluations, start_on, end_on, staff, accepted_by, "
    "declaration, revoked, version"
)


def engagements(conn: Connection[Any]) -> list[EngagementRow]:
    """Every engagement the connection sees (the API's own role: all; the reader: its scope)."""
    return [
        EngagementRow(*r)
        for r in conn.execute(f"SELECT {_COLUMNS} FROM {SCHEMA}.engagements ORDER BY start_on DESC, name")
    ]
