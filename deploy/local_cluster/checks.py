"""What the failover suite checks after each fault, once the cluster has recovered:

- every acknowledged command's event is in the event log (``jixiao_events``): none lost;
- the projectors caught up, and a read model equals its from-zero rebuild (``ledgers``);
- the JetStream stream holds every event once and in order (``Jixiao-Position`` headers against
  the log's positions);
- ``jixiao verify`` passes (hash chains and signed checkpoints).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import psycopg

from deploy.local_cluster.apps import run_jixiao

VIEW = "ledgers"
VIEW_SQL = "SELECT project_id, tenant, code, name, year, version, updated_at FROM rm_ledgers.projects ORDER BY project_id"


def connect(env: dict[str, str]) -> psycopg.Connection[Any]:
    return psycopg.connect(env["DATABASE_URL"], autocommit=True)


def lost(env: dict[str, str], acknowledged: list[str]) -> int:
    """How many acknowledged commands have no event in the log."""
    with connect(env) as conn:
        row = conn.execute(
            "SELECT count(DISTINCT originator_id) FROM jixiao_events WHERE originator_id = ANY(%s::uuid[])",
            (acknowledged,),
        ).fetchone()
    return len(set(acknowledged)) - int(row[0] if row else 0)


def positions(env: dict[str, str]) -> list[int]:
    with connect(env) as conn:
        return [int(r[0]) for r in conn.execute("SELECT notification_id FROM jixiao_events ORDER BY 1")]


def projected(env: dict[str, str], timeout: float = 120) -> bool:
    """Every projection's tracking position reached the log's head."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connect(env) as conn:
            head = conn.execute("SELECT coalesce(max(notification_id), 0) FROM jixiao_events").fetchone()
            schemas = [
                r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm\\_%'")
            ]
            behind = []
            for schema in schemas:
                row = conn.execute(f"SELECT position FROM {schema}.tracking").fetchone()
                if row is not None and head is not None and int(row[0]) < int(head[0]):
                    behind.append(schema)
        if not behind:
            return True
        time.sleep(1)
    return False


def view_equals_rebuild(env: dict[str, str]) -> bool:
    with connect(env) as conn:
        live = conn.execute(VIEW_SQL).fetchall()
    run_jixiao(env, "projections", "rebuild", VIEW)
    with connect(env) as conn:
        rebuilt = conn.execute(VIEW_SQL).fetchall()
    return live == rebuilt


async def _stream_positions(nats_url: str, head: int, timeout: float) -> list[int]:
    import nats
    from nats.errors import Error as NatsError
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    from services.relay.jetstream import server_urls

    deadline = time.monotonic() + timeout
    nc = await nats.connect(server_urls(nats_url), connect_timeout=3)
    try:
        js = nc.jetstream(timeout=5)
        while True:  # the relay may still be catching up: read again until it has the head
            config = ConsumerConfig(
                deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE, headers_only=True
            )
            found: list[int] = []
            try:
                found = await _read_once(js, config, head)
            except NatsError:  # a stream or consumer leader moving: read again
                if time.monotonic() > deadline:
                    raise
            if (found and found[-1] >= head) or time.monotonic() > deadline:
                return found
            await asyncio.sleep(2)
    finally:
        await nc.close()


async def _read_once(js: Any, config: Any, head: int) -> list[int]:
    from services.relay.jetstream import POSITION
    from services.relay.permissions import STREAM
    from services.relay.subjects import CHECKPOINT_SUFFIX, everything

    found: list[int] = []
    sub = await js.pull_subscribe(everything(), stream=STREAM, config=config)
    try:
        while True:
            try:
                batch = await sub.fetch(500, timeout=2)
            except TimeoutError:
                return found
            for msg in batch:
                # a signed checkpoint carries the position it covers: not an event
                checkpoint = msg.subject.endswith(f".{CHECKPOINT_SUFFIX}")
                if msg.headers and POSITION in msg.headers and not checkpoint:
                    found.append(int(msg.headers[POSITION]))
            if batch and batch[-1].metadata.num_pending == 0:
                return found
    finally:
        with contextlib.suppress(Exception):
            await sub.unsubscribe()


def stream_matches_log(env: dict[str, str], timeout: float = 120) -> tuple[bool, str]:
    log = positions(env)
    stream = asyncio.run(_stream_positions(env["NATS_URL"], log[-1] if log else 0, timeout))
    if stream == log:
        return True, f"{len(stream)} messages, once each, in order"
    duplicates = len(stream) - len(set(stream))
    missing = len(set(log) - set(stream))
    ordered = stream == sorted(stream)
    return (
        False,
        f"stream {len(stream)} vs log {len(log)}: {missing} missing, {duplicates} twice, in order: {ordered}",
    )


def verify(env: dict[str, str]) -> bool:
    try:
        run_jixiao(env, "verify")
    except RuntimeError:
        return False
    return True


def all_checks(env: dict[str, str], acknowledged: list[str]) -> dict[str, Any]:
    result: dict[str, Any] = {"lost": lost(env, acknowledged)}
    result["projected"] = projected(env)
    result["view_equals_rebuild"] = view_equals_rebuild(env)
    ok, detail = stream_matches_log(env)
    result["stream_once_in_order"] = ok
    result["stream_detail"] = detail
    result["verify"] = verify(env)
    return result
