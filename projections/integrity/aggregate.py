"""One aggregate's events checked against the hash chain: the integrity badge of a scorecard.

``jixiao verify`` checks the whole store; an auditor looking at one evaluation wants to know
whether *its* events are intact without scanning everything. Each stored event's content hash
is recomputed and compared with the chain entry at its position; versions must run 1…n without
a gap (a deleted event leaves one). Events newer than the chain (the projector has not reached
them yet) are reported as pending, not as faults.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

from projections.integrity.chain import content_hash
from services.eventlog.stream import EVENTS_TABLE

SCHEMA = "rm_integrity"


class AggregateIntegrity(Struct, frozen=True):
    events: int
    verified: int  # events whose content hash matches the chain
    pending: int  # events not yet chained
    problems: list[str]  # Chinese, one per fault

    @property
    def ok(self) -> bool:
        return not self.problems


def check_aggregate(conn: Connection[Any], aggregate_id: UUID) -> AggregateIntegrity:
    with conn.cursor() as cur:
        rows = cur.execute(
            f"SELECT e.notification_id, e.originator_version, e.topic, e.state, c.content_hash "
            f"FROM {EVENTS_TABLE} e LEFT JOIN {SCHEMA}.chain c ON c.position = e.notification_id "
            "WHERE e.originator_id = %s ORDER BY e.originator_version",
            (aggregate_id,),
        ).fetchall()
    problems: list[str] = []
    verified = pending = 0
    for expected, (position, version, topic, state, chained) in enumerate(rows, 1):
        if version != expected:
            problems.append(f"第 {expected} 版事件缺失（位置 {position} 之前）：事件被删除")
            break
        if chained is None:
            pending += 1
        elif bytes(chained) == content_hash(aggregate_id, int(version), topic, bytes(state)):
            verified += 1
        else:
            problems.append(f"第 {version} 版事件（位置 {position}）与哈希链不符：事件内容被修改")
    return AggregateIntegrity(len(rows), verified, pending, problems)
