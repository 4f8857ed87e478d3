"""``jixiao subscribe``: one tenant's subtree as JSON lines, live or replayed from any position.

Replay: JetStream while it retains the messages; for positions older than the stream's first
retained message, the same messages are rebuilt from the event store (the relay's translation,
byte for byte) up to where the stream takes over. ``--since TIME`` starts at the first event at or
after TIME in the global order. This runs on the platform (it reads the event store), as the
platform's NATS user with a consumer filtered to the tenant's subtree.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import nats
import psycopg
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from domain.errors import NotFound
from services.eventlog.stream import head, oldest_after, read_batch
from services.relay import tracking
from services.relay.jetstream import POSITION, TYPE, server_urls
from services.relay.permissions import STREAM
from services.relay.subjects import UNKNOWN, TenantTree, subtree
from services.relay.tenancy import parent_of
from services.relay.translate import Translator

Emit = Callable[[bytes], None]


def first_position_at(conn: psycopg.Connection[Any], since: datetime.datetime) -> int:
    """The position of the first event at or after ``since`` (events commit in time order)."""
    with conn.cursor() as cur:
        lo, hi = 0, head(cur)[0]
        while lo < hi:
            mid = (lo + hi) // 2
            stamp = oldest_after(cur, mid)
            if stamp is None or stamp >= since:
                hi = mid
            else:
                lo = mid + 1
    return lo + 1


async def _stream_start(js: JetStreamContext, position: int, marked: int) -> tuple[int, int | None]:
    """(first sequence to read, end of the event-store catch-up: events before it come from the store).

    ``marked`` is the stream sequence just before ``position`` the relay recorded (0: unknown)."""
    state = (await js.stream_info(STREAM)).state
    if marked + 1 >= state.first_seq or state.last_seq == 0:
        return max(marked + 1, 1), None
    seq = state.first_seq
    while seq <= state.last_seq:  # the oldest retained message tells up to where the store must serve
        try:
            msg = await js.get_msg(STREAM, seq)
        except NotFoundError:
            seq += 1
            continue
        headers = msg.headers or {}
        covered = int(headers[POSITION])
        return state.first_seq, covered if headers.get(TYPE) != "integrity.checkpoint" else covered + 1
    return state.last_seq + 1, None


def catch_up(conn: psycopg.Connection[Any], path: tuple[str, ...], start: int, end: int, emit: Emit) -> int:
    """Messages of the subtree for positions in [start, end), rebuilt from the event store."""
    translator = Translator(TenantTree(lambda code: parent_of(conn, code)))
    sent = 0
    after = start - 1
    while after < end - 1:
        with conn.cursor() as cur:
            events = read_batch(cur, after, 2000, end - 1)
        if not events:
            break
        for env in events:
            out = translator.outgoing(env)
            if tuple(translator.tree.path(out.tenant))[: len(path)] == path:
                emit(out.data)
                sent += 1
        after = events[-1].position
    return sent


async def subscribe(
    database_url: str,
    nats_url: str,
    tenant: str,
    emit: Emit,
    *,
    from_position: int | None = None,
    since: datetime.datetime | None = None,
    count: int | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Emit the subtree's messages until ``count`` or ``should_stop``; returns how many."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        tree = TenantTree(lambda code: parent_of(conn, code))
        if parent_of(conn, tenant) == UNKNOWN:
            raise NotFound(f"单位 {tenant} 未登记", code="tenant.not_found")
        path = tree.path(tenant)
        start = first_position_at(conn, since) if since is not None else from_position
        nc = await nats.connect(server_urls(nats_url))
        try:
            js = nc.jetstream()
            config = ConsumerConfig(
                filter_subject=subtree(path), ack_policy=AckPolicy.NONE, inactive_threshold=30.0
            )
            emitted = 0
            if start is None:
                config.deliver_policy = DeliverPolicy.NEW
            else:
                seq, store_until = await _stream_start(js, start, tracking.sequence_before(conn, start))
                if store_until is not None and store_until > start:
                    emitted += catch_up(conn, path, start, store_until, emit)
                config.deliver_policy, config.opt_start_seq = DeliverPolicy.BY_START_SEQUENCE, seq
            sub = await js.pull_subscribe(subtree(path), stream=STREAM, config=config)
            while not should_stop() and (count is None or emitted < count):
                try:
                    msgs = await sub.fetch(batch=256, timeout=0.5)
                except TimeoutError:  # nats-py's subclass, or asyncio's when the deadline passes first
                    continue
                for msg in msgs:
                    if start is not None and int((msg.headers or {}).get(POSITION, 0)) < start:
                        continue  # a mark is at most one batch before the position asked for
                    emit(msg.data)
                    emitted += 1
                    if count is not None and emitted >= count:
                        break
            return emitted
        finally:
            await nc.close()
