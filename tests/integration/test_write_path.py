"""The server's write path on real PostgreSQL (services/app/writes.py): group commit records many
threads' saves in shared transactions, a conflicting save fails alone, and the command cache
never lets a stale state through — another process's events are always decided upon."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any, TypeVar

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain.context import Actor, acting
from domain.errors import DomainError
from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.app.commands.inputs import WithReason
from services.app.errors import ConflictError
from services.app.writes import GroupCommitter
from services.compose import build_application
from services.eventlog.background import SnapshotWriter
from services.eventlog.postgres import PostgresEventLog
from tests.integration.test_event_store import ADMIN, EVALUATOR, EVALUATOR_ACTOR, evaluation_with_tree
from tests.support import deduct, define, evaluation, project, staff

OTHER = staff("360100", "wang.wu", Role.EVALUATOR, cid="corr-other")
ADMIN_ACTOR = Actor("admin", "admin", "360100", "corr-admin")  # the generic change's stamp


@pytest.fixture
def served(database_url: str) -> Iterator[JixiaoApplication]:
    application = build_application(database_url, serving=True)
    application.serve()
    yield application
    application.close()


def _versions(url: str, originator: uuid.UUID) -> list[int]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT originator_version FROM jixiao_events WHERE originator_id = %s ORDER BY 1", (originator,)
        ).fetchall()
    return [r[0] for r in rows]


def _eight_evaluations(app: JixiaoApplication) -> list[uuid.UUID]:
    """Evaluation_with_tree's and seven more, each with one manual indicator "1.2" worth 100."""
    evaluations = [evaluation_with_tree(app).id]
    for i in range(2, 9):
        p = project(app, ADMIN, f"P{i}", f"项目{i}", 2022)
        ev = evaluation(app, ADMIN, p.id, "自评")
        define(
            app,
            ADMIN,
            ev.id,
            IndicatorSpec("1", "产出", Decimal(100)),
            IndicatorSpec("1.2", "规范性", Decimal(100), parent="1", rule=Manual()),
        )
        evaluations.append(ev.id)
    return evaluations


def test_concurrent_commands_share_transactions_and_all_succeed(
    served: JixiaoApplication, database_url: str
) -> None:
    evaluations = _eight_evaluations(served)
    first = evaluations[0]
    starts = {e: served.evaluation(e).version for e in evaluations}
    committer = served.committer
    assert committer is not None
    saves_before, groups_before = committer.saves, committer.groups

    def deduct_nth(n: int) -> None:  # no If-Match: a collision on the version is retried, never a 409
        deduct(served, EVALUATOR, evaluations[n % 8], f"D{n}", "1.2", "0.01", f"第{n}次")

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(deduct_nth, range(800)))
    for e, start in starts.items():
        assert _versions(database_url, e) == list(range(1, start + 101))
        assert len(served.evaluation(e).deductions) == 100
    assert served.evaluation(first).scores()["1.2"] == Decimal("39.00")  # 40 − 100 × 0.01
    saves, groups = committer.saves - saves_before, committer.groups - groups_before
    assert saves >= 800 and groups < saves  # transactions carried several saves


class _Gated:
    """An insert whose first call waits at a gate, so that the next saves queue up behind it."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.entered, self.gate, self.calls = inner, threading.Event(), threading.Event(), 0
        self.sizes: list[int] = []

    async def insert_events(self, saves: list[list[StoredEvent]]) -> Any:
        self.calls += 1
        self.sizes.append(len(saves))
        if self.calls == 1:
            self.entered.set()
            await asyncio.to_thread(self.gate.wait, 10)
        return await self.inner(saves)


def test_a_colliding_save_is_left_out_of_its_group(served: JixiaoApplication, database_url: str) -> None:
    ev = evaluation_with_tree(served)
    mapper, v = served.log.mapper, ev.version

    def saves(*notes: str) -> list[list[StoredEvent]]:
        e = served.evaluation(ev.id)
        with acting(EVALUATOR_ACTOR):
            for note in notes:
                e.note_deviation("1.2", note)
        return [[mapper.to_stored_event(x)] for x in e.collect_events()]

    one, two, three = saves("一", "二", "三")  # versions v+1, v+2, v+3
    clash = saves("撞")[0]  # another v+1, stored by the first transaction before the group comes

    log = PostgresEventLog(database_url)  # the group commit records through the event log
    gated = _Gated(log.append_group)
    committer = GroupCommitter(gated.insert_events, closing=log.aclose)
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
        while committer.queued < queued:  # queued in this order behind the first transaction
            threading.Event().wait(0.005)
    gated.gate.set()
    for t in [first, *threads]:
        t.join(10)
    committer.close()
    log.close()
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
    deduct(served, EVALUATOR, ev.id, "D1", "1.2", "1", "一")  # now in the command cache
    other = build_application(database_url)  # another process, as far as the cache can tell
    try:
        deduct(other, OTHER, ev.id, "D2", "1.2", "2", "二")
        # the cache is one version behind: the save collides, the command reloads and decides again
        deduct(served, EVALUATOR, ev.id, "D3", "1.2", "3", "三")
        e = other.evaluation(ev.id)
        assert sorted(e.deductions) == ["D1", "D2", "D3"] and e.scores()["1.2"] == Decimal("34.00")
        # D2 exists although this process never saw it being applied: the domain refuses a repeat
        with pytest.raises(Exception, match="D2"):
            deduct(served, EVALUATOR, ev.id, "D2", "1.2", "1", "重复")
        # If-Match checks the log, not the cache
        current = e.version
        deduct(other, OTHER, ev.id, "D4", "1.2", "1", "四")
        before = _versions(database_url, ev.id)
        with pytest.raises(ConflictError) as stale:
            served.change(
                EVALUATOR_ACTOR,
                Evaluation,
                ev.id,
                lambda x: x.note_deviation("1.2", "基于旧版本"),
                expected_version=current,
            )
        assert stale.value.current_version == current + 1
        assert _versions(database_url, ev.id) == before
        served.change(
            EVALUATOR_ACTOR,
            Evaluation,
            ev.id,
            lambda x: x.note_deviation("1.2", "基于新版本"),
            expected_version=current + 1,
        )
        assert other.evaluation(ev.id).nodes["1.2"].deviation == "基于新版本"
    finally:
        other.close()


def test_a_refused_command_leaves_the_cached_state_untouched(served: JixiaoApplication) -> None:
    ev = evaluation_with_tree(served)
    deduct(served, EVALUATOR, ev.id, "D1", "1.2", "1", "一")

    def half_then_refuse(e: Evaluation) -> None:
        e.apply_deduction("D2", "1.2", Decimal(1), "二")  # applied to the command's copy only
        raise ValueError("拒绝")

    with pytest.raises(ValueError):
        served.change(ADMIN_ACTOR, Evaluation, ev.id, half_then_refuse)
    deduct(served, EVALUATOR, ev.id, "D3", "1.2", "1", "三")
    assert sorted(served.evaluation(ev.id).deductions) == ["D1", "D3"]


def test_snapshots_are_written_in_the_background_and_match_the_events(database_url: str) -> None:
    served = build_application(database_url, serving=True)
    served.serve()
    log = served.log  # serving: snapshots go to the background writer's thread
    assert isinstance(log, PostgresEventLog) and isinstance(log._snapshots, SnapshotWriter)
    try:
        ev = evaluation_with_tree(served)
        start = ev.version
        for n in range(205 - start):
            deduct(served, EVALUATOR, ev.id, f"D{n}", "1.2", "0.01", f"第{n}次")
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
        assert plain.log.stale_snapshots() == []
        assert plain.log.load(ev.id).version == 205
    finally:
        plain.close()


# ---- commands on the event loop (JixiaoApplication.change_async, as the API serves them) ----------
T = TypeVar("T")


def _served_on_loop(database_url: str, body: Callable[[JixiaoApplication], Awaitable[T]]) -> T:
    """``body`` on an event loop whose application is served on that loop, like the API's workers."""

    async def main() -> T:
        application = build_application(database_url, serving=True)
        application.serve(loop=asyncio.get_running_loop())
        try:
            return await body(application)
        finally:
            await application.stop_serving()
            await asyncio.to_thread(application.close)

    return asyncio.run(main())


def _deduct(n: int, points: str = "0.01") -> Callable[[Evaluation], None]:
    return lambda e: e.apply_deduction(f"D{n}", "1.2", Decimal(points), f"第{n}次")


def test_commands_on_the_loop_decide_there_and_share_transactions(database_url: str) -> None:
    plain = build_application(database_url)
    evaluations = _eight_evaluations(plain)
    first = evaluations[0]
    starts = {e: plain.evaluation(e).version for e in evaluations}
    deciders: set[int] = set()

    async def body(app: JixiaoApplication) -> tuple[int, int, int]:
        committer = app.committer
        assert committer is not None and committer.on_loop()

        def deduct(n: int) -> Callable[[Evaluation], None]:
            def decide(e: Evaluation) -> None:
                deciders.add(threading.get_ident())
                _deduct(n)(e)

            return decide

        await asyncio.gather(
            *(
                app.change_async(EVALUATOR_ACTOR, Evaluation, evaluations[n % 8], deduct(n))
                for n in range(800)
            )
        )
        return threading.get_ident(), committer.saves, committer.groups

    loop_thread, saves, groups = _served_on_loop(database_url, body)
    assert deciders == {loop_thread}  # every command decided on the loop, none in a worker thread
    for e, start in starts.items():
        assert _versions(database_url, e) == list(range(1, start + 101))
        assert len(plain.evaluation(e).deductions) == 100
    assert plain.evaluation(first).scores()["1.2"] == Decimal("39.00")  # 40 − 100 × 0.01
    assert saves == 800 and groups <= saves // 2  # transactions carried several saves each
    plain.close()


def test_a_command_on_the_loop_decides_on_what_another_process_saved(database_url: str) -> None:
    other = build_application(database_url)  # another process, as far as the cache can tell
    ev = evaluation_with_tree(other)

    async def body(app: JixiaoApplication) -> None:
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(1, "1"))  # now in the cache
        await asyncio.to_thread(deduct, other, OTHER, ev.id, "D2", "1.2", "2", "二")
        # the cache is one version behind: the save collides, the command reloads and decides again
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(3, "3"))
        current = (await asyncio.to_thread(other.evaluation, ev.id)).version
        await asyncio.to_thread(deduct, other, OTHER, ev.id, "D4", "1.2", "1", "四")
        before = _versions(database_url, ev.id)
        with pytest.raises(ConflictError) as stale:  # If-Match is checked against the log
            await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(5), expected_version=current)
        assert stale.value.current_version == current + 1
        assert _versions(database_url, ev.id) == before
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(6), expected_version=current + 1)

    _served_on_loop(database_url, body)
    e = other.evaluation(ev.id)
    assert sorted(e.deductions) == ["D1", "D2", "D3", "D4", "D6"]
    other.close()


def test_a_refusal_on_a_cached_state_is_checked_against_the_log(database_url: str) -> None:
    other = build_application(database_url)  # another process
    ev = evaluation_with_tree(other)  # "1.2" is worth 40

    async def body(app: JixiaoApplication) -> None:
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(1, "40"))  # cached: "1.2" full
        await asyncio.to_thread(other.withdraw_deduction, OTHER, ev.id, "D1", WithReason("撤回"))
        # the cache says the indicator is full; the log says it is empty: the log decides
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(2, "10"))
        before = _versions(database_url, ev.id)
        with pytest.raises(DomainError, match="超过分值"):  # 10 + 35 > 40 on the newest state too
            await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(3, "35"))
        assert _versions(database_url, ev.id) == before

    _served_on_loop(database_url, body)
    e = other.evaluation(ev.id)
    assert [d.deduction_id for d in e.deductions.values() if d.active] == ["D2"]
    other.close()


def test_a_command_that_keeps_losing_decides_holding_the_table_lock(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = build_application(database_url)  # another worker, saving before each of our retries
    ev = evaluation_with_tree(other)  # "1.2" is worth 40
    saves = iter(range(100))

    async def body(app: JixiaoApplication) -> None:
        reload, locked = app._reload, app._change_locked
        used: list[int] = []

        async def reload_then_lose(*args: Any) -> Any:  # the other worker saves during every reload
            state = await reload(*args)
            n = next(saves)
            await asyncio.to_thread(deduct, other, OTHER, ev.id, f"O{n}", "1.2", "1", "抢先")
            return state

        def spy(*args: Any) -> Any:
            used.append(1)
            return locked(*args)

        monkeypatch.setattr(app, "_reload", reload_then_lose)
        monkeypatch.setattr(app, "_change_locked", spy)
        # a load, O0 saves, the save collides; a catch-up, O1 saves, it collides again: the third
        # attempt decides holding the event table's lock
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(1, "1"))
        assert used == [1]
        await asyncio.to_thread(deduct, other, OTHER, ev.id, "Y", "1.2", "30", "大额")
        # 3 + 30 = 33 of 40: on the cached state 7 fits (collides with Y), after the catch-up too
        # (collides with O2), under the lock, with O2's point, 41 > 40: refused on the newest state
        before = _versions(database_url, ev.id)
        with pytest.raises(DomainError, match="超过分值"):
            await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(3, "7"))
        assert used == [1, 1]
        assert len(_versions(database_url, ev.id)) == len(before) + 1  # O2 only

    _served_on_loop(database_url, body)
    e = other.log.load(ev.id, use_snapshots=False)
    assert set(e.deductions) == {"D1", "O0", "O1", "Y", "O2"}
    assert _versions(database_url, ev.id) == list(range(1, e.version + 1))
    other.close()


def test_threads_and_the_loop_meeting_on_one_aggregate_all_succeed(database_url: str) -> None:
    plain = build_application(database_url)
    ev = evaluation_with_tree(plain)
    start = ev.version

    async def body(app: JixiaoApplication) -> None:
        def in_thread(n: int) -> None:  # the path of commands with an Idempotency-Key (app.execute)
            deduct(app, EVALUATOR, ev.id, f"D{n}", "1.2", "0.01", f"第{n}次")  # = _deduct(n)

        await asyncio.gather(
            *(
                asyncio.to_thread(in_thread, n)
                if n % 2
                else app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(n))
                for n in range(120)
            )
        )

    _served_on_loop(database_url, body)
    assert _versions(database_url, ev.id) == list(range(1, start + 121))
    assert sorted(plain.evaluation(ev.id).deductions) == sorted(f"D{n}" for n in range(120))
    plain.close()


def test_a_refusal_on_the_loop_stores_nothing_and_leaves_the_cache_untouched(database_url: str) -> None:
    plain = build_application(database_url)
    ev = evaluation_with_tree(plain)

    def half_then_refuse(e: Evaluation) -> None:
        e.apply_deduction("D2", "1.2", Decimal(1), "二")  # applied to the command's copy only
        raise ValueError("拒绝")

    async def body(app: JixiaoApplication) -> None:
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(1, "1"))
        before = _versions(database_url, ev.id)
        with pytest.raises(ValueError):
            await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, half_then_refuse)
        assert _versions(database_url, ev.id) == before
        await app.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, _deduct(3, "1"))

    _served_on_loop(database_url, body)
    assert sorted(plain.evaluation(ev.id).deductions) == ["D1", "D3"]
    plain.close()


def test_threads_and_other_loops_hand_their_commands_to_the_committers_loop(
    served: JixiaoApplication,
) -> None:
    ev = evaluation_with_tree(served)  # served with a private group-commit loop (a script, a test)
    committer = served.committer
    assert committer is not None and committer._thread is not None
    deciders: list[int] = []

    def decide(n: int) -> Callable[[Evaluation], None]:
        def run(e: Evaluation) -> None:
            deciders.append(threading.get_ident())
            _deduct(n)(e)

        return run

    served.change(EVALUATOR_ACTOR, Evaluation, ev.id, decide(1))  # from this thread

    async def main() -> None:  # from a loop that is not the committer's
        await served.change_async(EVALUATOR_ACTOR, Evaluation, ev.id, decide(2))

    asyncio.run(main())
    assert deciders == [committer._thread.ident] * 2
    assert sorted(served.evaluation(ev.id).deductions) == ["D1", "D2"]
    with pytest.raises(RuntimeError, match="block"):  # waiting on the committer's own loop would hang it

        async def blocking() -> None:
            served.change(EVALUATOR_ACTOR, Evaluation, ev.id, decide(3))

        committer.call(blocking())
