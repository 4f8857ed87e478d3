"""Event-store benchmarks (issue 2).

1. "Record an actual value and rescore" on an evaluation of 40 indicators through the
   application service, next to plain eventsourcing get → change → save of a trivial aggregate
   on the same PostgreSQL in the same run. Goal ≥ 1.0×.
2. Loading an evaluation with 1,000 events, next to a raw SELECT of those rows. Goal ≤ 3×.

Run: ``pytest -m benchmark tests/benchmarks -s``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event

from domain.context import Actor
from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.rules import Manual, RatioToTarget
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import RecordActual
from services.compose import build_application
from services.eventlog.schema import postgres_env
from tests.benchmarks.conftest import p, rate, report, timings
from tests.support import evaluation, project, register, staff

CALLER = staff("360100", "bench", Role.EVALUATOR, cid="bench")
ACTOR = Actor("bench", "evaluator", "360100", "bench")  # bulk setup in one save (``app.change``)
COMMANDS = 1000


class Counter(Aggregate):
    """The trivial aggregate of the baseline."""

    @event("Created")
    def __init__(self) -> None:
        self.n = 0

    @event("Incremented")
    def increment(self) -> None:
        self.n += 1


class Plain(Application[UUID]):
    name = "plain"


@pytest.fixture
def stores(database_url: str) -> Iterator[tuple[JixiaoApplication, Plain]]:
    ours = build_application(database_url, cache_size=1000)
    plain = Plain(env=postgres_env(database_url, cache_size=1000))
    yield ours, plain
    ours.close()
    plain.close()


def evaluation_of_40(app: JixiaoApplication) -> UUID:
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    b1 = project(app, CALLER, "B1", "基准项目", 2022)
    ev = evaluation(app, CALLER, b1.id, "自评")

    def tree(e: Evaluation) -> None:
        for i in range(4):
            e.define_indicator(IndicatorSpec(f"{i}", f"一级{i}", Decimal(25)))
            for j in range(10):
                rule = RatioToTarget() if j % 2 == 0 else Manual()
                e.define_indicator(
                    IndicatorSpec(
                        f"{i}.{j}", f"指标{i}.{j}", Decimal("2.5"), parent=f"{i}", rule=rule, target="≥1000件"
                    )
                )

    app.change(ACTOR, Evaluation, ev.id, tree)
    return ev.id


def test_record_actual_and_rescore_vs_plain_eventsourcing(stores: tuple[JixiaoApplication, Plain]) -> None:
    ours, plain = stores
    ev = evaluation_of_40(ours)
    counter = Counter()
    plain.save(counter)
    values = iter(range(10**9))

    def our_command() -> None:
        n = next(values)
        ours.record_actual(CALLER, ev, f"{n % 4}.{(n // 4) % 5 * 2}", RecordActual(f"{900 + n % 200}件"))

    def plain_command() -> None:
        c: Counter = plain.repository.get(counter.id)
        c.increment()
        plain.save(c)

    for _ in range(50):  # warm both paths (connections, caches)
        our_command()
        plain_command()
    results = {"ours": [], "plain": []}  # type: dict[str, list[float]]
    for _ in range(5):  # interleave rounds: the machine's noise hits both alike
        results["plain"].append(rate(plain_command, COMMANDS // 5))
        results["ours"].append(rate(our_command, COMMANDS // 5))
    ours_rate, plain_rate = max(results["ours"]), max(results["plain"])
    scored = ours.evaluation(ev)
    assert scored.total() > 0
    report(
        "record actual + rescore (40 indicators) vs eventsourcing get→change→save",
        [
            f"jixiao: {ours_rate:,.0f} commands/s (rounds {', '.join(f'{r:,.0f}' for r in results['ours'])})",
            f"plain eventsourcing baseline: {plain_rate:,.0f} commands/s",
            f"ratio: {ours_rate / plain_rate:.2f}×  (goal ≥ 1.0×)",
        ],
    )


def test_load_1000_events_vs_raw_select(stores: tuple[JixiaoApplication, Plain], database_url: str) -> None:
    ours, _ = stores
    ev = evaluation_of_40(ours)
    uncached = build_application(database_url)
    try:
        n = 0
        while uncached.evaluation(ev).version < 1000:
            batch_size = min(50, 1000 - uncached.evaluation(ev).version)

            def batch(e: Evaluation, start: int = n, size: int = batch_size) -> None:
                for k in range(size):
                    key = f"{(start + k) % 4}.{(start + k) % 10}"
                    e.note_deviation(key, f"偏差说明 {start + k}")

            uncached.change(ACTOR, Evaluation, ev, batch)
            n += batch_size
        assert uncached.evaluation(ev).version == 1000

        with psycopg.connect(database_url) as conn:

            def raw() -> None:
                rows = conn.execute(
                    "SELECT originator_id, originator_version, topic, state FROM jixiao_events "
                    "WHERE originator_id = %s ORDER BY originator_version",
                    (ev,),
                ).fetchall()
                assert len(rows) == 1000

            def load() -> None:
                assert uncached.evaluation(ev).version == 1000

            for _ in range(5):
                raw()
                load()
            raw_t, load_t = [], []
            for _ in range(5):
                raw_t += timings(raw, 10)
                load_t += timings(load, 10)
    finally:
        uncached.close()
    ratio = p(load_t, 50) / p(raw_t, 50)
    report(
        "load an evaluation of 1,000 events vs raw SELECT of its rows",
        [
            f"jixiao load: p50 {p(load_t, 50) * 1000:.2f} ms, p99 {p(load_t, 99) * 1000:.2f} ms",
            f"raw SELECT: p50 {p(raw_t, 50) * 1000:.2f} ms, p99 {p(raw_t, 99) * 1000:.2f} ms",
            f"ratio (p50): {ratio:.2f}×  (goal ≤ 3×)",
        ],
    )
