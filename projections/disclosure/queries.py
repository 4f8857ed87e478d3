"""Queries on the disclosure projection.

``publications``: a bureau's own list (live and withdrawn, with the reason), read under the
caller's scope. ``public``: what a bureau's public page shows — read from the ``public`` table only
(live content of projects not 涉密), under a scope listing exactly that bureau.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

import msgspec
from msgspec import Struct
from psycopg import Connection

from domain.disclosure import Content

SCHEMA = "rm_disclosure"
_CONTENT = msgspec.json.Decoder(Content)


class PublicationRow(Struct, frozen=True):
    register_id: UUID
    key: str
    tenant: str
    project_id: UUID
    year: int
    kind: str
    source_id: UUID
    source_version: int
    project_code: str
    project_name: str
    published_at: datetime.datetime
    withdrawn: bool
    withdrawn_reason: str
    version: int
    content: Content


class PublicItem(Struct, frozen=True):
    """One item of a public page: the frozen content as published, and when."""

    key: str
    year: int
    kind: str
    project_code: str
    project_name: str
    published_at: datetime.datetime
    content: Content


def _content(value: Any) -> Content:
    raw = value if isinstance(value, str | bytes) else msgspec.json.encode(value)
    return _CONTENT.decode(raw)


def publications(
    conn: Connection[Any], tenant: str | None, year: int | None, withdrawn: bool | None = None
) -> list[PublicationRow]:
    """Publications the caller's scope shows (one bureau's when ``tenant``), newest first."""
    rows = conn.execute(
        "SELECT register_id, key, tenant, project_id, year, kind, source_id, source_version, project_code, "
        f"project_name, published_at, withdrawn, withdrawn_reason, version, content::text FROM {SCHEMA}.publications "
        "WHERE (%(t)s::text IS NULL OR tenant = %(t)s) AND (%(y)s::int IS NULL OR year = %(y)s) "
        "AND (%(w)s::boolean IS NULL OR withdrawn = %(w)s) "
        "ORDER BY year DESC, published_at DESC LIMIT 1000",
        {"t": tenant, "y": year, "w": withdrawn},
    ).fetchall()
    return [PublicationRow(*r[:14], content=_content(r[14])) for r in rows]  # type: ignore[misc]


def public(conn: Connection[Any], tenant: str, year: int | None) -> list[PublicItem]:
    """A bureau's public page: live publications only, by year (newest first)."""
    rows = conn.execute(
        "SELECT key, year, kind, project_code, project_name, published_at, content::text "
        f"FROM {SCHEMA}.public WHERE tenant = %(t)s AND (%(y)s::int IS NULL OR year = %(y)s) "
        "ORDER BY year DESC, project_code, kind LIMIT 2000",
        {"t": tenant, "y": year},
    ).fetchall()
    return [PublicItem(r[0], r[1], r[2], r[3], r[4], r[5], _content(r[6])) for r in rows]
