"""Parallel rebuild: the aggregates split into shares, each projected by its own process.

A rebuild spends its time in Python (decoding, folding, building rows), one core's worth under
the GIL. Projections whose rows depend only on the aggregate an event belongs to (scorecards,
ledgers, audit) declare ``partitioned = True``; their rebuild then runs one worker process per
share of the aggregates (``read_rows(partition=…)``: all events of an aggregate land in one
share, in order). Workers write into the same ``__next`` schema without touching its tracking
row; when every share is in, the coordinator sets the position to the target in one
transaction, and the usual catch-up and swap follow. A failed worker fails the rebuild (the
live view keeps serving; running it again starts from zero).

Small logs are rebuilt in-process: starting interpreters costs more than it saves.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PARALLEL_MIN = 200_000  # events below which a rebuild stays in one process (spawning costs ~1 s)


@dataclass(frozen=True)
class Share:
    """What every worker of one rebuild needs (sent to a spawned process: plain, picklable data;
    the projection by its class)."""

    url: str
    projection: type[Any]
    building: str
    target: int
    workers: int


Work = Callable[[Share, int, Callable[[int, int], None]], int]


def workers_for(projection: Any, target: int, configured: int) -> int:
    """How many processes rebuild ``projection`` (``configured``: the settings' count)."""
    if not getattr(projection, "partitioned", False) or target < PARALLEL_MIN:
        return 1
    return max(1, configured)


def _work(work: Work, job: Share, share: int, out: Any) -> None:
    """One worker process: project its share of the aggregates, reporting progress."""
    try:
        last = 0

        def report(done: int, _target: int) -> None:
            nonlocal last
            out.put(("progress", share, done - last))
            last = done

        done = work(job, share, report)
        out.put(("done", share, done))
    except BaseException as e:  # told to the coordinator, which fails the rebuild with it
        out.put(("error", share, f"{type(e).__name__}: {e}"))


def fill(work: Work, job: Share, progress: Callable[[int, int], None] | None) -> int:
    """Project every event up to ``job.target`` with ``job.workers`` processes, each running
    ``work`` (a module-level function: spawned processes import it by name) on its share."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads and sockets
    out = context.Queue()
    processes = [
        context.Process(
            target=_work,
            args=(work, job, k, out),
            name=f"rebuild-{job.building}-{k}",
            daemon=True,
        )
        for k in range(job.workers)
    ]
    for p in processes:
        p.start()
    done, finished = 0, 0
    try:
        while finished < job.workers:
            try:
                kind, share, value = out.get(timeout=1.0)
            except queue.Empty:
                dead = [p for p in processes if p.exitcode not in (None, 0)]
                if dead:
                    raise RuntimeError(
                        f"重建进程 {dead[0].name} 异常退出（退出码 {dead[0].exitcode}）"
                    ) from None
                continue
            if kind == "progress":
                done += value
                if progress:
                    progress(done, job.target)
            elif kind == "done":
                finished += 1
            else:
                raise RuntimeError(f"重建 {job.building} 的进程 {share} 失败：{value}")
        return done
    finally:
        for p in processes:
            if p.is_alive():
                p.terminate()
            p.join(timeout=10)
