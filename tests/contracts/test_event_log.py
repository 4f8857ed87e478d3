"""One contract, two implementations: the event log on PostgreSQL and its in-memory twin.

Every test runs against both (``log`` is parametrized), so a unit test that uses the twin relies
only on behaviour the real log has too.
"""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from domain.context import Actor, acting
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from services.eventlog import snapshots
from services.eventlog.memory import InMemoryEventLog
from services.eventlog.port import Conflict, EventLog, NotInLog
from services.eventlog.postgres import PostgresEventLog
from tests.conftest import fresh_database

ACTOR = Actor("tester", "evaluator", "360100", "contract")


@pytest.fixture(params=["postgres", "memory"])
def log(request: pytest.FixtureRequest, postgres_url: str) -> Iterator[EventLog]:
    if request.param == "memory":
        yield InMemoryEventLog()
        return
    with fresh_database(postgres_url, "contract") as url:
        found = PostgresEventLog(url)
        yield found
        found.close()


BASE = 3  # started, indicator defined, manual rule scored


def _evaluation(deductions: int = 0) -> Evaluation:
    """A new evaluation with its pending events (nothing stored yet): ``BASE + deductions``."""
    import uuid

    with acting(ACTOR):
        e = Evaluation.start(
            "360100", uuid.uuid4(), 2022, EvaluationKind.SELF, Evaluator("自评", tenant="360100")
        )
        e.define_indicator(IndicatorSpec("1", "总", Decimal(100), rule=Manual()))
        for n in range(deductions):
            e.apply_deduction(f"D{n}", "1", Decimal("0.01"), f"扣分{n}")
    return e


def _deduct(e: Evaluation, name: str) -> None:
    with acting(ACTOR):
        e.apply_deduction(name, "1", Decimal("0.01"), "扣分")


def test_append_then_load_gives_the_same_state(log: EventLog) -> None:
    e = _evaluation(2)
    positions = log.append(e.collect_events())
    assert len(positions) == BASE + 2 and positions == sorted(positions)
    loaded = log.load(e.id)
    assert loaded.version == e.version == BASE + 2
    assert loaded.total() == e.total() == Decimal("99.98")
    assert log.exists(e.id) and log.current_version(e.id) == BASE + 2


def test_an_unknown_aggregate_is_not_in_the_log(log: EventLog) -> None:
    import uuid

    missing = uuid.uuid4()
    with pytest.raises(NotInLog):
        log.load(missing)
    assert not log.exists(missing) and log.current_version(missing) is None


def test_a_taken_version_refuses_the_whole_save(log: EventLog) -> None:
    e = _evaluation()
    log.append(e.collect_events())
    first, second = log.load(e.id), log.load(e.id)
    _deduct(first, "A")
    log.append(first.collect_events())
    _deduct(second, "B")
    _deduct(second, "C")
    with pytest.raises(Conflict):
        log.append(second.collect_events())
    assert log.current_version(e.id) == BASE + 1  # B and C: neither was stored
    assert set(log.load(e.id).deductions) == {"A"}


def test_load_as_of_a_version_and_an_instant(log: EventLog) -> None:
    e = _evaluation(2)
    log.append(e.collect_events())
    assert log.load(e.id, version=3).version == 3
    events = [log.mapper.decode_row(*row[1:]) for row in log.read(0, 100)]
    instant = events[2].timestamp
    assert log.load(e.id, until=instant).version == 3
    with pytest.raises(NotInLog):
        log.load(e.id, until=events[0].timestamp - datetime.timedelta(seconds=1))


def test_load_from_a_given_state_reads_only_what_follows(log: EventLog) -> None:
    e = _evaluation()
    log.append(e.collect_events())
    behind = log.load(e.id)
    later = log.load(e.id)
    _deduct(later, "X")
    log.append(later.collect_events())
    caught_up = log.load(e.id, start=behind)
    assert caught_up is behind and caught_up.version == BASE + 1 and "X" in caught_up.deductions


def test_the_log_is_read_in_global_order(log: EventLog) -> None:
    a, b = _evaluation(), _evaluation()
    log.append(a.collect_events())
    log.append(b.collect_events())
    rows = log.read(0, 100)
    assert [r[0] for r in rows] == sorted(r[0] for r in rows) and len(rows) == 6
    assert [r[1] for r in rows] == [a.id] * 3 + [b.id] * 3
    assert log.read(rows[2][0], 2) == rows[3:5]
    assert all(r[3].startswith("domain.evaluation:Evaluation.") for r in rows)


def test_a_group_stores_all_saves_but_the_colliding_one(log: EventLog) -> None:
    e, other = _evaluation(), _evaluation()
    log.append(e.collect_events())
    stale, fresh = log.load(e.id), log.load(e.id)
    _deduct(fresh, "F")
    log.append(fresh.collect_events())
    _deduct(stale, "S")
    to_stored = log.mapper.to_stored_event
    saves = [[to_stored(x) for x in stale.collect_events()], [to_stored(x) for x in other.collect_events()]]
    results = asyncio.run(log.append_group(saves))
    assert results[0] is None and results[1] is not None and len(results[1]) == BASE
    assert log.load(other.id).version == BASE and "S" not in log.load(e.id).deductions


def test_decide_locked_catches_up_decides_and_stores(log: EventLog) -> None:
    e = _evaluation()
    log.append(e.collect_events())
    behind = log.load(e.id)
    ahead = log.load(e.id)
    _deduct(ahead, "first")
    log.append(ahead.collect_events())

    def decide(agg: Any) -> str:
        _deduct(agg, "locked")
        return "decided"

    aggregate, result = log.decide_locked(behind, decide)
    assert result == "decided" and aggregate.version == BASE + 2
    assert set(log.load(e.id).deductions) == {"first", "locked"}


def test_a_refused_locked_decision_stores_nothing(log: EventLog) -> None:
    e = _evaluation()
    log.append(e.collect_events())

    def refuse(agg: Any) -> None:
        _deduct(agg, "never")
        raise ValueError("refused")

    with pytest.raises(ValueError):
        log.decide_locked(log.load(e.id), refuse)
    assert log.current_version(e.id) == BASE


def test_snapshots_shorten_loads_and_are_checked(log: EventLog) -> None:
    e = _evaluation(snapshots.EVERY + 10)
    log.append(e.collect_events())
    at = log.load(e.id, version=snapshots.EVERY)
    log.save_snapshots([at])
    assert log.stale_snapshots() == []
    from_snapshot = log.load(e.id)
    from_zero = log.load(e.id, use_snapshots=False)
    assert snapshots.encode(from_snapshot) == snapshots.encode(from_zero)
    assert log.load(e.id, version=snapshots.EVERY - 1).version == snapshots.EVERY - 1
