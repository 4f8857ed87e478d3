"""Benchmarks print their figures next to a baseline measured in the same run, as a ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "benchmarks" in str(item.fspath):
            item.add_marker(pytest.mark.benchmark)


def rate(fn: Callable[[], object], n: int) -> float:
    """Operations per second of ``fn`` over ``n`` calls."""
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return n / (time.perf_counter() - start)


def timings(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def p(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def report(title: str, lines: list[str]) -> None:
    print(f"\n=== {title} ===")
    for line in lines:
        print("  " + line)
