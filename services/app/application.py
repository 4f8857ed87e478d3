"""The application service: one command = load, decide, save in one transaction.

Every command runs inside ``acting(actor)`` so the aggregates stamp each event with tenant,
actor, role, correlation id and reason. Library errors are translated into the domain's
(``NotFound``, ``AlreadyExists``, ``ConflictError``); a refused command stores nothing because
the aggregate raises before ``save``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
from collections.abc import Awaitable, Callable, Iterable, Mapping
from decimal import Decimal
from itertools import takewhile
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate, OriginatorVersionError
from eventsourcing.persistence import IntegrityError, Mapper, Notification, Recording
from eventsourcing.postgres import PostgresApplicationRecorder
from psycopg.rows import tuple_row
from psycopg.sql import SQL, Identifier

from domain.context import Actor, acting
from domain.errors import AlreadyExists, DomainError, NotFound
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.grades import DEFAULT_GRADES, GradeScheme
from domain.ids import evaluation_id, project_id, template_id, tenant_id, user_id
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource, LedgerEntry, LedgerStatement, Project
from domain.rules import RuleInput
from domain.templates import IndicatorTemplate, usable_by
from domain.tenants import Role, Tenant, TenantLevel, User
from services.app import snapshots
from services.app.errors import ConflictError
from services.app.mapper import MsgspecMapper
from services.app.store import IMMUTABLE_EVENTS_SQL, INSERT_EVENTS_SQL, TABLE_PREFIX, postgres_env
from services.app.writes import (
    INSERT_SAVES_SQL,
    CommandCache,
    EventWriter,
    GroupCommitter,
    SnapshotWriter,
    insert_saves_params,
)

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")


def replay(aggregate: Any, events: Iterable[Any]) -> Any:
    """Fold events into an aggregate, in order.

    The library's default projector checks every event against a runtime-checkable
    Protocol and then goes through property setters; loading an evaluation of 1,000 events
    spent most of its time there. The events come from one originator's ordered query, so
    this fold checks only the version sequence and sets version and time once at the end.
    """
    last = None
    for event in events:
        if aggregate is None:
            aggregate = event.mutate(None)
            continue
        expected = aggregate.__dict__["_version"] + 1
        if event.originator_version != expected:
            raise OriginatorVersionError(event.originator_version, expected)
        event.apply(aggregate)
        aggregate.__dict__["_version"] = expected
        last = event
    if last is not None:
        aggregate.__dict__["_modified_on"] = last.timestamp
    return aggregate


class JixiaoApplication(Application[UUID]):
    name = TABLE_PREFIX
    committer: GroupCommitter | None = None
    snapshot_writer: SnapshotWriter | None = None
    commands: CommandCache | None = None
    CHANGE_ATTEMPTS = 5
    LOCK_AFTER = 2  # collisions before a served command decides holding the event table's lock

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper()

    def serve(
        self,
        database_url: str,
        *,
        command_cache: int = 2000,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        """Tune for a long-running server: group commit and the command cache
        (``services/app/writes.py``). Scripts and the command line save one by one.

        ``loop``, given from inside it (an ASGI server's start-up), runs the group commit on that
        event loop, where ``change_async`` decides commands without leaving it; otherwise the
        group commit gets a loop in a thread of its own. Either way every ``change`` runs on the
        group commit's loop (threads hand theirs over)."""
        if self.committer is None:
            writer = EventWriter(database_url)
            self.committer = GroupCommitter(writer.insert, closing=writer.close, loop=loop)
            self.snapshot_writer = SnapshotWriter(database_url, snapshots.INSERT_SQL)
            self.commands = CommandCache(command_cache)  # 0 keeps nothing: every command loads

    async def stop_serving(self) -> None:
        """On the group commit's loop, before it stops: record what is queued, then stop."""
        if self.committer is not None and self.committer.on_loop():
            await self.committer.aclose()

    def close(self) -> None:
        if self.committer is not None:
            self.committer.close()
        if self.snapshot_writer is not None:
            self.snapshot_writer.close()
        super().close()

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        committer = self.committer
        if committer is None or processing_event.tracking is not None or processing_event.saved_kwargs:
            return super()._record(processing_event)
        mapper = self.mapper
        events = processing_event.events
        stored = [mapper.to_stored_event(e) for e in events]
        ids = committer.insert(stored)
        # the library's repository cache is fast-forwarded on each get: it stays as it is
        return [
            Recording(
                d,
                Notification(
                    originator_id=s.originator_id,
                    originator_version=s.originator_version,
                    topic=s.topic,
                    state=s.state,
                    id=n,
                ),
            )
            for d, s, n in zip(events, stored, ids or (), strict=False)
        ]

    # ---- plumbing ------------------------------------------------------------------
    def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A:
        try:
            if self.repository.cache is not None and version is None:
                aggregate: Aggregate = self.repository.get(aggregate_id, projector_func=replay)
            else:
                aggregate = self.history(aggregate_id, version)
        except AggregateNotFoundError:
            raise NotFound(
                f"{_LABEL.get(cls, '记录')}不存在", code=f"{cls.__name__.lower()}.not_found"
            ) from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{_LABEL.get(cls, '记录')}不存在", code=f"{cls.__name__.lower()}.not_found")
        return aggregate

    def history(
        self,
        aggregate_id: UUID,
        version: int | None = None,
        until: datetime.datetime | None = None,
        *,
        use_snapshots: bool = True,
        start: Any = None,
        conn: psycopg.Connection[Any] | None = None,
    ) -> Any:
        """Rebuild an aggregate (as of ``version`` or the instant ``until``) straight from its rows,
        starting from the newest snapshot at or before that point, or from ``start``: a state of
        this aggregate that the caller gives up (only the events after it are read); on ``conn``
        (the caller's transaction) when given.

        One prepared SELECT with tuple rows, each row decoded by msgspec and folded at once:
        no intermediate StoredEvent objects. Falls back to the repository on other recorders.
        """
        recorder = self.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            after = None if start is None else start.version
            stored: Iterable[Any] = self.events.get(aggregate_id, gt=after, lte=version)
            if until is not None:
                stored = takewhile(lambda e: e.timestamp <= until, stored)
            found = replay(start, stored)
            if found is None:
                raise AggregateNotFoundError(aggregate_id)
            return found
        query = SQL("SELECT originator_version, topic, state FROM {} WHERE originator_id = %s").format(
            Identifier(recorder.events_table_name)
        )
        params: list[Any] = [aggregate_id]
        if version is not None:
            query += SQL(" AND originator_version <= %s")
            params.append(version)
        given = contextlib.nullcontext(conn) if conn is not None else None
        with given or recorder.datastore.get_connection() as c:
            aggregate: Any = start
            if aggregate is None and use_snapshots:
                aggregate = snapshots.nearest(c, aggregate_id, version, until)
            if aggregate is not None:
                query += SQL(" AND originator_version > %s")
                params.append(aggregate.version)
            with c.cursor(row_factory=tuple_row) as cur:
                cur.execute(query + SQL(" ORDER BY originator_version"), params, prepare=True)
                rows = cur.fetchall()
        mapper = self.mapper
        assert isinstance(mapper, MsgspecMapper)
        decode = mapper.decode_row
        events: Iterable[Any] = (decode(aggregate_id, v, topic, state) for v, topic, state in rows)
        if until is not None:
            events = takewhile(lambda e: e.timestamp <= until, events)
        aggregate = replay(aggregate, events)
        if aggregate is None:
            raise AggregateNotFoundError(aggregate_id)
        return aggregate

    def stale_snapshots(self, tenant: str | None = None) -> list[tuple[UUID, int]]:
        """Snapshots that differ from a fold of their events (tampered or from a bug): (id, version)."""
        recorder = self.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            return []
        with recorder.datastore.get_connection() as conn:
            taken = snapshots.stored(conn, tenant)
        bad: list[tuple[UUID, int]] = []
        for oid, version, _kind, state in taken:
            try:
                folded = self.history(oid, version, use_snapshots=False)
                same = snapshots.encode(folded) == state
            except Exception:  # events missing or undecodable: verify's chain check names them
                same = False
            if not same:
                bad.append((oid, version))
        return bad

    def store(self, *aggregates: Aggregate) -> None:
        before = self._versions_before(aggregates)
        try:
            self.save(*aggregates)
        except IntegrityError:
            raise self._conflict(aggregates) from None
        self._snapshot_if_due(before)

    async def _store_on_loop(self, aggregate: Aggregate, committer: GroupCommitter) -> None:
        """``store`` on the group commit's loop: waits for the commit without blocking the loop.
        A collision raises the library's ``IntegrityError``: mostly the caller decides again, and
        only a ``ConflictError`` it passes on needs the current version looked up."""
        before = self._versions_before((aggregate,))
        mapper = self.mapper
        await committer.insert_async([mapper.to_stored_event(e) for e in aggregate.collect_events()])
        self._snapshot_if_due(before)

    @staticmethod
    def _versions_before(aggregates: Iterable[Aggregate]) -> list[tuple[Aggregate, int]]:
        return [(a, a.version - len(a.pending_events)) for a in aggregates if snapshots.snapshottable(a)]

    def _snapshot_if_due(self, before: list[tuple[Aggregate, int]]) -> None:
        due = [a for a, v in before if snapshots.due(v, a.version)]
        if due:
            self.take_snapshots(due)

    def _conflict(self, aggregates: Iterable[Aggregate]) -> ConflictError:
        """The error for a save that found its versions taken: with the current version of a
        single aggregate (its newest row in the log: one index probe, not a replay)."""
        ids = [a.id for a in aggregates]
        current = self.current_version(ids[0]) if len(ids) == 1 else None
        return ConflictError("记录已被他人修改，请刷新后重试", current_version=current)

    def current_version(self, aggregate_id: UUID) -> int | None:
        """The aggregate's newest version in the log (None: no such aggregate)."""
        recorder = self.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            with contextlib.suppress(AggregateNotFoundError):
                return int(self.repository.get(aggregate_id).version)
            return None
        query = SQL("SELECT max(originator_version) FROM {} WHERE originator_id = %s").format(
            Identifier(recorder.events_table_name)
        )
        with recorder.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cur:
            row = cur.execute(query, (aggregate_id,), prepare=True).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def take_snapshots(self, aggregates: Iterable[Aggregate]) -> None:
        """After the events committed, in their own transaction: a lost snapshot costs only speed."""
        recorder = self.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            return
        if self.snapshot_writer is not None:  # a server: written in the background
            self.snapshot_writer.submit([snapshots.row(a) for a in aggregates])
            return
        with contextlib.suppress(psycopg.Error), recorder.datastore.transaction(commit=True) as cur:
            for aggregate in aggregates:
                snapshots.take(cur, aggregate)

    def create(self, actor: Actor, make: Callable[[], A]) -> A:
        with acting(actor):
            aggregate = make()
        if aggregate.id in self.repository:
            raise AlreadyExists(f"{_LABEL.get(type(aggregate), '记录')}已存在", code="already_exists")
        self.store(aggregate)
        return aggregate

    def change(
        self,
        actor: Actor,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A], R],
        expected_version: int | None = None,
    ) -> R:
        """Load, check the caller's version (If-Match), decide, save; a conflict stores nothing.

        Without ``expected_version`` a save that collides with a concurrent one (or finds the
        command cache stale) reloads and decides again, a few times; with it, the collision is
        the caller's 409: the version it based its request on is gone.

        Served (``serve``), every change runs as ``change_async`` on the group commit's event
        loop, in turn with the others on its aggregate: the calling thread hands it over and
        waits. ``decide`` then runs on that loop: like every decision here, it must only change
        the aggregate (what it needs is fetched before ``change`` is called)."""
        committer = self.committer
        if committer is not None:
            work = self.change_async(actor, cls, aggregate_id, decide, expected_version=expected_version)
            return committer.call(work)
        for attempt in range(self.CHANGE_ATTEMPTS):
            aggregate = self.load(cls, aggregate_id)
            self._version_holds(aggregate, expected_version, cached=False)
            with acting(actor):
                result = decide(aggregate)
            try:
                self.store(aggregate)
            except ConflictError:
                if attempt + 1 == self.CHANGE_ATTEMPTS or expected_version is not None:
                    raise
                continue
            return result
        raise AssertionError("unreachable")  # every attempt returns, continues or raises

    async def change_async(
        self,
        actor: Actor,
        cls: type[A],
        aggregate_id: UUID,
        decide: Callable[[A], R],
        *,
        prepare: Callable[[A], Awaitable[object]] | None = None,
        expected_version: int | None = None,
    ) -> R:
        """``change`` for a caller on an event loop. On the group commit's loop (the API's, see
        ``serve``) the command never leaves it: it decides on the aggregate from the command
        cache (loaded in a worker thread on a miss) and awaits its group commit, with no thread
        hand-over on the way (each cost milliseconds under load, measured). From another loop
        it is handed to that one; unserved, ``change`` runs in a worker thread. ``decide`` runs
        on the loop and must not block; ``prepare``, awaited first with the same aggregate,
        fetches what ``decide`` needs."""
        committer, commands = self.committer, self.commands
        if committer is None or commands is None:
            return await asyncio.to_thread(self.change, actor, cls, aggregate_id, decide, expected_version)
        if not committer.on_loop():
            work = self.change_async(
                actor, cls, aggregate_id, decide, expected_version=expected_version, prepare=prepare
            )
            return await asyncio.wrap_future(committer.submit(work))
        async with commands.turn(aggregate_id):
            behind: A | None = None  # after a collision: the state decided on, to be brought up to date
            for attempt in range(self.CHANGE_ATTEMPTS):
                last = attempt + 1 == self.CHANGE_ATTEMPTS
                if attempt >= self.LOCK_AFTER and isinstance(behind, cls) and expected_version is None:
                    locked, result = await asyncio.to_thread(self._change_locked, actor, behind, decide)
                    commands.put(locked)
                    return result
                cached = commands.copy(aggregate_id) if attempt == 0 else None
                aggregate: A
                if isinstance(cached, cls):
                    aggregate, hit = cached, True
                else:
                    aggregate, hit = await self._reload(cls, aggregate_id, behind), False
                    commands.put(aggregate)  # a refused command leaves it cached too
                if not self._version_holds(aggregate, expected_version, cached=hit):
                    continue
                if prepare is not None:
                    await prepare(aggregate)
                based_on = aggregate.version
                try:
                    with acting(actor):
                        result = decide(aggregate)
                except Exception:
                    # a refusal stands only on the log's newest state: a cached copy behind it
                    # (another process saved since) is brought up to date and decided on again
                    if (
                        hit
                        and not last
                        and await asyncio.to_thread(self.current_version, aggregate_id) != based_on
                    ):
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
                        raise await asyncio.to_thread(self._conflict, (aggregate,)) from None
                    continue
                commands.put(aggregate)
                return result
        raise AssertionError("unreachable")  # every attempt returns, continues or raises

    def _change_locked(self, actor: Actor, behind: A, decide: Callable[[A], R]) -> tuple[A, R]:
        """After repeated collisions (another worker saving the same aggregate non-stop, always a
        step ahead of this command's reload): read the events after ``behind``, decide and insert
        in one transaction that holds the event table's lock, so nobody saves in between. Rare
        and short (one read, one decision, one insert), it ends the chase."""
        recorder = self.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            raise ConflictError("记录已被他人修改，请刷新后重试", current_version=None)
        mapper = self.mapper
        with (
            recorder.datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=tuple_row) as cur,
        ):
            cur.execute(SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(Identifier(recorder.events_table_name)))
            aggregate: A = self.history(behind.id, start=behind, conn=conn)
            before = self._versions_before((aggregate,))
            with acting(actor):
                result = decide(aggregate)
            stored = [mapper.to_stored_event(e) for e in aggregate.collect_events()]
            cur.execute(INSERT_SAVES_SQL, insert_saves_params([stored]))
            if any(position is None for _, position in cur.fetchall()):  # not while we hold the lock
                raise ConflictError("记录已被他人修改，请刷新后重试", current_version=None)
        self._snapshot_if_due(before)
        return aggregate, result

    async def _reload(self, cls: type[A], aggregate_id: UUID, behind: A | None) -> A:
        """The aggregate from the log, in a worker thread: from ``behind`` (a state of it, given up
        by the caller) reading only the events after it, else from the newest snapshot. After a
        collision the command has to decide again before the other process saves once more:
        reading two events instead of up to a hundred is what lets it."""
        if isinstance(behind, cls):
            caught_up: A = await asyncio.to_thread(self.history, aggregate_id, start=behind)
            return caught_up
        return await asyncio.to_thread(self.load, cls, aggregate_id)

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

    # ---- tenants and users -------------------------------------------------------------
    def register_tenant(
        self, actor: Actor, code: str, name: str, level: TenantLevel, parent: str | None = None
    ) -> Tenant:
        parent_tenant = self.load(Tenant, tenant_id(parent)) if parent else None
        return self.create(actor, lambda: Tenant.register(code, name, level, parent_tenant))

    def tenant(self, code: str) -> Tenant:
        return self.load(Tenant, tenant_id(code))

    def lineage(self, code: str) -> list[str]:
        """The tenant and its ancestors, nearest first."""
        chain: list[str] = []
        current: str | None = code
        while current is not None and current not in chain:
            chain.append(current)
            current = self.tenant(current).parent
        return chain

    def register_user(
        self, actor: Actor, tenant: str, username: str, display_name: str, roles: tuple[Role, ...]
    ) -> User:
        self.tenant(tenant)
        return self.create(actor, lambda: User.register(tenant, username, display_name, roles))

    def user(self, tenant: str, username: str) -> User:
        return self.load(User, user_id(tenant, username))

    # ---- projects and ledger --------------------------------------------------------------
    def register_project(
        self, actor: Actor, tenant: str, code: str, name: str, year: int, **kw: str
    ) -> Project:
        self.tenant(tenant)
        return self.create(actor, lambda: Project.register(tenant, code, name, year, **kw))

    def project(self, tenant: str, year: int, code: str) -> Project:
        return self.load(Project, project_id(tenant, year, code))

    def record_entry(
        self,
        actor: Actor,
        project: UUID,
        kind: EntryKind,
        source: FundingSource,
        amount: Decimal,
        on: datetime.date,
        expected_version: int | None = None,
        **kw: Any,
    ) -> LedgerEntry:
        return self.change(
            actor,
            Project,
            project,
            lambda p: p.record_entry(kind, source, amount, on, **kw),
            expected_version,
        )

    def record_statement(self, actor: Actor, project: UUID, statement: LedgerStatement) -> None:
        self.change(actor, Project, project, lambda p: p.record_statement(statement))

    # ---- templates ---------------------------------------------------------------------------
    def publish_template(
        self, actor: Actor, tenant: str, name: str, specs: tuple[IndicatorSpec, ...], description: str = ""
    ) -> IndicatorTemplate:
        return self.create(actor, lambda: IndicatorTemplate.publish(tenant, name, specs, description))

    def template(self, tenant: str, name: str) -> IndicatorTemplate:
        return self.load(IndicatorTemplate, template_id(tenant, name))

    def adopt_template(
        self, actor: Actor, evaluation: UUID, template: UUID, revision: int | None = None
    ) -> None:
        """Copy a template's tree (a given revision, default the latest) into an evaluation."""
        tpl = self.load(IndicatorTemplate, template)
        ev = self.load(Evaluation, evaluation)
        if not usable_by(tpl.tenant, self.lineage(ev.tenant)):
            raise NotFound("模板不存在", code="indicatortemplate.not_found")
        specs = tpl.specs_at(revision)
        reason = f"采用模板「{tpl.name}」第 {revision or tpl.revision} 版"

        def define_all(e: Evaluation) -> None:
            for spec in specs:
                e.define_indicator(spec, reason=reason)

        self.change(actor, Evaluation, evaluation, define_all)

    # ---- evaluations ----------------------------------------------------------------------------
    def start_evaluation(
        self,
        actor: Actor,
        project: UUID,
        kind: EvaluationKind,
        evaluator: Evaluator,
        grade_scheme: GradeScheme = DEFAULT_GRADES,
        tenant: str | None = None,
    ) -> Evaluation:
        """Start an evaluation of a project (of the actor's tenant unless ``tenant`` says otherwise)."""
        p = self.load(Project, project)
        owner = tenant or p.tenant
        if owner != p.tenant:
            raise DomainError("评价必须属于项目所在单位", code="evaluation.tenant_mismatch")
        return self.create(
            actor, lambda: Evaluation.start(owner, project, p.year, kind, evaluator, grade_scheme)
        )

    def evaluation(self, evaluation: UUID, version: int | None = None) -> Evaluation:
        return self.load(Evaluation, evaluation, version)

    def evaluation_id_of(self, project: Project, kind: EvaluationKind, evaluator: Evaluator) -> UUID:
        return evaluation_id(project.tenant, project.id, kind.value, evaluator.tenant or evaluator.name)

    def on_evaluation(
        self,
        actor: Actor,
        evaluation: UUID,
        decide: Callable[[Evaluation], R],
        expected_version: int | None = None,
    ) -> R:
        return self.change(actor, Evaluation, evaluation, decide, expected_version)

    def define_indicator(self, actor: Actor, evaluation: UUID, spec: IndicatorSpec, **kw: Any) -> None:
        self.on_evaluation(actor, evaluation, lambda e: e.define_indicator(spec), **kw)

    def record_actual(
        self,
        actor: Actor,
        evaluation: UUID,
        key: str,
        actual: str | None = None,
        given: RuleInput | None = None,
        **kw: Any,
    ) -> None:
        self.on_evaluation(actor, evaluation, lambda e: e.record_actual(key, actual, given), **kw)

    def refresh_ledger(self, actor: Actor, evaluation: UUID) -> None:
        """Bring the project's current ledger figures into the evaluation (rescoring ledger indicators)."""
        ev = self.evaluation(evaluation)
        figures = self.load(Project, ev.project_id).total()
        self.on_evaluation(actor, evaluation, lambda e: e.sync_ledger(figures))

    def apply_deduction(
        self,
        actor: Actor,
        evaluation: UUID,
        deduction_id: str,
        key: str,
        points: Decimal,
        reason: str,
        **kw: Any,
    ) -> None:
        self.on_evaluation(
            actor, evaluation, lambda e: e.apply_deduction(deduction_id, key, points, reason), **kw
        )

    def revise_deduction(
        self, actor: Actor, evaluation: UUID, deduction_id: str, points: Decimal, reason: str, **kw: Any
    ) -> None:
        self.on_evaluation(
            actor, evaluation, lambda e: e.revise_deduction(deduction_id, points, reason), **kw
        )

    def withdraw_deduction(
        self, actor: Actor, evaluation: UUID, deduction_id: str, reason: str, **kw: Any
    ) -> None:
        self.on_evaluation(actor, evaluation, lambda e: e.withdraw_deduction(deduction_id, reason), **kw)

    def submit(self, actor: Actor, evaluation: UUID, **kw: Any) -> None:
        self.refresh_ledger(actor, evaluation)
        self.on_evaluation(actor, evaluation, lambda e: e.submit(), **kw)

    def return_for_revision(self, actor: Actor, evaluation: UUID, reason: str, **kw: Any) -> None:
        self.on_evaluation(actor, evaluation, lambda e: e.return_for_revision(reason), **kw)

    def finalize(self, actor: Actor, evaluation: UUID, **kw: Any) -> None:
        self.on_evaluation(actor, evaluation, lambda e: e.finalize(), **kw)

    def reopen(self, actor: Actor, evaluation: UUID, reason: str, **kw: Any) -> None:
        self.on_evaluation(actor, evaluation, lambda e: e.reopen(reason), **kw)


_LABEL: Mapping[type[Any], str] = {
    Tenant: "单位",
    User: "用户",
    Project: "项目",
    Evaluation: "评价",
    IndicatorTemplate: "指标模板",
}


def build_application(database_url: str, *, cache_size: int = 0, pool_size: int = 5) -> JixiaoApplication:
    """The application on PostgreSQL: creates the event table on first use and makes stored events
    immutable (a trigger refuses UPDATE, DELETE and TRUNCATE for every role that honours triggers)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        # concurrent start-ups: one installs at a time (the library's CREATE TABLE IF NOT EXISTS
        # included: two at once fail with "tuple concurrently updated")
        conn.execute("SELECT pg_advisory_lock(7305)")
        try:
            app = JixiaoApplication(
                env=postgres_env(database_url, pool_size=pool_size, cache_size=cache_size)
            )
            conn.execute(IMMUTABLE_EVENTS_SQL)
            conn.execute(INSERT_EVENTS_SQL)
            conn.execute(snapshots.CREATE_SQL)
        finally:
            conn.execute("SELECT pg_advisory_unlock(7305)")
    return app


def build_in_memory() -> JixiaoApplication:
    """For unit tests only: the library's in-memory recorder with the same mapper."""
    return JixiaoApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
