"""The write path of a long-running server: group commit and the command cache.

**Group commit.** The event table is written under an exclusive lock and every commit waits for
its WAL flush, so one command per transaction caps a server at one flush per command however
many requests wait. ``GroupCommitter`` is one thread that takes every save queued while the
previous transaction committed and records them together: one lock, one INSERT, one flush for
the whole group. Each caller waits for its own save's outcome: an answer is given only after
its events are durable, as before. ``EventWriter`` records a group with one call of
``jixiao_insert_saves`` (``services/app/store.py``) in autocommit: lock, NOTIFY and INSERT in one
statement and one round trip, committed by the server without waiting for us. Under the lock the
function first finds the saves whose versions exist (someone else saved first: a stale command
cache, a concurrent writer) and stores all the others, so a collision costs only its own command
a retry, never the rest of its group.

**Snapshots in the background.** Every hundredth version a snapshot is due; encoding it is cheap,
writing it is a transaction and a WAL flush that the command's answer need not wait for (a lost
snapshot costs only speed: ``SnapshotWriter``).

**Command cache.** ``CommandCache`` keeps the aggregate as each command of this process left it,
so the next command on it decides without reading the log again. Entries are private copies that
nobody mutates; a command works on a copy of its entry. Another process (or another server) may
have saved since: the save then collides on the version, the application drops the entry,
reloads from the log and decides again (``JixiaoApplication.change``). Within the process,
commands on one aggregate take turns (``CommandCache.turn``): sixteen threads deducting on one
evaluation would otherwise collide on nearly every save and retry in circles.
"""

from __future__ import annotations

import copy
import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

log = logging.getLogger(__name__)


class _Save:
    __slots__ = ("done", "error", "ids", "stored")

    def __init__(self, stored: list[StoredEvent]) -> None:
        self.stored = stored
        self.ids: Sequence[int] | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


_STOP = _Save([])


Q = TypeVar("Q")


def _drain(source: queue.SimpleQueue[Q], first: Q, stop: object, limit: int) -> tuple[list[Q], bool]:
    """``first`` and whatever else is queued already, up to ``limit`` items; and whether ``stop`` came."""
    items = [first]
    while len(items) < limit:
        try:
            more = source.get_nowait()
        except queue.Empty:
            break
        if more is stop:
            return items, True
        items.append(more)
    return items, False


class EventWriter:
    """Records groups of saves with one ``jixiao_insert_saves`` call on a connection of its own
    (used by the committer's thread only); a broken connection is replaced on the next call.

    ``insert`` returns, per save, its events' positions, or None for a save refused because one of
    its versions exists (nothing of it stored; the group's other saves are). A group holding the
    same version twice raises the library's ``IntegrityError`` (nothing stored)."""

    def __init__(self, database_url: str) -> None:
        self._url = database_url
        self._conn: psycopg.Connection[Any] | None = None

    def insert(self, saves: Sequence[Sequence[StoredEvent]]) -> list[list[int] | None]:
        if self._conn is None or self._conn.closed:
            self._conn = psycopg.connect(self._url, autocommit=True)
        flat = [(k, s) for k, save in enumerate(saves) for s in save]
        try:
            rows = self._conn.execute(
                "SELECT * FROM jixiao_insert_saves(%s, %s, %s, %s, %s)",
                (
                    [k for k, _ in flat],
                    [s.originator_id for _, s in flat],
                    [s.originator_version for _, s in flat],
                    [s.topic for _, s in flat],
                    [s.state for _, s in flat],
                ),
                prepare=True,
            ).fetchall()
        except psycopg.errors.UniqueViolation as e:
            raise IntegrityError(str(e)) from e
        except psycopg.OperationalError:
            self._conn.close()  # whether the last call committed is unknown: the caller is told
            raise
        out: list[list[int] | None] = [[] for _ in saves]
        for k, position in rows:
            positions = out[k]
            if position is None:
                out[k] = None
            elif positions is not None:
                positions.append(position)
        return out

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


class GroupCommitter:
    """Records the saves of many threads in shared transactions (see the module's docstring).

    ``insert`` records saves (lists of stored events) in one transaction, as ``EventWriter.insert``:
    per save its notification ids, or None when one of its versions exists already."""

    def __init__(
        self,
        insert: Callable[[list[list[StoredEvent]]], list[list[int] | None]],
        *,
        max_saves: int = 500,
    ) -> None:
        self._insert = insert
        self._max_saves = max_saves
        self._queue: queue.SimpleQueue[_Save] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="jixiao-group-commit", daemon=True)
        self._thread.start()
        self.groups = 0  # transactions and saves recorded (the tests read them)
        self.saves = 0

    def insert(self, stored: list[StoredEvent]) -> Sequence[int] | None:
        """Record ``stored`` (one save's events); returns their notification ids once committed."""
        if self._closed:
            raise RuntimeError("group commit has stopped")
        save = _Save(stored)
        self._queue.put(save)
        save.done.wait()
        if save.error is not None:
            raise save.error
        return save.ids

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while (first := self._queue.get()) is not _STOP:
            group, stop = _drain(self._queue, first, _STOP, self._max_saves)
            self._record(group)
            if stop:
                return

    def _record(self, group: list[_Save]) -> None:
        try:
            try:
                results = self._insert([save.stored for save in group])
            except IntegrityError:
                if len(group) == 1:
                    raise
                for save in group:  # the same version twice in the group: record them one by one
                    self._record([save])
                return
            self.groups += 1
            for save, ids in zip(group, results, strict=True):
                if ids is None:
                    save.error = IntegrityError(f"{save.stored[0].originator_id} 的版本已存在")
                else:
                    save.ids = ids
                    self.saves += 1
        except BaseException as error:  # unreachable database, refused group: every save is told
            for save in group:
                if save.ids is None and save.error is None:
                    save.error = error
        finally:
            for save in group:
                save.done.set()


class CommandCache:
    """The last saved state of recently changed aggregates (see the module's docstring)."""

    STRIPES = 256

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._entries: OrderedDict[UUID, Aggregate] = OrderedDict()
        self._turns = [threading.RLock() for _ in range(self.STRIPES)]

    def turn(self, aggregate_id: UUID) -> threading.RLock:
        """The lock a command on this aggregate holds from load to saved (shared by a few ids;
        re-entrant, so a command that changes another aggregate on the same stripe cannot hang)."""
        return self._turns[aggregate_id.int % self.STRIPES]

    def copy(self, aggregate_id: UUID) -> Any:
        """A private copy of the entry, or None."""
        with self._lock:
            entry = self._entries.get(aggregate_id)
            if entry is None:
                return None
            self._entries.move_to_end(aggregate_id)
        return copy.deepcopy(entry)

    def put(self, aggregate: Aggregate) -> None:
        entry = copy.deepcopy(aggregate)  # the caller keeps its object; the entry stays untouched
        with self._lock:
            self._entries[aggregate.id] = entry
            self._entries.move_to_end(aggregate.id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def drop(self, aggregate_id: UUID) -> None:
        with self._lock:
            self._entries.pop(aggregate_id, None)


class SnapshotWriter:
    """Writes snapshot rows (``snapshots.row``) from a thread of its own, in the order given."""

    def __init__(self, database_url: str, insert_sql: str) -> None:
        self._url = database_url
        self._sql = insert_sql
        self._queue: queue.SimpleQueue[tuple[Any, ...] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="jixiao-snapshots", daemon=True)
        self._thread.start()

    def submit(self, rows: list[tuple[Any, ...]]) -> None:
        for r in rows:
            self._queue.put(r)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=30)

    def _run(self) -> None:
        conn: psycopg.Connection[Any] | None = None
        while (first := self._queue.get()) is not None:
            rows, stop = _drain(self._queue, first, None, 1000)
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self._url)
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(self._sql, [r for r in rows if r is not None])
            except psycopg.Error:
                log.warning("快照写入失败（仅影响回溯速度）", exc_info=True)
                if conn is not None:
                    conn.close()
            if stop:
                break
        if conn is not None:
            conn.close()
