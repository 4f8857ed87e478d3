"""The relay's position in PostgreSQL, like a projection's: schema ``relay``, one tracking row.

``position`` is the last event JetStream acknowledged (never one only sent), ``checkpoint_position``
the last integrity checkpoint acknowledged, ``seq`` the stream sequence of that message.
``marks`` keeps (position, stream sequence) once per commit: it lets ``jixiao subscribe
--from-position`` start a consumer near a position instead of at the stream's beginning.
"""

from __future__ import annotations

import datetime
import zlib
from dataclasses import dataclass
from typing import Any

from psycopg import Connection

from projections.core.runner import Status
from services.eventlog.stream import head, oldest_after

SCHEMA = "relay"
NAME = "relay"
VERSION = 1
LOCK_KEY = zlib.crc32(b"jixiao.relay.nats")  # one relay at a time (a session lock, held while running)


@dataclass(frozen=True)
class Cursor:
    position: int
    checkpoint_position: int
    seq: int


def ensure(conn: Connection[Any]) -> None:
    with conn.transaction():
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA}.tracking (one boolean PRIMARY KEY DEFAULT true CHECK (one), "
            "position bigint NOT NULL, checkpoint_position bigint NOT NULL, seq bigint NOT NULL, "
            "updated_at timestamptz NOT NULL DEFAULT now())"
        )
        conn.execute(
            f"INSERT INTO {SCHEMA}.tracking (position, checkpoint_position, seq) VALUES (0, 0, 0) "
            "ON CONFLICT (one) DO NOTHING"
        )
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {SCHEMA}.marks (position bigint PRIMARY KEY, seq bigint NOT NULL)"
        )


def load(conn: Connection[Any]) -> Cursor:
    row = conn.execute(f"SELECT position, checkpoint_position, seq FROM {SCHEMA}.tracking").fetchone()
    assert row is not None
    return Cursor(int(row[0]), int(row[1]), int(row[2]))


def save(conn: Connection[Any], cursor: Cursor) -> None:
    with conn.transaction():
        conn.execute(
            f"UPDATE {SCHEMA}.tracking SET position = %s, checkpoint_position = %s, seq = %s, updated_at = now()",
            (cursor.position, cursor.checkpoint_position, cursor.seq),
        )
        if cursor.seq > 0:
            conn.execute(
                f"INSERT INTO {SCHEMA}.marks VALUES (%s, %s) ON CONFLICT (position) DO UPDATE SET seq = excluded.seq",
                (cursor.position, cursor.seq),
            )


def sequence_before(conn: Connection[Any], position: int) -> int:
    """The stream sequence of the newest mark before ``position`` (0: from the stream's start)."""
    row = conn.execute(
        f"SELECT seq FROM {SCHEMA}.marks WHERE position < %s ORDER BY position DESC LIMIT 1", (position,)
    ).fetchone()
    return int(row[0]) if row else 0


def status(conn: Connection[Any]) -> Status:
    """Position and lag, in the shape ``jixiao projections status`` prints for projections."""
    with conn.cursor() as cur:
        top, _ = head(cur)
        position = load(conn).position
        waiting = oldest_after(cur, position) if top > position else None
    lag_s = (datetime.datetime.now(datetime.UTC) - waiting).total_seconds() if waiting else 0.0
    return Status(NAME, VERSION, position, top, top - position, max(0.0, lag_s))
