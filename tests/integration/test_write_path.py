"""The server's write path on real PostgreSQL (services/app/writes.py): group commit records many
threads' saves in shared transactions, a conflicting save fails alone, and the command cache
never lets a stale state through — another process's events are always decided upon."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.context import Actor, acting
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from services.app.application import JixiaoApplication, build_application
from services.app.errors import ConflictError
from services.app.writes import EventWriter, GroupCommitter
from tests.integration.test_event_store import ADMIN, EVALUATOR, evaluation_with_tree

OTHER = Actor("wang.wu", "evaluator", "360100", "corr-other")


@pytest.fixture
def served(database_url: str) -> Iterator[JixiaoApplication]:
    application = build_application(database_url)
    application.serve(database_url)
    yield application
    application.close()


def _versions(url: str, originator: uuid.UUID) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT originator_version FROM jixiao_events WHERE originator_id = %s ORDER BY 1", (originator,)
        ).fetchall()
    return [r[0] for r in rows]


def test_concurrent_commands_share_transactions_and_all_succeed(
    served: JixiaoApplication, database_url: str
) -> None:
    first = evaluation_with_tree(served)
    evaluations = [first.id]
    for i in range(2, 9):
        project = served.register_project(ADMIN, "360100", f"P{i}", f"项目{i}", 2022)
        ev = served.start_evaluation(ADMIN, project.id, EvaluationKind.SELF, Evaluator("自评"))
        served.define_indicator(ADMIN, ev.id, IndicatorSpec("1", "产出", Decimal(100)))
        served.define_indicator(
            ADMIN, ev.id, IndicatorSpec("1.2", "规范性", Decimal(100), parent="1", rule=Manual())
        )
        evaluations.append(ev.id)
    starts = {e: served.evaluation(e).version for e in evaluations}
    committer = served.committer
    assert committer is not None
    saves_before, groups_before = committer.saves, committer.groups

    def deduct(n: int) -> None:  # no If-Match: a collision on the version is retried, never a 409
        served.apply_deduction(EVALUATOR, evaluations[n % 8], f"D{n}", "1.2", Decimal("0.01"), f"第{n}次")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(deduct, range(800)))
    for e, start in starts.items():
        assert _versions(database_url, e) == list(range(1, start + 101))
        assert len(served.evaluation(e).deductions) == 100
    assert served.evaluation(first.id).scores()["1.2"] == Decimal("39.00")  # 40 − 100 × 0.01
    saves, groups = committer.saves - saves_before, committer.groups - groups_before
    assert saves >= 800 and groups < saves  # transactions carried several saves


class _Gated:
    """An insert whose first call waits at a gate, so that the next saves queue up behind it."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.entered, self.gate, self.calls = inner, threading.Event(), threading.Event(), 0
        self.sizes: list[int] = []

    def insert_events(self, saves: list[list[StoredEvent]]) -> Any:
        self.calls += 1
        self.sizes.append(len(saves))
        if self.calls == 1:
            self.entered.set()
            self.gate.wait(10)
        return self.inner(saves)


def test_a_colliding_save_is_left_out_of_its_group(served: JixiaoApplication, database_url: str) -> None:
    ev = evaluation_with_tree(served)
    mapper, v = served.mapper, ev.version

    def saves(*notes: str) -> list[list[StoredEvent]]:
        e = served.evaluation(ev.id)
        with acting(EVALUATOR):
            for note in notes:
                e.note_deviation("1.2", note)
        return [[mapper.to_stored_event(x)] for x in e.collect_events()]

    one, two, three = saves("一", "二", "三")  # versions v+1, v+2, v+3
    clash = saves("撞")[0]  # another v+1, stored by the first transaction before the group comes

    writer = EventWriter(database_url)
    gated = _Gated(writer.insert)
    committer = GroupCommitter(gated.insert_events)
    results: dict[str, Any] = {}

    def run(name: str, stored: list[StoredEvent]) -> None:
        try:
            results[name] = committer.insert(stored)
        except IntegrityError as error:
            results[name] = error

    first = threading.Thread(target=run, args=("first", one))
    first.start()
    assert gated.entered.wait(10)
    threads = []
    for queued, (name, stored) in enumerate([("second", two), ("clash", clash), ("third", three)], 1):
        threads.append(threading.Thread(target=run, args=(name, stored)))
        threads[-1].start()
        while committer._queue.qsize() < queued:  # queued in this order behind the first transaction
            threading.Event().wait(0.005)
    gated.gate.set()
    for t in [first, *threads]:
        t.join(10)
    committer.close()
    writer.close()
    assert isinstance(results["clash"], IntegrityError)
    assert all(isinstance(results[n], list) and len(results[n]) == 1 for n in ("first", "second", "third"))
    assert gated.sizes == [1, 3]  # the first alone, then one group of three, the clash left out of it
    assert _versions(database_url, ev.id)[-3:] == [v + 1, v + 2, v + 3]
    notes = served.evaluation(ev.id).nodes["1.2"].deviation
    assert notes == "三"


def test_the_command_cache_decides_on_what_another_process_saved(
    served: JixiaoApplication, database_url: str
) -> None:
    ev = evaluation_with_tree(served)
    served.apply_deduction(EVALUATOR, ev.id, "D1", "1.2", Decimal(1), "一")  # now in the command cache
    other = build_application(database_url)  # another process, as far as the cache can tell
    try:
        other.apply_deduction(OTHER, ev.id, "D2", "1.2", Decimal(2), "二")
        # the cache is one version behind: the save collides, the command reloads and decides again
        served.apply_deduction(EVALUATOR, ev.id, "D3", "1.2", Decimal(3), "三")
        e = other.evaluation(ev.id)
        assert sorted(e.deductions) == ["D1", "D2", "D3"] and e.scores()["1.2"] == Decimal("34.00")
        # D2 exists although this process never saw it being applied: the domain refuses a repeat
        with pytest.raises(Exception, match="D2"):
            served.apply_deduction(EVALUATOR, ev.id, "D2", "1.2", Decimal(1), "重复")
        # If-Match checks the log, not the cache
        current = e.version
        other.apply_deduction(OTHER, ev.id, "D4", "1.2", Decimal(1), "四")
        before = _versions(database_url, ev.id)
        with pytest.raises(ConflictError) as stale:
            served.on_evaluation(
                EVALUATOR, ev.id, lambda x: x.note_deviation("1.2", "基于旧版本"), expected_version=current
            )
        assert stale.value.current_version == current + 1
        assert _versions(database_url, ev.id) == before
        served.on_evaluation(
            EVALUATOR, ev.id, lambda x: x.note_deviation("1.2", "基于新版本"), expected_version=current + 1
        )
        assert other.evaluation(ev.id).nodes["1.2"].deviation == "基于新版本"
    finally:
        other.close()


def test_a_refused_command_leaves_the_cached_state_untouched(served: JixiaoApplication) -> None:
    ev = evaluation_with_tree(served)
    served.apply_deduction(EVALUATOR, ev.id, "D1", "1.2", Decimal(1), "一")

    def half_then_refuse(e: Evaluation) -> None:
        e.apply_deduction("D2", "1.2", Decimal(1), "二")  # applied to the command's copy only
        raise ValueError("拒绝")

    with pytest.raises(ValueError):
        served.on_evaluation(ADMIN, ev.id, half_then_refuse)
    served.apply_deduction(EVALUATOR, ev.id, "D3", "1.2", Decimal(1), "三")
    assert sorted(served.evaluation(ev.id).deductions) == ["D1", "D3"]


def test_snapshots_are_written_in_the_background_and_match_the_events(database_url: str) -> None:
    served = build_application(database_url)
    served.serve(database_url)
    try:
        ev = evaluation_with_tree(served)
        start = ev.version
        for n in range(205 - start):
            served.apply_deduction(EVALUATOR, ev.id, f"D{n}", "1.2", Decimal("0.01"), f"第{n}次")
    finally:
        served.close()  # waits for the snapshot thread to write what it was given
    with psycopg.connect(database_url) as conn:
        taken = [
            r[0]
            for r in conn.execute(
                "SELECT originator_version FROM jixiao_snapshots WHERE originator_id = %s ORDER BY 1",
                (ev.id,),
            )
        ]
    assert taken == [100, 200]
    plain = build_application(database_url)
    try:
        assert plain.stale_snapshots() == []
        assert plain.history(ev.id).version == 205
    finally:
        plain.close()
