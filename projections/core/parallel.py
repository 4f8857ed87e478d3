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
import os
import queue
from collections.abc import Callable
from typing import Any

from services.runtime.errors import RuntimeConfigError

PARALLEL_MIN = 200_000  # events below which a rebuild stays in one process (spawning costs ~1 s)


def configured_workers(environ: dict[str, str] | None = None) -> int:
    """``JIXIAO_REBUILD_WORKERS`` (default: the machine's cores, at most 4; 1 turns it off)."""
    raw = (environ if environ is not None else os.environ).get("JIXIAO_REBUILD_WORKERS", "").strip()
    if not raw:
        return max(1, min(4, os.cpu_count() or 1))
    try:
        value = int(raw)
    except ValueError:
        raise RuntimeConfigError(f"环境变量 JIXIAO_REBUILD_WORKERS={raw!r} 不是整数") from None
    if not 1 <= value <= 64:
        raise RuntimeConfigError(f"环境变量 JIXIAO_REBUILD_WORKERS={value} 应在 1–64 之间")
    return value


def workers_for(projection: Any, target: int) -> int:
    if not getattr(projection, "partitioned", False) or target < PARALLEL_MIN:
        return 1
    return configured_workers()


def _work(url: str, name: str, building: str, target: int, share: tuple[int, int], out: Any) -> None:
    """One worker process: project its share of the aggregates, reporting progress."""
    from projections.core.runner import Projector
    from projections.registry import projection

    try:
        with Projector(url, projection(name)) as p:
            last = 0

            def report(done: int, _target: int) -> None:
                nonlocal last
                out.put(("progress", share[0], done - last))
                last = done

            done = p._fill(building, target, report, partition=share)
        out.put(("done", share[0], done))
    except BaseException as e:  # told to the coordinator, which fails the rebuild with it
        out.put(("error", share[0], f"{type(e).__name__}: {e}"))


def fill(
    url: str,
    name: str,
    building: str,
    target: int,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> int:
    """Project every event up to ``target`` into ``building`` with ``workers`` processes."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding threads and sockets
    out = context.Queue()
    processes = [
        context.Process(
            target=_work,
            args=(url, name, building, target, (k, workers), out),
            name=f"rebuild-{name}-{k}",
            daemon=True,
        )
        for k in range(workers)
    ]
    for p in processes:
        p.start()
    done, finished = 0, 0
    try:
        while finished < workers:
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
                    progress(done, target)
            elif kind == "done":
                finished += 1
            else:
                raise RuntimeError(f"投影 {name} 的重建进程 {share} 失败：{value}")
        return done
    finally:
        for p in processes:
            if p.is_alive():
                p.terminate()
            p.join(timeout=10)
