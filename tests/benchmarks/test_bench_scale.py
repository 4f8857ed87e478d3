"""Scale (issue 20): command latency flat from 10 thousand to 10 million stored events across
3,000 bureaus, a projection's rebuild linear in the events, and the bytes an event takes.

    python3 dev.py scale                          # 10,000,000 events (JIXIAO_SCALE_EVENTS)
    JIXIAO_SCALE_EVENTS=200000 python3 dev.py scale   # a quick check

The bureaus are registered by real commands; the events are real encoded events of the platform,
copied with COPY (``bulkfill.py``). Figures, each a ratio within the run:

1. Deductions over HTTP (the API in JIXIAO_BENCH_WORKERS processes), paced at 200/s for 20 s on
   128 draft evaluations spread over the bureaus, in a database of ~10,000 events and in one of
   the full size, set up alike; measured small, large, small, large, small, large (the machine is
   shared: a drift in its load falls on both) and compared by the median of each. Goal: p99 at the full
   size ≤ 2× the p99 at 10,000 (a B-tree a level deeper and pages out of the cache may cost some;
   a cost growing with the log would show as a multiple).
2. The scorecards projection rebuilt from zero (one process) at a tenth, a fifth and two fifths of
   the full size: µs per event at each. Goal: the largest size's ≤ 1.5× the smallest's (linear).
3. Stored bytes per event: the event table with its indexes and TOAST over its rows.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import Any
from uuid import UUID

import psycopg
import pytest

from domain.evaluation import Evaluation
from domain.tenants import Role
from projections.core.runner import Projector
from projections.registry import projection
from services.api.auth import TokenConfig, issue
from services.compose import build_application, install
from services.eventlog.stream import EVENTS_TABLE
from tests.benchmarks.bulkfill import OPEN_KEYS, Filler, closed_templates, open_templates, register_hierarchy
from tests.benchmarks.conftest import report
from tests.benchmarks.serving import WORKERS, load, serving
from tests.conftest import fresh_database

EVENTS = int(os.environ.get("JIXIAO_SCALE_EVENTS", "10000000"))
SMALL = 10_000
TENANTS = 3000
SECRET = "scale-secret-" + "z" * 40
TARGETS = 128  # draft evaluations taking the deductions (a multiple of CONNECTIONS)
CONNECTIONS = 8
PACE = 200  # deductions per second
SECONDS = 20
ROUNDS = 3  # latency runs on each database, alternating; their median is compared
PROJECTION = "scorecards"
REBUILD_AT = sorted(
    {max(SMALL * 2, EVENTS // 10), max(SMALL * 4, EVENTS // 5), max(SMALL * 8, 2 * EVENTS // 5)}
)


def stored_bytes(url: str) -> tuple[int, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT pg_total_relation_size('{EVENTS_TABLE}'), (SELECT count(*) FROM {EVENTS_TABLE})"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def latency(url: str, targets: list[tuple[str, str]], phase: str) -> dict[str, Any]:
    """Paced deductions on ``targets``; connection c only ever touches targets c, c+8, …"""
    tokens = {
        tenant: issue(
            TokenConfig(secret=SECRET), user=f"eval.{tenant}", tenant=tenant, roles=(Role.EVALUATOR,)
        )
        for tenant, _ in targets
    }
    requests = [
        [
            "POST",
            f"/api/v1/evaluations/{targets[k % TARGETS][1]}/deductions",
            {
                "deduction_id": f"{phase}{k}",
                "indicator": OPEN_KEYS[(k // TARGETS) % len(OPEN_KEYS)],
                "points": "0.01",
                "reason": "基准扣分",
            },
            {"Authorization": f"Bearer {tokens[targets[k % TARGETS][0]]}"},
        ]
        for k in range(PACE * (SECONDS + 5))
    ]
    with serving(url, SECRET) as port:
        warm = TARGETS * 4  # every target loaded and cached once or more, connections open
        load(port, 3, PACE, CONNECTIONS, requests[:warm])
        return load(port, SECONDS, PACE, CONNECTIONS, requests[warm:])


def rebuild_seconds(url: str) -> tuple[float, int]:
    with Projector(url, projection(PROJECTION), batch=2000, rebuild_workers=1) as proj:
        started = time.perf_counter()
        done = proj.rebuild()
        return time.perf_counter() - started, done


def decode_sample(url: str, evaluations: list[tuple[str, str]]) -> int:
    """Random stored rows decode, and copied evaluations load (the fill wrote real events)."""
    app = build_application(url)
    try:
        with psycopg.connect(url) as conn:
            top = conn.execute(f"SELECT max(notification_id) FROM {EVENTS_TABLE}").fetchone()
            assert top is not None
            picks = random.Random(3).sample(range(1, int(top[0]) + 1), 500)
            rows = conn.execute(
                f"SELECT originator_id, originator_version, topic, state FROM {EVENTS_TABLE} "
                "WHERE notification_id = ANY(%s)",
                (picks,),
            ).fetchall()
        for oid, version, topic, state in rows:
            assert app.log.mapper.decode_row(oid, version, topic, state).originator_version == version
        for tenant, eid in evaluations:
            assert app.load(Evaluation, UUID(eid)).tenant == tenant
        return len(rows)
    finally:
        app.close()


def populate(url: str) -> tuple[Filler, list[tuple[str, str]], int]:
    """The bureaus by commands, the draft evaluations the deductions go to, and ~10,000 events."""
    install(url)
    app = build_application(url)
    tenants = register_hierarchy(app, TENANTS)
    app.close()
    drafts = Filler(url, tenants[::-1], open_templates(), first_serial=10**9)
    targets = drafts.add(TARGETS)
    bulk = Filler(url, tenants, closed_templates())
    bulk.fill_to(SMALL)
    return bulk, targets, len(tenants)


@pytest.mark.scale
@pytest.mark.timeout(4 * 3600)
def test_latency_flat_rebuild_linear_bytes_per_event(postgres_url: str) -> None:
    with (
        fresh_database(postgres_url, "scale_small") as small_url,
        fresh_database(postgres_url, "scale") as url,
    ):
        scale(small_url, url)


def scale(small_url: str, url: str) -> None:
    """``url`` grows to EVENTS; ``small_url`` stays at ~10,000 events, the latency's baseline."""
    started = time.perf_counter()
    _, small_targets, bureaus = populate(small_url)
    small_at = stored_bytes(small_url)[1]
    bulk, targets, _ = populate(url)
    lines = [
        f"two databases of {bureaus:,} bureaus each set up by commands in {time.perf_counter() - started:.0f} s"
    ]
    rebuilds: list[tuple[int, float]] = []
    fill_seconds = 0.0
    for size in REBUILD_AT:
        t0 = time.perf_counter()
        bulk.fill_to(size)
        fill_seconds += time.perf_counter() - t0
        seconds, done = rebuild_seconds(url)
        rebuilds.append((done, seconds))
        size_bytes, rows = stored_bytes(url)
        lines.append(
            f"rebuild {PROJECTION} from zero at {done:,} events: {seconds:.1f} s = "
            f"{seconds / done * 1e6:.1f} µs/event; stored {size_bytes / rows:,.0f} bytes/event "
            f"(filled at {bulk.rows_per_second:,.0f} rows/s)"
        )
    t0 = time.perf_counter()
    full_at = bulk.fill_to(EVENTS)
    fill_seconds += time.perf_counter() - t0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ANALYZE {EVENTS_TABLE}")
    size_bytes, rows = stored_bytes(url)
    lines.append(
        f"filled to {rows:,} events in {fill_seconds:.0f} s of COPY; stored {size_bytes / 2**30:.2f} GiB = "
        f"{size_bytes / rows:,.0f} bytes/event (table, primary key, position index, TOAST)"
    )
    # small, large, small, large, …: a drift in the shared machine's load falls on both alike
    runs: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
    for round_ in range(1, ROUNDS + 1):
        runs["small"].append(latency(small_url, small_targets, f"A{round_}."))
        runs["large"].append(latency(url, targets, f"B{round_}."))
    for name, at in (("small", small_at), ("large", full_at)):
        for r in runs[name]:
            lines.append(
                f"at {at:,} events: deductions paced at {PACE}/s over HTTP ({WORKERS} workers): "
                f"p50 {r['p50'] * 1000:.1f} ms, p99 {r['p99'] * 1000:.1f} ms, statuses {r['statuses']}"
            )
    decoded = decode_sample(url, targets[:10])
    lines.append(f"{decoded} random stored rows decoded, 10 copied evaluations loaded")
    p50_ratio, p99_ratio = (
        statistics.median(r[q] for r in runs["large"]) / statistics.median(r[q] for r in runs["small"])
        for q in ("p50", "p99")
    )
    per_event = [s / n for n, s in rebuilds]
    rebuild_ratio = per_event[-1] / per_event[0]
    lines += [
        f"command p99 at {full_at:,} vs {small_at:,} events: {p99_ratio:.2f}×  (goal ≤ 2.0×); p50 {p50_ratio:.2f}×",
        f"rebuild per event at {rebuilds[-1][0]:,} vs {rebuilds[0][0]:,} events: {rebuild_ratio:.2f}×  (goal ≤ 1.5×)",
    ]
    report(f"scale: {EVENTS:,} events across {bureaus:,} bureaus", lines)
    assert all(set(r["statuses"]) == {"201"} for r in runs["small"] + runs["large"])
    assert p99_ratio <= 2.0 and rebuild_ratio <= 1.5
