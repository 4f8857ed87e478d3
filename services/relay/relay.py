"""The relay: a tracked follower of the event log that publishes every event to NATS JetStream.

Never a dual write: commands only store events; this follower reads them after they commit
(waking on the store's NOTIFY, like the projectors) and publishes each as an integration message.
Publishing is pipelined — up to ``window`` messages await their acknowledgement — while the next
batch is read and translated in a thread. The tracked position advances only past messages
JetStream acknowledged, in order. With NATS down, commands are unaffected; the relay retries
with exponential backoff (0.1 s doubling to 5 s) and, when NATS is back, resumes exactly after
the last message the stream holds (``jetstream.resume_point``), so every event arrives once and
in order. Only one relay runs per database (a PostgreSQL session lock).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import nats
import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import PubAck

from projections.integrity.checkpoints import SCHEMA as INTEGRITY
from services.eventlog.stream import CHANNEL, read_rows
from services.relay import contracts, tracking
from services.relay.jetstream import (
    CHECKPOINT,
    CORRELATION,
    EXPECTED_LAST,
    MSG_ID,
    POSITION,
    TENANT,
    TYPE,
    VERSION,
    StreamSettings,
    ensure_stream,
    resume_point,
    servers,
)
from services.relay.subjects import TenantTree, checkpoint_subject
from services.relay.tenancy import parent_of
from services.relay.tracking import Cursor
from services.relay.translate import Outgoing, Translator

log = logging.getLogger("jixiao.relay")

BACKOFF_FIRST, BACKOFF_MAX = 0.1, 5.0
COMMIT_EVERY_S = 0.05  # the tracked position is written at most this often while busy
CHECKPOINTS_EVERY_S = 1.0

Pending = deque[tuple["asyncio.Future[PubAck]", Cursor]]


class Relay:
    def __init__(
        self,
        database_url: str,
        nats_url: str,
        signing_key: Ed25519PrivateKey,
        *,
        stream: StreamSettings | None = None,
        window: int = 2000,
        batch: int = 1000,
        ack_timeout: float = 5.0,
        idle_wait: float = 0.5,
        on_tenants: Callable[[dict[str, tuple[str, ...]]], Any] | None = None,
    ) -> None:
        self.nats_url = nats_url
        self.stream = stream or StreamSettings()
        self.window, self.batch, self.ack_timeout, self.idle_wait = window, batch, ack_timeout, idle_wait
        self.on_tenants = on_tenants
        self._key = signing_key
        self._public = base64.b64encode(
            signing_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        ).decode()
        self.database_url = database_url
        self._connect()
        self.translator = Translator(TenantTree(lambda code: parent_of(self.reader, code)))
        self.published = 0
        self.failures = 0
        self._committed: Cursor | None = None

    def _connect(self) -> None:
        self.db = psycopg.connect(self.database_url, autocommit=True)  # the lock and the tracking row
        self.reader = psycopg.connect(self.database_url, autocommit=True)  # used by one thread at a time
        self.listener = psycopg.connect(self.database_url, autocommit=True)
        self.listener.execute(f"LISTEN {CHANNEL}")
        tracking.ensure(self.db)

    def _broken(self) -> bool:
        return any(c.closed or c.broken for c in (self.db, self.reader, self.listener))

    def _reconnect(self) -> None:
        """After the database went away (restart, failover): new connections (the advisory lock
        went with the old one: the caller takes it again before publishing anything)."""
        self.close()
        self._connect()

    def close(self) -> None:
        for conn in (self.db, self.reader, self.listener):
            conn.close()

    # ---- the outer loop: lock, connect, publish, back off ------------------------------------
    async def run(self, should_stop: Callable[[], bool]) -> None:
        while not await asyncio.to_thread(self._try_lock):
            if should_stop():
                return
            await asyncio.sleep(0.5)  # another relay runs on this database
        backoff = BACKOFF_FIRST
        while not should_stop():
            try:
                if self._broken():  # the database restarted: reconnect, and be the one relay again
                    await asyncio.to_thread(self._reconnect)
                    log.warning("中继已重新连接数据库，等待中继锁")
                    while not await asyncio.to_thread(self._try_lock):
                        if should_stop():
                            return
                        await asyncio.sleep(0.5)
                await self._session(should_stop)
                backoff = BACKOFF_FIRST
            except Exception as e:  # NATS down, a refused publish, a timeout: start over, later
                self.failures += 1
                log.warning("中继暂停 %.1f 秒后重试：%s: %s", backoff, type(e).__name__, e)
                deadline = time.monotonic() + backoff * random.uniform(0.8, 1.2)
                while time.monotonic() < deadline and not should_stop():
                    await asyncio.sleep(0.05)
                backoff = min(backoff * 2, BACKOFF_MAX)

    def _try_lock(self) -> bool:
        row = self.db.execute("SELECT pg_try_advisory_lock(%s)", (tracking.LOCK_KEY,)).fetchone()
        return bool(row and row[0])

    async def _session(self, should_stop: Callable[[], bool]) -> None:
        async def quiet(e: Exception) -> None:
            log.debug("NATS: %s", e)

        # no client-side reconnect: messages buffered across a reconnect could overtake lost ones
        # (max_reconnect_attempts=0 would make nats-py wait forever for a server that is down)
        nc = await asyncio.wait_for(
            nats.connect(
                servers(self.nats_url),
                allow_reconnect=False,
                connect_timeout=2,
                max_reconnect_attempts=1,
                reconnect_time_wait=0.05,
                error_cb=quiet,
            ),
            timeout=5,
        )
        try:
            js = nc.jetstream(timeout=self.ack_timeout, publish_async_max_pending=self.window + 1)
            await ensure_stream(js, self.stream)
            tracked = await asyncio.to_thread(tracking.load, self.db)
            start = await resume_point(js, self.stream.name, tracked)
            if start != tracked:
                log.info(
                    "中继从流中最后一条消息之后继续：位置 %d（记录为 %d）", start.position, tracked.position
                )
            await self._commit(start)
            await self._pump(nc, js, start, should_stop)
        finally:
            with contextlib.suppress(Exception):
                await nc.close()

    # ---- the pipeline ---------------------------------------------------------------------------
    async def _pump(
        self, nc: Client, js: JetStreamContext, start: Cursor, should_stop: Callable[[], bool]
    ) -> None:
        window: Pending = deque()
        acked = sent = start
        reading: asyncio.Task[list[Outgoing]] | None = asyncio.create_task(
            asyncio.to_thread(self._read, start.position)
        )
        last_commit = last_checkpoints = 0.0
        try:
            while not should_stop():
                assert reading is not None
                batch = await reading
                reading = None
                if batch:  # read and translate the next batch while this one is published
                    reading = asyncio.create_task(asyncio.to_thread(self._read, batch[-1].position))
                for out in batch:
                    if len(window) >= self.window:
                        acked = await self._drain(nc, window, acked, keep=self.window // 2)
                    sent = Cursor(out.position, sent.checkpoint_position, sent.seq + 1)
                    window.append((await self._publish(js, out, sent), sent))
                now = time.monotonic()
                if now - last_checkpoints >= CHECKPOINTS_EVERY_S:
                    last_checkpoints = now
                    for out in await asyncio.to_thread(self._checkpoints, sent):
                        sent = Cursor(sent.position, out.position, sent.seq + 1)
                        window.append((await self._publish(js, out, sent), sent))
                acked = settled(window, acked)
                if not batch:
                    acked = await self._drain(nc, window, acked)
                    await self._commit(acked)
                    await asyncio.to_thread(self._wait)
                    reading = asyncio.create_task(asyncio.to_thread(self._read, sent.position))
                elif now - last_commit >= COMMIT_EVERY_S:
                    last_commit = now
                    await self._commit(acked)
        finally:
            if reading is not None:
                await asyncio.gather(reading, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self._commit(settled(window, acked, raise_errors=False))
            for future, _ in window:  # the rest is published again by the next session
                if future.done() and not future.cancelled():
                    future.exception()  # retrieved: a refused message is expected here, not a bug
                future.cancel()

    async def _publish(self, js: JetStreamContext, out: Outgoing, at: Cursor) -> asyncio.Future[PubAck]:
        headers = {
            MSG_ID: out.msg_id,
            EXPECTED_LAST: str(at.seq - 1),
            POSITION: str(at.position),
            CHECKPOINT: str(at.checkpoint_position),
            TENANT: out.tenant,
            TYPE: out.type_name,
            VERSION: str(out.version),
        }
        if out.correlation_id:
            headers[CORRELATION] = out.correlation_id
        # no wait_stall: it costs a task per message; ``_pump`` bounds the window itself
        future = await js.publish_async(out.subject, out.data, headers=headers)
        self.published += 1
        return future

    async def _drain(self, nc: Client, window: Pending, acked: Cursor, keep: int = 0) -> Cursor:
        """Wait until at most ``keep`` acknowledgements are outstanding (fail after ``ack_timeout``)."""
        deadline = time.monotonic() + self.ack_timeout
        acked = settled(window, acked)
        while len(window) > keep:
            if nc.is_closed or time.monotonic() > deadline:
                raise TimeoutError(f"JetStream 未确认 {sum(not f.done() for f, _ in window)} 条消息")
            await asyncio.wait([window[0][0]], timeout=0.1)  # acknowledgements come in order
            acked = settled(window, acked)
        return acked

    async def _commit(self, cursor: Cursor) -> None:
        if cursor != self._committed:
            await asyncio.to_thread(tracking.save, self.db, cursor)
            self._committed = cursor

    # ---- the database side (run in a thread) ------------------------------------------------------
    def _read(self, after: int) -> list[Outgoing]:
        with self.reader.cursor() as cur:
            rows = read_rows(cur, after, self.batch)
        out = [self.translator.outgoing_row(row) for row in rows]
        new = [o.tenant for o in out if o.type_name == "tenant.registered"]
        if new and self.on_tenants is not None:
            self.on_tenants({code: self.translator.tree.path(code) for code in new})
        return out

    def _checkpoints(self, sent: Cursor) -> list[Outgoing]:
        """Integrity checkpoints not yet published, for events already sent (so they follow them)."""
        try:
            rows = self.reader.execute(
                f"SELECT tenant, position, count, chain_hash, at FROM {INTEGRITY}.checkpoints "
                "WHERE position > %s AND position <= %s ORDER BY position",
                (sent.checkpoint_position, sent.position),
            ).fetchall()
        except psycopg.errors.UndefinedTable:  # the integrity projection has not started yet
            return []
        out = []
        for tenant, position, count, chain_hash, at in rows:
            chain = bytes(chain_hash).hex()
            claim = f"jixiao-checkpoint:v1:{tenant}:{position}:{count}:{chain}".encode()
            path = list(self.translator.tree.path(tenant))
            message = contracts.CheckpointMessage(
                version=1,
                position=position,
                tenant=tenant,
                tenant_path=path,
                occurred_at=at,
                payload=contracts.IntegrityCheckpoint(
                    count=count,
                    chain_hash=chain,
                    signature=base64.b64encode(self._key.sign(claim)).decode(),
                    public_key=self._public,
                ),
            )
            out.append(
                Outgoing(
                    position=position,
                    subject=checkpoint_subject(path),
                    data=contracts.ENCODER.encode(message),
                    tenant=tenant,
                    type_name="integrity.checkpoint",
                    version=1,
                    correlation_id="",
                    msg_id=f"checkpoint:{tenant}:{position}",
                )
            )
        return out

    def _wait(self) -> None:
        for _ in self.listener.notifies(timeout=self.idle_wait, stop_after=1):
            pass


def settled(window: Pending, acked: Cursor, *, raise_errors: bool = True) -> Cursor:
    """Pop acknowledged messages off the head of the window; the last of them is the new position."""
    while window and window[0][0].done():
        future, cursor = window[0]
        if future.cancelled() or future.exception() is not None:
            if raise_errors:
                raise future.exception() or TimeoutError("发布被取消")
            break
        window.popleft()
        acked = cursor
    return acked
