"""Reads of the evidence read model (run as jixiao_reader: only the caller's bureaus' rows)."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

SCHEMA = "rm_evidence"
_COLUMNS = (
    "evidence_id, attachment_id, kind, owner, key, sha256, size, media_type, name, note, attached_at, "
    "attached_by, detached, detached_at, detached_by, detach_reason"
)


class EvidenceRow(Struct, frozen=True):
    evidence_id: UUID
    attachment_id: str
    kind: str
    owner: UUID
    key: str
    sha256: str
    size: int
    media_type: str
    name: str
    note: str
    attached_at: datetime.datetime
    attached_by: str
    detached: bool
    detached_at: datetime.datetime | None
    detached_by: str | None
    detach_reason: str


def evidence_of_owner(
    conn: Connection[Any],
    owner: UUID,
    kind: str | None = None,
    key: str | None = None,
    *,
    removed: bool = False,
) -> list[EvidenceRow]:
    """The files attached to things of ``owner`` (an evaluation, a project), optionally of one
    kind and key, in the order they were attached; removed ones only when asked."""
    sql = f"SELECT {_COLUMNS} FROM {SCHEMA}.files WHERE owner = %s"
    params: list[Any] = [owner]
    if kind is not None:
        sql += " AND kind = %s"
        params.append(kind)
    if key is not None:
        sql += " AND key = %s"
        params.append(key)
    if not removed:
        sql += " AND NOT detached"
    with conn.cursor() as cur:
        rows = cur.execute(sql + " ORDER BY position", params).fetchall()
    return [EvidenceRow(*r) for r in rows]
