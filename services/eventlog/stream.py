"""The event log as projections read it: rows after a position, in the global order.

The library's default write path locks the events table while inserting, so notification ids
become visible in order and a reader asking for ``> position`` never skips a row.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from psycopg import Cursor

from services.eventlog.mapper import MsgspecMapper, split_topic

EVENTS_TABLE = "jixiao_events"
CHANNEL = "jixiao_events"  # the library NOTIFYs this channel on every insert

_MAPPER = MsgspecMapper()


@dataclass(frozen=True, slots=True)
class Envelope:
    position: int
    originator_id: UUID
    version: int
    topic: str
    state: bytes
    event: Any

    @property
    def tenant(self) -> str:
        return str(self.event.meta.tenant)

    @property
    def timestamp(self) -> datetime.datetime:
        ts: datetime.datetime = self.event.timestamp
        return ts

    @property
    def type_name(self) -> str:
        """``Evaluation.DeductionApplied`` from the topic ``domain.evaluation:Evaluation.DeductionApplied``."""
        return split_topic(self.topic)[0].rpartition(":")[2]


Row = tuple[int, UUID, int, str, bytes]  # position, originator id, version, topic, stored JSON


def read_rows(
    cur: Cursor[Any],
    after: int,
    limit: int,
    upto: int | None = None,
    partition: tuple[int, int] | None = None,
) -> list[Row]:
    """The stored rows after ``after``, undecoded (the relay decodes them its own way).

    ``partition=(k, n)`` keeps the aggregates whose id's last byte is k modulo n: every event of
    one aggregate falls in one partition, in its order (a parallel rebuild's share)."""
    query = (
        f"SELECT notification_id, originator_id, originator_version, topic, state FROM {EVENTS_TABLE} "
        "WHERE notification_id > %s"
        + (" AND notification_id <= %s" if upto is not None else "")
        + (" AND get_byte(uuid_send(originator_id), 15) %% %s = %s" if partition is not None else "")
        + " ORDER BY notification_id LIMIT %s"
    )
    params: tuple[int, ...] = (after,)
    if upto is not None:
        params += (upto,)
    if partition is not None:
        params += (partition[1], partition[0])
    rows: list[Row] = cur.execute(query, (*params, limit), prepare=True).fetchall()
    return rows


def decode_rows(rows: list[Row]) -> list[Envelope]:
    decode = _MAPPER.decode_row
    return [
        Envelope(pos, oid, ver, topic, bytes(state), decode(oid, ver, topic, state))
        for pos, oid, ver, topic, state in rows
    ]


def read_batch(cur: Cursor[Any], after: int, limit: int, upto: int | None = None) -> list[Envelope]:
    return decode_rows(read_rows(cur, after, limit, upto))


class _Stamp(msgspec.Struct):
    timestamp: datetime.datetime


def head(cur: Cursor[Any]) -> tuple[int, datetime.datetime | None]:
    """The newest position and its event time (0, None on an empty log)."""
    row = cur.execute(
        f"SELECT notification_id, state FROM {EVENTS_TABLE} ORDER BY notification_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return 0, None
    return int(row[0]), msgspec.json.decode(bytes(row[1]), type=_Stamp).timestamp


def oldest_after(cur: Cursor[Any], position: int) -> datetime.datetime | None:
    """The event time of the first event after ``position`` (None when there is none)."""
    row = cur.execute(
        f"SELECT state FROM {EVENTS_TABLE} WHERE notification_id > %s ORDER BY notification_id LIMIT 1",
        (position,),
    ).fetchone()
    return None if row is None else msgspec.json.decode(bytes(row[0]), type=_Stamp).timestamp


def undecodable(cur: Cursor[Any], limit: int = 20, batch: int = 1000) -> list[tuple[int, str, str]]:
    """The stored rows that are not events this platform wrote (their JSON or topic unreadable):
    (position, topic, why), the first ``limit``. What ``jixiao verify`` names instead of failing."""
    decode = _MAPPER.decode_row
    found: list[tuple[int, str, str]] = []
    after = 0
    while len(found) < limit:
        rows = read_rows(cur, after, batch)
        if not rows:
            break
        for pos, oid, ver, topic, state in rows:
            try:
                decode(oid, ver, topic, state)
            except Exception as e:  # any failure to read it back is the finding
                found.append((pos, topic, (str(e).strip().splitlines() or [type(e).__name__])[0]))
        after = rows[-1][0]
    return found[:limit]
