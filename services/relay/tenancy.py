"""Tenants as the relay and the NATS configuration need them, read from the event store itself.

A tenant's id is deterministic (``domain.ids.tenant_id``), so its registration is one indexed
lookup; nothing here waits for a projection to catch up.
"""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Connection

from domain.ids import tenant_id
from domain.tenants import Tenant
from services.eventlog.stream import EVENTS_TABLE
from services.relay.subjects import UNKNOWN, TenantTree

REGISTERED_TOPIC = f"{Tenant.Registered.__module__}:{Tenant.Registered.__qualname__}"


class _Registration(msgspec.Struct):
    code: str
    parent: str | None = None


_DECODE = msgspec.json.Decoder(_Registration)


def parent_of(conn: Connection[Any], code: str) -> str | None:
    """The registered parent (``None`` for a root), or ``UNKNOWN`` if the tenant was never registered."""
    row = conn.execute(
        f"SELECT state FROM {EVENTS_TABLE} WHERE originator_id = %s AND originator_version = 1 AND topic = %s",
        (tenant_id(code), REGISTERED_TOPIC),
    ).fetchone()
    return UNKNOWN if row is None else _DECODE.decode(bytes(row[0])).parent


def registered_paths(conn: Connection[Any]) -> dict[str, tuple[str, ...]]:
    """Every registered tenant with its path (for the NATS users)."""
    rows = conn.execute(f"SELECT state FROM {EVENTS_TABLE} WHERE topic = %s", (REGISTERED_TOPIC,)).fetchall()
    parents = {r.code: r.parent for r in (_DECODE.decode(bytes(row[0])) for row in rows)}
    tree = TenantTree(lambda code: parents.get(code, UNKNOWN))
    return {code: tree.path(code) for code in parents}
