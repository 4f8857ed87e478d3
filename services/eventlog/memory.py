"""The event log's in-memory twin, for unit tests: the same port, the same mapper, the same
refusals as ``PostgresEventLog`` (``tests/contracts/test_event_log.py`` runs one suite on both).

Events are kept as the stored rows the real log would hold (topic and JSON from the same
mapper), so a unit test on the twin also proves that every event it stores can be encoded and
decoded. One lock stands for the real log's table lock.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import takewhile
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

from services.eventlog import snapshots
from services.eventlog.mapper import MsgspecMapper
from services.eventlog.port import Conflict, NotInLog, Row
from services.eventlog.replay import replay

A = TypeVar("A")
R = TypeVar("R")


class InMemoryEventLog:
    def __init__(self) -> None:
        self.mapper = MsgspecMapper()
        self._lock = threading.RLock()
        self._rows: list[Row] = []
        self._by_id: dict[UUID, list[Row]] = {}
        self._snapshots: dict[UUID, list[tuple[int, datetime.datetime, str, bytes]]] = {}

    # ---- reading ----------------------------------------------------------------------------
    def exists(self, aggregate_id: UUID) -> bool:
        return aggregate_id in self._by_id

    def load(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        until: datetime.datetime | None = None,
        start: Any = None,
        use_snapshots: bool = True,
    ) -> Any:
        with self._lock:
            rows = list(self._by_id.get(aggregate_id, ()))
            taken = list(self._snapshots.get(aggregate_id, ()))
        aggregate: Any = start
        if aggregate is None and use_snapshots:
            fitting = [
                s for s in taken if (version is None or s[0] <= version) and (until is None or s[1] <= until)
            ]
            if fitting:
                newest = max(fitting, key=lambda s: s[0])
                aggregate = snapshots.decode(newest[2], newest[3])
        after = 0 if aggregate is None else aggregate.version
        decode = self.mapper.decode_row
        events: Iterable[Any] = (
            decode(oid, v, topic, state)
            for _, oid, v, topic, state in rows
            if v > after and (version is None or v <= version)
        )
        if until is not None:
            events = takewhile(lambda e: e.timestamp <= until, events)
        aggregate = replay(aggregate, events)
        if aggregate is None:
            raise NotInLog(aggregate_id)
        return aggregate

    def current_version(self, aggregate_id: UUID) -> int | None:
        rows = self._by_id.get(aggregate_id)
        return rows[-1][2] if rows else None

    def read(self, after: int, limit: int) -> list[Row]:
        with self._lock:
            # positions are 1, 2, 3 … with no gaps: the row after ``after`` is at index ``after``
            return self._rows[max(after, 0) : max(after, 0) + limit]

    # ---- writing ----------------------------------------------------------------------------
    def append(self, events: Sequence[Any]) -> list[int]:
        stored = [self.mapper.to_stored_event(e) for e in events]
        with self._lock:
            found = self._insert([stored])[0]
        if found is None:
            raise Conflict("记录已被他人修改，请刷新后重试")
        return found

    async def append_group(self, saves: Sequence[Sequence[StoredEvent]]) -> list[list[int] | None]:
        with self._lock:
            return self._insert(saves)

    def _insert(self, saves: Sequence[Sequence[StoredEvent]]) -> list[list[int] | None]:
        """As ``jixiao_insert_saves``: saves whose versions exist are left out; one version twice
        in the group fails the whole group (the real table's primary key)."""
        wanted = [(s.originator_id, s.originator_version) for save in saves for s in save]
        if len(set(wanted)) != len(wanted):
            raise IntegrityError("同一版本在一组保存中出现两次")
        out: list[list[int] | None] = []
        for save in saves:
            if any(self._has(s.originator_id, s.originator_version) for s in save):
                out.append(None)
                continue
            positions = []
            for s in save:
                oid = s.originator_id if isinstance(s.originator_id, UUID) else UUID(str(s.originator_id))
                row: Row = (len(self._rows) + 1, oid, s.originator_version, s.topic, bytes(s.state))
                self._rows.append(row)
                self._by_id.setdefault(oid, []).append(row)
                positions.append(row[0])
            out.append(positions)
        return out

    def _has(self, originator_id: Any, version: int) -> bool:
        rows = self._by_id.get(originator_id if isinstance(originator_id, UUID) else UUID(str(originator_id)))
        return rows is not None and any(r[2] == version for r in rows)

    def decide_locked(self, behind: A, decide: Callable[[A], R]) -> tuple[A, R]:
        with self._lock:
            aggregate: Any = self.load(behind.id, start=behind)  # type: ignore[attr-defined]
            result = decide(aggregate)
            self.append(aggregate.collect_events())
        return aggregate, result

    # ---- snapshots --------------------------------------------------------------------------
    def save_snapshots(self, aggregates: Sequence[Any]) -> None:
        with self._lock:
            for a in aggregates:
                oid, version, taken_at, kind, state = snapshots.row(a)
                kept = self._snapshots.setdefault(oid, [])
                if all(v != version for v, *_ in kept):
                    kept.append((version, taken_at, kind, state))

    def stale_snapshots(self, tenant: str | None = None) -> list[tuple[UUID, int]]:
        bad = []
        for oid, taken in sorted(self._snapshots.items()):
            for version, _, _, state in sorted(taken):
                folded = self.load(oid, version=version, use_snapshots=False)
                if tenant is not None and folded.tenant != tenant:
                    continue
                if snapshots.encode(folded) != state:
                    bad.append((oid, version))
        return bad

    def tamper_snapshot(self, aggregate_id: UUID, version: int, state: bytes) -> None:
        """For tests of ``stale_snapshots``: what an attacker with write access would do."""
        with self._lock:
            kept = self._snapshots[aggregate_id]
            kept[:] = [(v, t, k, state if v == version else s) for v, t, k, s in kept]

    async def aclose(self) -> None:
        return None

    def close(self) -> None:
        return None
