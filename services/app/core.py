"""How a command is carried out: load → prepare → decide → append, on any ``EventLog``.

``UnitOfWork`` knows nothing of particular commands (``services/app/commands/`` defines them
and ``JixiaoApplication`` names them); it loads the aggregate, lets the command's *prepare* step
do its I/O (authorize against the tenant tree, load what the decision needs from elsewhere),
runs the *decision* — pure: it only changes the aggregate — inside ``acting(actor)`` so every
event is stamped, and appends the events. A refused decision stores nothing.

Two ways to run the same command:

- ``change`` — on the calling thread (scripts, the command line, tests); served, it hands the
  command to the server's event loop and waits.
- ``change_async`` — on a server's event loop, where the group commit runs (``serve``): the
  command decides on the command cache's copy and awaits its group commit without a thread
  hand-over (each cost milliseconds under load, measured); ``docs/api.md``.

Concurrency: without ``expected_version`` a save that collides with a concurrent one (or finds
the command cache stale) catches up and decides again, a few times, and after ``LOCK_AFTER``
collisions decides holding the log's write lock; with it (If-Match) a collision is the caller's
409: the version it based its request on is gone.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError

from domain.context import Actor, acting
from domain.errors import AlreadyExists, NotFound
from services.app.errors import ConflictError
from services.app.writes import CommandCache, GroupCommitter
from services.eventlog import snapshots
from services.eventlog.port import Conflict, EventLog, NotInLog

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")
Prepare = Callable[[A], Actor]
PrepareAsync = Callable[[A], Awaitable[Actor]]
STALE = "记录已被他人修改，请刷新后重试"


class UnitOfWork:
    CHANGE_ATTEMPTS = 5
    LOCK_AFTER = 2  # collisions before a served command decides holding the log's write lock

    def __init__(self, log: EventLog, labels: Mapping[type[Any], str], *, cache_size: int = 0) -> None:
        """``cache_size``: aggregates a script keeps between its commands (``CommandCache``);
        a server's cache is set by ``serve``."""
        self.log = log
        self._labels = labels
        self.committer: GroupCommitter | None = None
        self.commands: CommandCache | None = CommandCache(cache_size) if cache_size else None
        self._io: concurrent.futures.ThreadPoolExecutor | None = None
        self._on_close: list[Callable[[], object]] = []

    def on_close(self, release: Callable[[], object]) -> None:
        """Something of this application's to release when it closes (a pool beside it)."""
        self._on_close.append(release)

    async def off_loop(self, fn: Callable[..., R], *args: Any) -> R:
        """Run blocking ``fn`` (a load, a prepare step) on this application's own worker threads.
        Not the loop's default executor: threads blocked in ``change`` from there (handing a
        command to the loop and waiting) could take every one of its workers, and the loop's
        own loads would then wait for them for ever."""
        if self._io is None:
            self._io = concurrent.futures.ThreadPoolExecutor(max_workers=32, thread_name_prefix="jixiao-io")
        return await asyncio.get_running_loop().run_in_executor(self._io, functools.partial(fn, *args))

    # ---- serving ----------------------------------------------------------------------------
    def serve(
        self,
        *,
        command_cache: int = 2000,
        cache_events: int | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        """Tune for a long-running server: group commit and the command cache
        (``services/app/writes.py``; ``command_cache`` aggregates holding at most ``cache_events``
        events between them). ``loop``, given from inside it (an ASGI server's start-up),
        runs the group commit on that event loop; otherwise it gets a loop in a thread of its
        own. Either way every ``change`` runs on the group commit's loop."""
        if self.committer is None:
            self.committer = GroupCommitter(self.log.append_group, closing=self.log.aclose, loop=loop)
            if self.commands is None:
                self.commands = CommandCache(
                    command_cache, events=cache_events
                )  # 0 keeps nothing: every command loads

    async def stop_serving(self) -> None:
        """On the group commit's loop, before it stops: record what is queued, then stop."""
        if self.committer is not None and self.committer.on_loop():
            await self.committer.aclose()

    def close(self) -> None:
        if self.committer is not None:
            self.committer.close()
        if self._io is not None:
            self._io.shutdown(wait=False)
        for release in self._on_close:
            release()
        self.log.close()

    # ---- loading ----------------------------------------------------------------------------
    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        try:
            aggregate = self.log.load(aggregate_id, version=version)
        except NotInLog:
            aggregate = None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{self._labels.get(cls, '记录')}不存在", code=f"{cls.__name__.lower()}.not_found")
        return aggregate

    def current_version(self, aggregate_id: UUID) -> int | None:
        return self.log.current_version(aggregate_id)

    # ---- storing ----------------------------------------------------------------------------
    def store(self, *aggregates: Aggregate) -> None:
        """One save: the pending events of every aggregate given, stored together or not at all."""
        before = _versions_before(aggregates)
        events = [e for a in aggregates for e in a.collect_events()]
        try:
            if self.committer is not None:
                self.committer.insert([self.log.mapper.to_stored_event(e) for e in events])
            else:
                self.log.append(events)
        except (Conflict, IntegrityError):
            raise self._conflict(aggregates) from None
        self._snapshot_if_due(before)

    async def _store_on_loop(self, aggregate: Aggregate, committer: GroupCommitter) -> None:
        """``store`` on the group commit's loop: waits for the commit without blocking the loop.
        A collision raises ``IntegrityError``: mostly the caller decides again."""
        before = _versions_before((aggregate,))
        to_stored = self.log.mapper.to_stored_event
        await committer.insert_async([to_stored(e) for e in aggregate.collect_events()])
        self._snapshot_if_due(before)

    def _snapshot_if_due(self, before: list[tuple[Aggregate, int]]) -> None:
        due = [a for a, v in before if snapshots.due(v, a.version)]
        if due:
            self.log.save_snapshots(due)

    def _conflict(self, aggregates: Iterable[Aggregate]) -> ConflictError:
        ids = [a.id for a in aggregates]
        current = self.current_version(ids[0]) if len(ids) == 1 else None
        return ConflictError(STALE, current_version=current)

    def create(self, actor: Actor, make: Callable[[], A]) -> A:
        with acting(actor):
            aggregate = make()
        if self.log.exists(aggregate.id):
            raise AlreadyExists(
                f"{self._labels.get(type(aggregate), '记录')}已存在",
                code="already_exists",
                existing=str(aggregate.id),
                kind=type(aggregate).__name__.lower(),
            )
        self.store(aggregate)
        return aggregate

    # ---- changing ---------------------------------------------------------------------------
    def change(
        self,
        how: Actor | Prepare[A],
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A], R],
        expected_version: int | None = None,
    ) -> R:
        """Load, prepare (``how``: the acting person, or a step that authorizes and fetches what
        the decision needs and returns it), decide, save; a conflict stores nothing."""
        prepare: Prepare[A] = (lambda _: how) if isinstance(how, Actor) else how
        committer = self.committer
        if committer is not None:
            step: Actor | PrepareAsync[A] = how if isinstance(how, Actor) else self._in_thread(how)
            return committer.call(
                self.change_async(step, cls, aggregate_id, decide, expected_version=expected_version)
            )
        commands = self.commands
        for attempt in range(self.CHANGE_ATTEMPTS):
            last = attempt + 1 == self.CHANGE_ATTEMPTS
            cached = commands.copy(aggregate_id) if commands is not None and attempt == 0 else None
            if isinstance(cached, cls):
                aggregate, hit = cached, True
            else:
                aggregate, hit = self.load(cls, aggregate_id), False
                if commands is not None:
                    commands.put(aggregate)
            if not self._version_holds(aggregate, expected_version, cached=hit):
                continue
            actor = prepare(aggregate)
            based_on = aggregate.version
            try:
                with acting(actor):
                    result = decide(aggregate)
            except Exception:
                # as on the loop: a refusal on a cached copy stands only if the log has not moved
                if hit and not last and self.current_version(aggregate_id) != based_on:
                    continue
                raise
            try:
                self.store(aggregate)
            except ConflictError:
                if commands is not None:
                    commands.drop(aggregate_id)
                if last or (expected_version is not None and not hit):
                    raise
                continue
            if commands is not None:
                commands.put(aggregate)
            return result
        raise AssertionError("unreachable")  # every attempt returns, continues or raises

    def _in_thread(self, prepare: Prepare[A]) -> PrepareAsync[A]:
        async def run(aggregate: A) -> Actor:
            return await self.off_loop(prepare, aggregate)

        return run

    async def change_async(
        self,
        how: Actor | PrepareAsync[A],
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A], R],
        *,
        expected_version: int | None = None,
    ) -> R:
        """``change`` on an event loop. ``how`` is awaited on the loop with the aggregate each
        attempt, before ``decide``: it must not block (its I/O goes to a worker thread)."""
        committer, commands = self.committer, self.commands
        if committer is None or commands is None:
            if isinstance(how, Actor):
                return await self.off_loop(self.change, how, cls, aggregate_id, decide, expected_version)
            raise RuntimeError("change_async with a prepare step needs serve()")
        if not committer.on_loop():
            work = self.change_async(how, cls, aggregate_id, decide, expected_version=expected_version)
            return await asyncio.wrap_future(committer.submit(work))
        async with commands.turn(aggregate_id):
            return await self._attempts(how, cls, aggregate_id, decide, expected_version, committer, commands)

    async def _attempts(
        self,
        how: Actor | PrepareAsync[A],
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A], R],
        expected_version: int | None,
        committer: GroupCommitter,
        commands: CommandCache,
    ) -> R:
        behind: A | None = None  # after a collision: the state decided on, to be brought up to date
        for attempt in range(self.CHANGE_ATTEMPTS):
            last = attempt + 1 == self.CHANGE_ATTEMPTS
            if attempt >= self.LOCK_AFTER and isinstance(behind, cls) and expected_version is None:
                actor = how if isinstance(how, Actor) else await how(behind)
                outcome: tuple[A, R] = await self.off_loop(self._change_locked, actor, behind, decide)
                commands.put(outcome[0])
                return outcome[1]
            cached = commands.copy(aggregate_id) if attempt == 0 else None
            aggregate: A
            if isinstance(cached, cls):
                aggregate, hit = cached, True
            else:
                aggregate, hit = await self._reload(cls, aggregate_id, behind), False
                commands.put(aggregate)  # a refused command leaves it cached too
            if not self._version_holds(aggregate, expected_version, cached=hit):
                continue
            actor = how if isinstance(how, Actor) else await how(aggregate)
            based_on = aggregate.version
            try:
                with acting(actor):
                    result = decide(aggregate)
            except Exception:
                # a refusal stands only on the log's newest state: a cached copy behind it
                # (another process saved since) is brought up to date and decided on again
                if hit and not last and await self.off_loop(self.current_version, aggregate_id) != based_on:
                    behind = commands.copy(aggregate_id)
                    commands.drop(aggregate_id)
                    continue
                raise
            try:
                await self._store_on_loop(aggregate, committer)
            except IntegrityError:
                behind = commands.copy(aggregate_id)  # the entry is the state decided on
                commands.drop(aggregate_id)
                if last or (expected_version is not None and not hit):
                    raise await self.off_loop(self._conflict, (aggregate,)) from None
                continue
            commands.put(aggregate)
            return result
        raise AssertionError("unreachable")  # every attempt returns, continues or raises

    def _change_locked(self, actor: Actor, behind: A, decide: Callable[[A], R]) -> tuple[A, R]:
        """After repeated collisions (another worker saving the same aggregate non-stop, always a
        step ahead of this command's reload): catch up, decide and append in one step that holds
        the log's write lock, so nobody saves in between. Rare and short, it ends the chase."""
        before: list[tuple[Aggregate, int]] = []

        def decide_stamped(aggregate: A) -> R:
            before.extend(_versions_before((aggregate,)))
            with acting(actor):
                return decide(aggregate)

        try:
            aggregate, result = self.log.decide_locked(behind, decide_stamped)
        except Conflict:
            raise ConflictError(STALE, current_version=None) from None
        self._snapshot_if_due(before)
        return aggregate, result

    async def _reload(self, cls: type[A], aggregate_id: UUID, behind: A | None) -> A:
        """The aggregate from the log, in a worker thread: from ``behind`` (a state of it, given up
        by the caller) reading only the events after it, else from the newest snapshot. After a
        collision the command has to decide again before the other process saves once more:
        reading two events instead of up to a hundred is what lets it."""
        if isinstance(behind, cls):
            caught_up: A = await self.off_loop(lambda: self.log.load(aggregate_id, start=behind))
            return caught_up
        return await self.off_loop(self.load, cls, aggregate_id)

    @staticmethod
    def _version_holds(aggregate: Aggregate, expected: int | None, *, cached: bool) -> bool:
        """Whether the aggregate is at the caller's If-Match version (None: any). False when a
        cached copy differs (it may be behind another process: check against the log); a
        differing copy from the log is the caller's conflict."""
        if expected is None or aggregate.version == expected:
            return True
        if cached:
            return False
        raise ConflictError(
            f"版本不一致：当前为第 {aggregate.version} 版，请求基于第 {expected} 版",
            current_version=aggregate.version,
        )


def _versions_before(aggregates: Iterable[Aggregate]) -> list[tuple[Aggregate, int]]:
    return [(a, a.version - len(a.pending_events)) for a in aggregates if snapshots.snapshottable(a)]
