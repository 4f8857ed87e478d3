"""The event log on PostgreSQL: the eventsourcing library's table, jixiao's append-only guard,
every save through ``jixiao_insert_saves`` (lock, NOTIFY and INSERT in one statement).

Scripts append save by save on the library's connection pool; a server appends groups of saves
(``append_group``, the group commit of ``services/app/writes.py``) on an asynchronous connection
of its own, and writes snapshots from a background thread (``background_snapshots``).
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable, Sequence
from itertools import takewhile
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from eventsourcing.persistence import InfrastructureFactory, IntegrityError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.utils import Environment
from psycopg.rows import tuple_row

from services.eventlog import snapshots
from services.eventlog.background import SnapshotWriter
from services.eventlog.mapper import MsgspecMapper
from services.eventlog.port import Conflict, NotInLog, Row
from services.eventlog.replay import replay
from services.eventlog.schema import (
    IMMUTABLE_EVENTS_SQL,
    INSERT_EVENTS_SQL,
    INSERT_SAVES_SQL,
    TABLE_PREFIX,
    insert_saves_params,
    positions_of,
    postgres_env,
)
from services.eventlog.stream import EVENTS_TABLE, read_rows

A = TypeVar("A")
R = TypeVar("R")
_INSTALL_LOCK = 7305  # concurrent start-ups install one at a time


class PostgresEventLog:
    def __init__(self, database_url: str, *, pool_size: int = 5, background_snapshots: bool = False) -> None:
        self.url = database_url
        self.mapper = MsgspecMapper()
        with psycopg.connect(database_url, autocommit=True) as conn:
            # the library's CREATE TABLE IF NOT EXISTS included: two at once fail with
            # "tuple concurrently updated"
            conn.execute("SELECT pg_advisory_lock(%s)", (_INSTALL_LOCK,))
            try:
                env = postgres_env(database_url, pool_size=pool_size)
                factory = InfrastructureFactory.construct(Environment(TABLE_PREFIX, env))
                recorder = factory.application_recorder()
                assert isinstance(recorder, PostgresApplicationRecorder)
                self._recorder = recorder
                conn.execute(IMMUTABLE_EVENTS_SQL)
                conn.execute(INSERT_EVENTS_SQL)
                conn.execute(snapshots.CREATE_SQL)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (_INSTALL_LOCK,))
        self._datastore = recorder.datastore
        self._snapshots = SnapshotWriter(database_url, snapshots.INSERT_SQL) if background_snapshots else None
        self._async_conn: psycopg.AsyncConnection[Any] | None = None

    # ---- reading ----------------------------------------------------------------------------
    def exists(self, aggregate_id: UUID) -> bool:
        return self.current_version(aggregate_id) is not None

    def load(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        until: datetime.datetime | None = None,
        start: Any = None,
        use_snapshots: bool = True,
    ) -> Any:
        with self._datastore.get_connection() as conn:
            return self._load(conn, aggregate_id, version, until, start, use_snapshots)

    def _load(
        self,
        conn: psycopg.Connection[Any],
        aggregate_id: UUID,
        version: int | None,
        until: datetime.datetime | None,
        start: Any,
        use_snapshots: bool,
    ) -> Any:
        """One prepared SELECT with tuple rows, each row decoded by msgspec and folded at once:
        no intermediate StoredEvent objects."""
        query = f"SELECT originator_version, topic, state FROM {EVENTS_TABLE} WHERE originator_id = %s"
        params: list[Any] = [aggregate_id]
        if version is not None:
            query += " AND originator_version <= %s"
            params.append(version)
        aggregate: Any = start
        if aggregate is None and use_snapshots:
            aggregate = snapshots.nearest(conn, aggregate_id, version, until)
        if aggregate is not None:
            query += " AND originator_version > %s"
            params.append(aggregate.version)
        with conn.cursor(row_factory=tuple_row) as cur:
            rows = cur.execute(query + " ORDER BY originator_version", params, prepare=True).fetchall()
        decode = self.mapper.decode_row
        events: Iterable[Any] = (decode(aggregate_id, v, topic, state) for v, topic, state in rows)
        if until is not None:
            events = takewhile(lambda e: e.timestamp <= until, events)
        aggregate = replay(aggregate, events)
        if aggregate is None:
            raise NotInLog(aggregate_id)
        return aggregate

    def current_version(self, aggregate_id: UUID) -> int | None:
        query = f"SELECT max(originator_version) FROM {EVENTS_TABLE} WHERE originator_id = %s"
        with self._datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cur:
            row = cur.execute(query, (aggregate_id,), prepare=True).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def read(self, after: int, limit: int) -> list[Row]:
        with self._datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as cur:
            return [(p, o, v, t, bytes(s)) for p, o, v, t, s in read_rows(cur, after, limit)]

    # ---- writing ----------------------------------------------------------------------------
    def append(self, events: Sequence[Any]) -> list[int]:
        stored = [self.mapper.to_stored_event(e) for e in events]
        with (
            self._datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=tuple_row) as cur,
        ):
            cur.execute(INSERT_SAVES_SQL, insert_saves_params([stored]))
            found = positions_of(cur.fetchall(), 1)[0]
        if found is None:
            raise Conflict("记录已被他人修改，请刷新后重试")
        return found

    async def append_group(self, saves: Sequence[Sequence[StoredEvent]]) -> list[list[int] | None]:
        """On one asynchronous connection in autocommit (the group commit's task only): the
        server commits without waiting for us. A broken connection is replaced on the next call;
        a group holding one version twice raises ``IntegrityError`` (nothing stored)."""
        conn = self._async_conn
        if conn is None or conn.closed:
            conn = self._async_conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True)
        try:
            cursor = await conn.execute(INSERT_SAVES_SQL, insert_saves_params(saves), prepare=True)
            rows = await cursor.fetchall()
        except psycopg.errors.UniqueViolation as e:
            raise IntegrityError(str(e)) from e
        except psycopg.OperationalError:
            await conn.close()  # whether the last call committed is unknown: the caller is told
            raise
        return positions_of(rows, len(saves))

    def decide_locked(self, behind: A, decide: Callable[[A], R]) -> tuple[A, R]:
        with (
            self._datastore.get_connection() as conn,
            conn.transaction(),
            conn.cursor(row_factory=tuple_row) as cur,
        ):
            cur.execute(f"LOCK TABLE {EVENTS_TABLE} IN EXCLUSIVE MODE")
            aggregate: Any = self._load(conn, behind.id, None, None, behind, False)  # type: ignore[attr-defined]
            result = decide(aggregate)
            stored = [self.mapper.to_stored_event(e) for e in aggregate.collect_events()]
            cur.execute(INSERT_SAVES_SQL, insert_saves_params([stored]))
            if positions_of(cur.fetchall(), 1)[0] is None:  # not while we hold the lock
                raise Conflict("记录已被他人修改，请刷新后重试")
        return aggregate, result

    # ---- snapshots --------------------------------------------------------------------------
    def save_snapshots(self, aggregates: Sequence[Any]) -> None:
        rows = [snapshots.row(a) for a in aggregates]
        if self._snapshots is not None:
            self._snapshots.submit(rows)
            return
        with contextlib.suppress(psycopg.Error), self._datastore.transaction(commit=True) as cur:
            cur.executemany(snapshots.INSERT_SQL, rows)

    def stale_snapshots(self, tenant: str | None = None) -> list[tuple[UUID, int]]:
        with self._datastore.get_connection() as conn:
            taken = snapshots.stored(conn, tenant)
        bad: list[tuple[UUID, int]] = []
        for oid, version, _kind, state in taken:
            try:
                folded = self.load(oid, version=version, use_snapshots=False)
                same = snapshots.encode(folded) == state
            except Exception:  # events missing or undecodable: verify's chain check names them
                same = False
            if not same:
                bad.append((oid, version))
        return bad

    # ---- closing ----------------------------------------------------------------------------
    async def aclose(self) -> None:
        if self._async_conn is not None:
            await self._async_conn.close()

    def close(self) -> None:
        if self._snapshots is not None:
            self._snapshots.close()
        self._recorder.datastore.close()
