"""Writing in the background: the snapshot writer's thread and the queue draining it shares
with the group commit (``services/app/writes.py``)."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from typing import Any, TypeVar

import psycopg

log = logging.getLogger(__name__)
Q = TypeVar("Q")


def drain(
    source: queue.SimpleQueue[Q | None] | asyncio.Queue[Q | None], first: Q, limit: int
) -> tuple[list[Q], bool]:
    """``first`` and whatever else is queued already, up to ``limit`` items; and whether the
    stop sign (None) came."""
    items = [first]
    while len(items) < limit:
        try:
            more = source.get_nowait()
        except (queue.Empty, asyncio.QueueEmpty):
            break
        if more is None:
            return items, True
        items.append(more)
    return items, False


class SnapshotWriter:
    """Writes snapshot rows (``snapshots.row``) from a thread of its own, in the order given:
    a snapshot's transaction and WAL flush need not delay the command that made it due."""

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
            rows, stop = drain(self._queue, first, 1000)
            try:
                if conn is None or conn.closed:
                    conn = psycopg.connect(self._url)
                with conn.transaction(), conn.cursor() as cur:
                    cur.executemany(self._sql, rows)
            except psycopg.Error:
                log.warning("快照写入失败（仅影响回溯速度）", exc_info=True)
                if conn is not None:
                    conn.close()
            if stop:
                break
        if conn is not None:
            conn.close()
