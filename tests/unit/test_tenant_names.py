"""The API's bureau names for labels: read all at once, kept for a while, read again when stale
or when a code is not known yet (at most once a second)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.api.names import TenantNames


class FakeConn:
    def __init__(self, table: dict[str, str], reads: list[int]) -> None:
        self.table, self.reads = table, reads

    def execute(self, sql: str) -> list[tuple[str, str]]:
        assert "rm_tenants.tenants" in sql
        self.reads.append(1)
        return list(self.table.items())


class FakePool:
    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.reads: list[int] = []

    @contextmanager
    def connection(self) -> Iterator[FakeConn]:
        yield FakeConn(self.table, self.reads)


def test_names_are_kept_then_read_again() -> None:
    now = [100.0]
    pool = FakePool({"360100": "南昌市医疗保障局"})
    names = TenantNames(pool, ttl=30, clock=lambda: now[0])  # type: ignore[arg-type]
    assert names.of(["360100"]) == {"360100": "南昌市医疗保障局"}
    pool.table["360100"] = "南昌市医保局"
    now[0] += 10
    assert names.of(["360100"])["360100"] == "南昌市医疗保障局" and len(pool.reads) == 1  # kept
    now[0] += 21
    assert names.of(["360100"])["360100"] == "南昌市医保局" and len(pool.reads) == 2  # stale: read again


def test_an_unknown_code_reads_again_but_not_more_than_once_a_second() -> None:
    now = [0.0]
    pool = FakePool({"360100": "南昌市医疗保障局"})
    names = TenantNames(pool, clock=lambda: now[0])  # type: ignore[arg-type]
    names.of([])
    pool.table["360200"] = "景德镇市医疗保障局"
    assert names.of(["360200"]) == {"360200": "360200"}  # within the second: the code as its label
    now[0] += 1.5
    assert names.of(["360200", "360100"]) == {
        "360200": "景德镇市医疗保障局",
        "360100": "南昌市医疗保障局",
    }
    assert len(pool.reads) == 2
