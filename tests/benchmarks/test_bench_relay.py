"""Relay benchmarks (issue 5). Run: ``.venv/bin/pytest -m benchmark tests/benchmarks/test_bench_relay.py -s``.

1. Throughput: the relay publishing a stored realistic mix (JIXIAO_BENCH_RELAY_EVENTS, default
   50,000) to a real nats-server, next to the same run's ceiling: nats-py ``publish_async`` of the
   very same subjects and bytes with the same window, ids and headers, nothing else to do (and
   bare, without headers). Goal: ≥ 0.6× the ceiling.
2. Commit → subscriber latency at 200 and 2,000 events/s: a writer commits at a paced rate, the
   relay runs as its own process (as in production), a core-NATS subscriber notes when each
   event arrives. Latency = arrival − return of the committing call. Goal: p99 < 50 ms at 200/s.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import nats
import psycopg
import pytest

from domain.evaluation import Evaluation
from projections.core.runner import wait_until
from services.compose import build_application
from services.eventlog.stream import read_batch
from services.relay.jetstream import StreamSettings
from services.relay.subjects import TenantTree
from services.relay.tenancy import parent_of
from services.relay.translate import Outgoing, Translator
from tests.benchmarks.conftest import p, report
from tests.benchmarks.workload import generate
from tests.conftest import fresh_database
from tests.integration.relay_support import (
    LOADER,
    evaluations,
    event_positions,
    relay_process,
    relay_thread,
    relayed_position,
    start_server,
)
from tests.relay_events import register_tree

EVENTS = int(os.environ.get("JIXIAO_BENCH_RELAY_EVENTS", "50000"))
WINDOW = 2000


@pytest.fixture
def bench_db(postgres_url: str) -> Iterator[str]:
    with fresh_database(postgres_url, "bench_relay") as url:
        yield url


def outgoing(url: str) -> list[Outgoing]:
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        translator = Translator(TenantTree(lambda code: parent_of(conn, code)))
        out: list[Outgoing] = []
        while batch := read_batch(cur, out[-1].position if out else 0, 5000):
            out += [translator.outgoing(env) for env in batch]
    return out


async def ceiling(nats_url: str, messages: list[Outgoing], stream: str, headers: bool) -> float:
    """Messages per second of bare publish_async with the relay's window, all acknowledged."""
    nc = await nats.connect(nats_url)
    js = nc.jetstream(publish_async_max_pending=WINDOW)
    await js.add_stream(name=stream, subjects=[f"{stream.lower()}.>"], duplicate_window=600.0)
    prefix = stream.lower()
    started = time.perf_counter()
    futures = []
    for i, m in enumerate(messages):
        h = None
        if headers:
            h = {"Nats-Msg-Id": m.msg_id, "Nats-Expected-Last-Sequence": str(i), "Jixiao-Position": m.msg_id}
            h |= {"Jixiao-Tenant": m.tenant, "Jixiao-Type": m.type_name, "Jixiao-Version": "1"}
            h |= {"Jixiao-Checkpoint-Position": "0", "Jixiao-Correlation-Id": m.correlation_id}
        futures.append(await js.publish_async(f"{prefix}.{m.subject}", m.data, headers=h))
    await asyncio.gather(*futures)
    rate = len(messages) / (time.perf_counter() - started)
    await nc.close()
    return rate


def test_relay_throughput_next_to_raw_publish_async(bench_db: str, tmp_path: Path) -> None:
    app = build_application(bench_db)
    written = generate(app, EVENTS)
    app.close()
    messages = outgoing(bench_db)
    size = sum(len(m.data) for m in messages) / len(messages)
    server = start_server(tmp_path)
    try:
        bare = asyncio.run(ceiling(server.url, messages, "BARE", headers=False))
        raw = asyncio.run(ceiling(server.url, messages, "RAW", headers=True))
        started = time.perf_counter()
        with relay_thread(bench_db, server.url, stream=StreamSettings(), window=WINDOW, batch=2000):
            assert wait_until(lambda: relayed_position(bench_db) == messages[-1].position, 600)
            relay = len(messages) / (time.perf_counter() - started)
    finally:
        server.stop()
    report(
        "relay throughput",
        [
            f"{written:,} events stored, {len(messages):,} messages of {size:,.0f} bytes on average, window {WINDOW}",
            f"raw publish_async, same subjects/bytes/headers: {raw:,.0f} msg/s",
            f"raw publish_async, no headers:                  {bare:,.0f} msg/s",
            f"relay (read + decode + translate + publish + track): {relay:,.0f} msg/s",
            f"ratio relay / raw with headers: {relay / raw:.2f}×   relay / bare: {relay / bare:.2f}×   (goal ≥ 0.6×)",
        ],
    )


async def _listen(
    nats_url: str, arrived: dict[int, float], ready: threading.Event, stop: threading.Event
) -> None:
    nc = await nats.connect(nats_url)

    async def record(msg: nats.aio.msg.Msg) -> None:
        arrived[int((msg.headers or {})["Jixiao-Position"])] = time.perf_counter()

    await nc.subscribe("jixiao.>", cb=record)
    await nc.flush()
    ready.set()
    while not stop.is_set():
        await asyncio.sleep(0.05)
    await nc.close()


def _head(conn: psycopg.Connection[tuple[int]]) -> int:
    row = conn.execute("SELECT max(notification_id) FROM jixiao_events").fetchone()
    return int(row[0]) if row else 0


def latency_at(url: str, nats_url: str, tmp_path: Path, per_second: int, seconds: float) -> list[float]:
    """Milliseconds from each commit's return to the event's arrival at a subscriber."""
    app = build_application(url, pool_size=2)
    register_tree(app)
    ids = evaluations(app)
    per_commit = max(1, per_second // 200)  # at most 200 commits/s: 2,000 events/s are 10 a commit
    rate = per_second / per_commit
    arrived: dict[int, float] = {}
    committed: dict[int, float] = {}
    ready, stop = threading.Event(), threading.Event()
    listener = threading.Thread(target=lambda: asyncio.run(_listen(nats_url, arrived, ready, stop)))
    listener.start()
    relay = relay_process(url, nats_url, tmp_path)
    try:
        assert ready.wait(10)
        assert wait_until(lambda: relayed_position(url) == max(event_positions(url)), 60)
        with psycopg.connect(url, autocommit=True) as conn:
            start = time.perf_counter()
            for i in range(int(rate * seconds)):
                due = start + i / rate
                while (now := time.perf_counter()) < due:
                    time.sleep(min(due - now, 0.001))
                app.change(LOADER, Evaluation, ids[i % 2], notes(i, per_commit))
                done = time.perf_counter()
                top = _head(conn)  # the only writer: this commit's events end at the head
                for position in range(top - per_commit + 1, top + 1):
                    committed[position] = done
            achieved = len(committed) / (time.perf_counter() - start)
        assert wait_until(lambda: all(position in arrived for position in committed), 60)
    finally:
        stop.set()
        listener.join(timeout=10)
        relay.terminate()
        relay.wait(timeout=20)
        app.close()
    print(f"\n  (achieved {achieved:,.0f} events/s)")
    return [(arrived[position] - t) * 1000 for position, t in committed.items()]


def notes(i: int, n: int) -> Callable[[Evaluation], None]:
    def write(e: Evaluation) -> None:
        for k in range(n):
            e.note_deviation("1", f"延迟 {i}.{k}")

    return write


def test_commit_to_subscriber_latency(postgres_url: str, tmp_path: Path) -> None:
    lines = []
    for per_second in (200, 2000):
        server = start_server(tmp_path / f"nats{per_second}")
        try:
            with fresh_database(postgres_url, "bench_latency") as url:
                ms = latency_at(url, server.url, tmp_path, per_second, seconds=10.0)
        finally:
            server.stop()
        goal = "  (goal p99 < 50 ms)" if per_second == 200 else ""
        lines.append(
            f"{per_second:>5} events/s: p50 {p(ms, 50):.1f} ms, p99 {p(ms, 99):.1f} ms, max {max(ms):.1f} ms "
            f"over {len(ms):,} events{goal}"
        )
    report("commit → subscriber latency (relay in its own process, core NATS subscriber)", lines)
