"""The write path of a long-running server: group commit and the command cache.

**Group commit.** The event table is written under an exclusive lock and every commit waits for
its WAL flush, so one command per transaction caps a server at one flush per command however
many requests wait. ``GroupCommitter`` is a task on an event loop that takes every save queued
while the previous transaction committed and records them together: one lock, one INSERT, one
flush for the whole group. Each caller waits for its own save's outcome: an answer is given only
after its events are durable, as before. A save whose versions exist (someone else saved first:
a stale command cache, a concurrent writer) is refused alone, so a collision costs only its own
command a retry, never the rest of its group.

**One loop for every command.** In the API the group commit runs on the server's event loop, and
so does every command (``UnitOfWork.change_async``): it takes its aggregate's turn, decides
on the cached state and awaits its save, all on one thread. Handing each command to a worker
thread and its save to a committer thread and back cost four GIL hand-overs per command:
milliseconds each under load (measured at 1,000 commands/s on two cores: p50 5–12 → about 2 ms,
p99 23–32 → 11–17 ms; ``docs/api.md``).
Without a server loop (scripts, tests) the committer runs a loop in a thread of its own; threads
hand their commands to it either way (``GroupCommitter.call``). The recording itself is the event
log's (``EventLog.append_group``; on PostgreSQL one call of ``jixiao_insert_saves``).

**Command cache.** ``CommandCache`` keeps the aggregate as each command of this process left it,
so the next command on it decides without reading the log again. Entries are private copies that
nobody mutates; a command works on a copy of its entry. Another process (or another server) may
have saved since: the save then collides on the version, the application drops the entry,
reloads from the log and decides again. Within the process, commands on one aggregate take turns
(``CommandCache.turn``): sixteen commands deducting on one evaluation would otherwise collide on
nearly every save and retry in circles. Between processes a collision is caught up on (the events
since the state decided on) and decided again; one that collides twice decides holding the event
table's lock (``UnitOfWork._change_locked``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import threading
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, StoredEvent

from services.app.lru import Lru
from services.eventlog.background import drain


class _Save:
    __slots__ = ("future", "stored")

    def __init__(self, stored: list[StoredEvent], future: asyncio.Future[Sequence[int]]) -> None:
        self.stored = stored
        self.future = future


T = TypeVar("T")


Insert = Callable[[list[list[StoredEvent]]], Awaitable[list[list[int] | None]]]


class GroupCommitter:
    """Records the saves of many commands in shared transactions (see the module's docstring).

    The committer is a task on an event loop: the server's own (``loop``, given from inside it:
    commands awaiting ``insert_async`` then never leave the loop's thread), or else a private
    loop in a thread of its own. Threads call ``insert``, which hands the save to that loop and
    waits. ``insert`` (the recording function, e.g. ``EventLog.append_group``) records saves in one
    transaction: per save its positions, or None when one of its versions exists already.
    ``closing`` runs on the loop after the last group (e.g. ``EventLog.aclose``)."""

    def __init__(
        self,
        insert: Insert,
        *,
        max_saves: int = 500,
        closing: Callable[[], Awaitable[None]] | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._insert = insert
        self._closing = closing
        self._max_saves = max_saves
        self._closed = False
        self.groups = 0  # transactions and saves recorded (the tests read them)
        self.saves = 0
        self._queue: asyncio.Queue[_Save | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        if loop is None:
            loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=loop.run_forever, name="jixiao-group-commit", daemon=True)
        self._loop = loop  # before the thread starts: its first callback (_start) reads it
        if self._thread is not None:
            self._thread.start()
            loop.call_soon_threadsafe(self._start)
        else:
            self._start()

    def _start(self) -> None:
        self._task = self._loop.create_task(self._run())

    def on_loop(self) -> bool:
        """Whether the caller runs on the committer's event loop (and may await ``insert_async``)."""
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False

    async def insert_async(self, stored: list[StoredEvent]) -> Sequence[int]:
        """Record ``stored`` (one save's events), on the committer's loop; returns their positions
        once committed. Raises ``IntegrityError`` when one of the versions exists already."""
        if self._closed:
            raise RuntimeError("group commit has stopped")
        future: asyncio.Future[Sequence[int]] = self._loop.create_future()
        self._queue.put_nowait(_Save(stored, future))
        return await future

    def insert(self, stored: list[StoredEvent]) -> Sequence[int]:
        """``insert_async`` for a thread that is not the loop's: hands the save over and waits."""
        return self.call(self.insert_async(stored))

    def submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``work`` on the committer's loop (from any other thread or loop)."""
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` on the committer's loop and wait for its result (from another thread)."""
        if self.on_loop():
            work.close()
            raise RuntimeError("waiting here would block the committer's own loop: await instead")
        return self.submit(work).result()

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    async def aclose(self) -> None:
        """Stop after the saves queued so far (on the committer's loop)."""
        if not self._closed:
            self._closed = True
            self._queue.put_nowait(None)
        if self._task is not None:
            await self._task

    def close(self) -> None:
        """``aclose`` from another thread; a private loop's thread ends with it."""
        stopped = self._closed and self._task is not None and self._task.done()
        if self._loop.is_closed() or (stopped and self._thread is None):
            return
        if self.on_loop():
            raise RuntimeError("close() would block the committer's own loop: await aclose()")
        if not stopped:
            asyncio.run_coroutine_threadsafe(self.aclose(), self._loop).result(timeout=30)
        if self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            self._loop.close()

    async def _run(self) -> None:
        while (first := await self._queue.get()) is not None:
            group, stop = drain(self._queue, first, self._max_saves)
            await self._record(group)
            if stop:
                break
        if self._closing is not None:
            await self._closing()

    async def _record(self, group: list[_Save]) -> None:
        try:
            results = await self._insert([save.stored for save in group])
        except IntegrityError as error:
            if len(group) == 1:
                _settle(group[0].future, error=error)
                return
            for save in group:  # the same version twice in the group: record them one by one
                await self._record([save])
            return
        except BaseException as error:  # unreachable database, refused group: every save is told
            for save in group:
                _settle(save.future, error=error)
            if not isinstance(error, Exception):
                raise
            return
        self.groups += 1
        for save, ids in zip(group, results, strict=True):
            if ids is None:
                _settle(save.future, error=IntegrityError(f"{save.stored[0].originator_id} 的版本已存在"))
            else:
                self.saves += 1
                _settle(save.future, ids)


def _settle(
    future: asyncio.Future[Sequence[int]], ids: Sequence[int] = (), error: BaseException | None = None
) -> None:
    if future.done():  # its command was cancelled (the client left): the outcome goes unheard
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(ids)


class CommandCache:
    """The last saved state of recently changed aggregates (see the module's docstring), bounded
    by ``size`` aggregates and ``events`` events folded into them (``services/app/lru.py``;
    settings ``JIXIAO_CACHE_AGGREGATES``, ``JIXIAO_CACHE_EVENTS``)."""

    STRIPES = 256

    def __init__(self, size: int, *, events: int | None = None) -> None:
        self.entries: Lru[UUID, Aggregate] = Lru(size, weight=events)
        self._turns = [asyncio.Lock() for _ in range(self.STRIPES)]

    def turn(self, aggregate_id: UUID) -> asyncio.Lock:
        """The lock a command on this aggregate holds from load to saved (shared by a few ids).
        Commands run on the group commit's loop (``UnitOfWork.change_async``), so the
        turns are the loop's locks; the cache belongs to that one loop."""
        return self._turns[aggregate_id.int % self.STRIPES]

    def copy(self, aggregate_id: UUID) -> Any:
        """A private copy of the entry, or None."""
        entry = self.entries.get(aggregate_id)
        return None if entry is None else copy.deepcopy(entry)

    def put(self, aggregate: Aggregate) -> None:
        # the caller keeps its object; the entry stays untouched. Its weight: the events it folds
        self.entries.put(aggregate.id, copy.deepcopy(aggregate), max(1, aggregate.version))

    def drop(self, aggregate_id: UUID) -> None:
        self.entries.pop(aggregate_id)
