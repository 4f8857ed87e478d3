"""Memory soak (issue 20): the API's worker processes under a paced load of deductions, their
resident memory sampled every 10 s. Goal: from the first sample after the warm-up to the last,
every worker grows by under 10 %.

    python3 dev.py soak                               # 30 minutes at 100 commands/s
    JIXIAO_SOAK_SECONDS=300 python3 dev.py soak       # a short check

100/s is half the 200/s at which a 10-minute soak once saw the workers grow from ~220 MB to
~346 MB (the command cache kept every evaluation it saw, each growing ~1 KB a deduction). The
deductions go to one draft evaluation in each of 3,024 bureaus, more than the command cache's
2,000 aggregates (JIXIAO_CACHE_AGGREGATES), so it evicts and reloads the whole time; the log
starts with JIXIAO_SOAK_EVENTS events (default 200,000) copied in (``bulkfill.py``).
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from domain.tenants import Role
from services.api.auth import TokenConfig, issue
from services.compose import build_application, install
from tests.benchmarks.bulkfill import OPEN_KEYS, Filler, closed_templates, open_templates, register_hierarchy
from tests.benchmarks.conftest import report
from tests.benchmarks.serving import WORKERS, load, server

SECONDS = int(os.environ.get("JIXIAO_SOAK_SECONDS", "1800"))
RATE = float(os.environ.get("JIXIAO_SOAK_RATE", "100"))
EVENTS = int(os.environ.get("JIXIAO_SOAK_EVENTS", "200000"))
WARMUP = min(180, SECONDS // 5)  # the caches fill, the allocator settles
EVERY = 10
CONNECTIONS = 8
SECRET = "soak-secret-" + "s" * 40
GOAL = 0.10


def requests_for(targets: list[tuple[str, str]]) -> list[list[Any]]:
    """Two deductions on each target (the server picks their ids, so a repeat is a new one);
    connection c only ever touches targets c, c+8, …"""
    tokens = {
        tenant: issue(
            TokenConfig(secret=SECRET), user=f"eval.{tenant}", tenant=tenant, roles=(Role.EVALUATOR,)
        )
        for tenant, _ in targets
    }
    return [
        [
            "POST",
            f"/api/v1/evaluations/{targets[k % len(targets)][1]}/deductions",
            {
                "indicator": OPEN_KEYS[(k // len(targets)) % len(OPEN_KEYS)],
                "points": "0.01",
                "reason": "浸泡测试",
            },
            {"Authorization": f"Bearer {tokens[targets[k % len(targets)][0]]}"},
        ]
        for k in range(2 * len(targets))
    ]


def worker_pids(pid: int) -> list[int]:
    """The server's process (itself a worker) and the workers it started (Linux's /proc)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *map(int, children)]


def rss(pids: list[int]) -> list[int]:
    """Each process's resident set, in bytes (VmRSS)."""
    out = []
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmRSS:"))
        out.append(int(line.split()[1]) * 1024)
    return out


@pytest.mark.soak
@pytest.mark.timeout(SECONDS + 1200)
def test_api_memory_stays_bounded_under_paced_load(database_url: str) -> None:
    install(database_url)
    app = build_application(database_url)
    tenants = register_hierarchy(app, 3000)
    app.close()
    targets = Filler(database_url, tenants, open_templates(), first_serial=10**9).add(len(tenants))
    targets = targets[: len(targets) // CONNECTIONS * CONNECTIONS]
    Filler(database_url, tenants, closed_templates()).fill_to(EVENTS)
    requests = requests_for(targets)
    outcome: dict[str, Any] = {}
    with server(database_url, SECRET) as (port, pid):
        workers = worker_pids(pid)
        assert len(workers) == WORKERS
        at_start = rss(workers)
        loader = threading.Thread(
            target=lambda: outcome.update(load(port, SECONDS, RATE, CONNECTIONS, requests)), daemon=True
        )
        started = time.monotonic()
        loader.start()
        samples: list[tuple[float, list[int]]] = []
        while loader.is_alive():
            loader.join(EVERY)
            elapsed = time.monotonic() - started
            if elapsed >= WARMUP and loader.is_alive():
                samples.append((elapsed, rss(workers)))
    assert len(samples) >= 2, "the soak is shorter than its warm-up and two samples"
    (t0, first), (t1, last) = samples[0], samples[-1]
    growth = [b / a - 1 for a, b in zip(first, last, strict=True)]
    mb = 2**20
    done = outcome["count"]
    lines = [
        f"{done:,} deductions in {outcome['seconds']:.0f} s ({done / outcome['seconds']:.0f}/s, goal pace {RATE:.0f}/s) "
        f"on {len(targets):,} evaluations in as many bureaus; log started at {EVENTS:,} events; "
        f"p50 {outcome['p50'] * 1000:.1f} ms, p99 {outcome['p99'] * 1000:.1f} ms, statuses {outcome['statuses']}",
        f"RSS per worker at start: {', '.join(f'{v / mb:.0f}' for v in at_start)} MB",
        f"after the {WARMUP} s warm-up (t={t0:.0f} s): {', '.join(f'{v / mb:.0f}' for v in first)} MB",
        f"at the end (t={t1:.0f} s): {', '.join(f'{v / mb:.0f}' for v in last)} MB",
        f"growth: {', '.join(f'{g:+.1%}' for g in growth)}  (goal < {GOAL:.0%} each)",
        "samples (s: MB per worker): "
        + "; ".join(
            f"{t:.0f}: {'/'.join(f'{v / mb:.0f}' for v in vs)}"
            for t, vs in samples[:: max(1, len(samples) // 12)]
        ),
    ]
    report(f"memory soak: {WORKERS} API workers, {RATE:.0f} commands/s for {SECONDS} s", lines)
    assert set(outcome["statuses"]) == {"201"}
    assert max(growth) < GOAL
