"""Read-side benchmarks (issue 3). Run: ``python3 dev.py bench`` (JIXIAO_BENCH_EVENTS to resize).

1. Rebuild throughput over a realistic mix (default 1,000,000 events) for each projection, next
   to the same run's raw ceiling (SELECT every event in the projector's batches + msgspec
   decode) and the library's ProjectionRunner (one event per transaction). Goals: ≥ 0.35× the
   ceiling, ≥ 20× ProjectionRunner.
2. Time travel on an evaluation of 1,000 events: p99 next to a raw SELECT of its rows. Goal ≤ 3×.
3. Projection lag while 500 commands/s are sustained: p99 < 1 s.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import queue
import random
import statistics
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from domain.context import Actor
from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import Role, TenantLevel
from projections.core.runner import Projector, young_collections_only
from projections.registry import NAMES, projection
from projections.timetravel import evaluation_as_of
from services.app.application import JixiaoApplication
from services.compose import build_application
from services.eventlog.mapper import MsgspecMapper
from services.eventlog.schema import TABLE_PREFIX, postgres_env
from services.eventlog.stream import read_batch
from services.runtime.settings import Settings
from tests.benchmarks.conftest import p, report, timings
from tests.benchmarks.workload import generate
from tests.support import define, evaluation, project, register, staff

EVENTS = int(os.environ.get("JIXIAO_BENCH_EVENTS", "1000000"))
RUNNER_SAMPLE = 20_000


@pytest.fixture(scope="module")
def loaded(postgres_url: str) -> Iterator[str]:
    """One database with the realistic mix, shared by the rebuild benchmarks."""
    name = "bench_read_side"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = psycopg.conninfo.make_conninfo(postgres_url, dbname=name)
    app = build_application(url)
    started = time.perf_counter()
    written = generate(app, EVENTS)
    app.close()
    print(f"\n(generated {written:,} events in {time.perf_counter() - started:.0f} s)")
    yield url
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raw_ceiling(url: str, batch: int) -> tuple[float, int]:
    """SELECT every event in the projector's batches and decode it with msgspec: events/s.

    Under the same garbage-collection policy as a rebuild, so the ratio compares like with like."""
    with psycopg.connect(url) as conn, conn.cursor() as cur, young_collections_only() as collect:
        started, position, n = time.perf_counter(), 0, 0
        while events := read_batch(cur, position, batch):
            position, n = events[-1].position, n + len(events)
            collect()
        return n / (time.perf_counter() - started), n


class StoredEvents(Application[UUID]):
    """The library's application on jixiao's event table (its name gives the table,
    ``jixiao_events``), decoding with jixiao's mapper: what the library's runner follows."""

    name = TABLE_PREFIX

    def construct_mapper(self) -> Mapper[UUID]:
        return MsgspecMapper()


class CountingView(PostgresTrackingRecorder):
    """The library's pattern: the view records its tracking position in the same transaction."""


class CountingProjection(Projection[CountingView]):
    name = "countingprojection"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.view.insert_tracking(tracking)


def library_runner_rate(url: str) -> float:
    env = {**postgres_env(url), "COUNTINGPROJECTION_CREATE_TABLE": "y"}
    runner = ProjectionRunner(
        application_class=StoredEvents,
        projection_class=CountingProjection,
        view_class=CountingView,
        env=env,
    )
    started = time.perf_counter()
    try:
        with runner:
            while (runner.view.max_tracking_id(StoredEvents.name) or 0) < RUNNER_SAMPLE:
                time.sleep(0.05)
                assert time.perf_counter() - started < 600
            done = runner.view.max_tracking_id(StoredEvents.name) or 0
    finally:
        elapsed = time.perf_counter() - started
    return done / elapsed


@pytest.mark.timeout(1200)  # generating the million events (the fixture, ~3 min) counts too
def test_rebuild_throughput(loaded: str) -> None:
    ceiling, n = raw_ceiling(loaded, 2000)
    lines = [f"events: {n:,}", f"raw ceiling (SELECT in batches + msgspec decode): {ceiling:,.0f} events/s"]
    library = library_runner_rate(loaded)
    lines.append(
        f"library ProjectionRunner (first {RUNNER_SAMPLE:,} events, one per transaction): {library:,.0f} events/s"
    )
    workers = Settings.from_env().rebuild_workers
    for name in NAMES:
        # partitioned projections: the parallel rebuild users get, and the same in one process
        modes = [workers, 1] if getattr(projection(name), "partitioned", False) and workers > 1 else [1]
        for n in modes:
            with Projector(loaded, projection(name), batch=2000, rebuild_workers=n) as proj:
                started = time.perf_counter()
                done = proj.rebuild()
                rate = done / (time.perf_counter() - started)
            label = f"{name} ({n} {'processes' if n > 1 else 'process'})"
            lines.append(
                f"rebuild {label:<24}: {rate:>9,.0f} events/s = {rate / ceiling:.2f}× ceiling (goal ≥ 0.35), "
                f"{rate / library:,.0f}× ProjectionRunner (goal ≥ 20)"
            )
    report("projection rebuild throughput", lines)


def test_time_travel_p99(database_url: str) -> None:
    app = build_application(database_url)
    caller = staff("360100", "tt", Role.EVALUATOR, cid="tt")
    actor = Actor("tt", "evaluator", "360100", "tt")  # bulk notes: 100 events a save
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    tt = project(app, caller, "TT", "时间旅行基准", 2022)
    ev = evaluation(app, caller, tt.id, "自评")
    define(app, caller, ev.id, IndicatorSpec("1", "规范", Decimal(100), rule=Manual()))
    for k in range(10):

        def notes(e: Evaluation, k: int = k) -> None:
            for i in range(100 if k < 9 else 97):
                e.note_deviation("1", f"说明 {k}-{i}")

        app.change(actor, Evaluation, ev.id, notes)
    assert app.evaluation(ev.id).version == 1000
    with psycopg.connect(database_url) as conn:
        stamps = [
            msgspec.json.decode(bytes(r[0]))["timestamp"]
            for r in conn.execute(
                "SELECT state FROM jixiao_events WHERE originator_id = %s ORDER BY originator_version",
                (ev.id,),
            )
        ]
        moments = [datetime.datetime.fromisoformat(t) for t in stamps]
        rng = random.Random(3)

        def raw() -> None:
            rows = conn.execute(
                "SELECT originator_version, topic, state FROM jixiao_events WHERE originator_id = %s "
                "ORDER BY originator_version",
                (ev.id,),
            ).fetchall()
            assert len(rows) == 1000

        def travel() -> None:  # a random instant of the history: up to 99 events past a snapshot
            v = rng.randrange(1, 1001)
            expected = max(i + 1 for i, m in enumerate(moments) if m <= moments[v - 1])
            assert evaluation_as_of(app.log, ev.id, at=moments[v - 1]).version == expected

        for _ in range(10):
            raw(), travel()
        raw_t, travel_t = [], []
        for _ in range(20):
            raw_t += timings(raw, 10)
            travel_t += timings(travel, 10)
    app.close()
    report(
        "time travel on an evaluation of 1,000 events (as of random instants; snapshots every 100)",
        [
            f"as_of: p50 {p(travel_t, 50) * 1000:.2f} ms, p99 {p(travel_t, 99) * 1000:.2f} ms",
            f"raw SELECT: p50 {p(raw_t, 50) * 1000:.2f} ms, p99 {p(raw_t, 99) * 1000:.2f} ms",
            f"ratio (p99): {p(travel_t, 99) / p(raw_t, 99):.2f}×  (goal ≤ 3×)",
        ],
    )


def _projectors(url: str, stop: Any) -> None:
    """All projections, in their own process (as `jixiao up` runs them beside the API)."""
    from services.commands.projections import run_projectors
    from services.compose import install

    install(url)  # as `jixiao up` does before its projectors start
    flag = threading.Event()
    threads = run_projectors(Settings(), url, flag)
    stop.wait()
    flag.set()
    for t in threads:
        t.join(timeout=10)


def _writer_process(url: str, evs: list[UUID], rate: float, seconds: float, threads: int, out: Any) -> None:
    """Sustain ``rate`` commands/s from ``threads`` threads; report (position, commit time) pairs."""
    app = build_application(url, pool_size=threads)
    actor = Actor("lag", "evaluator", "360100", "lag")
    commits: list[tuple[int, float]] = []
    lock = threading.Lock()

    def write(worker: int) -> None:
        per_thread = rate / threads
        started = time.perf_counter()
        k = 0
        while (elapsed := time.perf_counter() - started) < seconds:
            due = k / per_thread
            if due > elapsed:
                time.sleep(due - elapsed)
            ev = evs[(k * threads + worker) % len(evs)]
            # the log's save (what ``app.store`` does), which answers the events' positions
            positions = app.log.append(_note(app, actor, ev, f"w{worker}-{k}"))
            with lock:
                commits.append((positions[-1], time.perf_counter()))
            k += 1

    workers = [threading.Thread(target=write, args=(w,)) for w in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    app.close()
    out.put(commits)


def test_projection_lag_at_500_commands_per_second(database_url: str) -> None:
    import multiprocessing

    rate, seconds, processes, threads = 500, 20, 2, 3
    app = build_application(database_url)
    caller = staff("360100", "lag", Role.EVALUATOR, cid="lag")
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    evs: list[UUID] = []
    for i in range(120):
        li = project(app, caller, f"L{i}", f"项目{i}", 2022)
        ev = evaluation(app, caller, li.id, "自评")
        define(app, caller, ev.id, IndicatorSpec("1", "规范", Decimal(100), rule=Manual()))
        evs.append(ev.id)
    app.close()
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    followers = ctx.Process(target=_projectors, args=(database_url, stop))
    followers.start()
    schemas = [f"rm_{name}" for name in NAMES]
    slowest = "SELECT LEAST(" + ", ".join(f"(SELECT position FROM {s}.tracking)" for s in schemas) + ")"
    samples: list[tuple[float, int]] = []  # (time, position every projection has reached)
    try:
        with psycopg.connect(database_url, autocommit=True) as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # every projection created its schema and caught up
                try:
                    row = conn.execute(
                        slowest + ", (SELECT max(notification_id) FROM jixiao_events)"
                    ).fetchone()
                    if row and row[0] == row[1]:
                        break
                except psycopg.errors.UndefinedTable:
                    pass
                time.sleep(0.1)
            out = ctx.Queue()
            share = len(evs) // processes
            writers = [
                ctx.Process(
                    target=_writer_process,
                    args=(
                        database_url,
                        evs[i * share : (i + 1) * share],
                        rate / processes,
                        seconds,
                        threads,
                        out,
                    ),
                )
                for i in range(processes)
            ]
            for w in writers:
                w.start()
            commits: list[tuple[int, float]] = []
            results = 0
            while results < processes:
                row = conn.execute(slowest).fetchone()
                samples.append((time.perf_counter(), int(row[0]) if row else 0))
                with contextlib.suppress(queue.Empty):
                    commits += out.get(timeout=0.005)
                    results += 1
            last = max(nid for nid, _ in commits)
            deadline = time.monotonic() + 30
            while samples[-1][1] < last and time.monotonic() < deadline:
                row = conn.execute(slowest).fetchone()
                samples.append((time.perf_counter(), int(row[0]) if row else 0))
                time.sleep(0.005)
            for w in writers:
                w.join(timeout=10)
    finally:
        stop.set()
        followers.join(timeout=30)
    assert samples[-1][1] >= last, "some commands never reached every projection"
    lags = []
    at = 0
    for nid, committed in sorted(commits):  # positions and commit order agree closely; sample times ascend
        while samples[at][1] < nid:
            at += 1
        lags.append(max(0.0, samples[at][0] - committed))
    achieved = len(commits) / seconds
    report(
        f"projection lag (commit → projected by all {len(NAMES)} projections) at {rate} commands/s",
        [
            f"commands: {len(commits):,} in {seconds} s = {achieved:,.0f}/s "
            f"({processes} writer processes × {threads} threads; projectors in a third process)",
            f"lag: p50 {statistics.median(lags) * 1000:.0f} ms, p99 {p(lags, 99) * 1000:.0f} ms, "
            f"max {max(lags) * 1000:.0f} ms  (goal p99 < 1 s)",
        ],
    )


def _note(app: JixiaoApplication, actor: Actor, ev: UUID, text: str) -> list[Any]:
    """The events of one command: a deviation noted on the evaluation as stored."""
    from domain.context import acting

    e = app.evaluation(ev)
    with acting(actor):
        e.note_deviation("1", text)
    return list(e.collect_events())
