"""Projections under load and crashes: 16 concurrent writers with a tailing projector (no event
missed or duplicated, final view = from-zero rebuild), and SIGKILL mid-batch then restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from decimal import Decimal
from uuid import UUID

import psycopg

from domain.context import Actor
from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import TenantLevel
from projections.core.runner import Projector, wait_until
from projections.registry import projection
from services.app.application import JixiaoApplication
from services.compose import build_application
from tests.integration.views import view_rows
from tests.support import deduct, define, evaluation, project, register, staff

CALLER = staff("360100", "load", cid="load")
ACTOR = Actor("load", "evaluator", "360100", "load")  # the bulk writes' stamp (the generic change)


def evaluations(app: JixiaoApplication, n: int) -> list[UUID]:
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    ids = []
    for i in range(n):
        p = project(app, CALLER, f"P{i}", f"项目{i}", 2022)
        ev = evaluation(app, CALLER, p.id, "自评")
        define(app, CALLER, ev.id, IndicatorSpec("1", "规范", Decimal(100), rule=Manual()))
        ids.append(ev.id)
    return ids


def notes(start: int, count: int) -> Callable[[Evaluation], None]:
    def write(e: Evaluation) -> None:
        for k in range(start, start + count):
            e.note_deviation("1", f"偏差说明 {k}")

    return write


def event_positions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [r[0] for r in conn.execute("SELECT notification_id FROM jixiao_events ORDER BY 1")]


def test_sixteen_writers_and_a_tailing_projection_miss_nothing(database_url: str) -> None:
    writers, saves, per_save = 16, 125, 50  # 100,000 events
    app = build_application(database_url, pool_size=writers)
    ids = evaluations(app, writers)
    stop = threading.Event()
    errors: list[BaseException] = []

    def tail() -> None:
        try:
            with Projector(database_url, projection("audit"), batch=2000) as p:
                p.run(stop.is_set, idle_wait=0.2)
        except BaseException as e:  # surfaced below
            errors.append(e)

    def write(ev: UUID) -> None:
        try:
            for s in range(saves):
                app.change(ACTOR, Evaluation, ev, notes(s * per_save, per_save))
        except BaseException as e:
            errors.append(e)

    follower = threading.Thread(target=tail)
    follower.start()
    threads = [threading.Thread(target=write, args=(ev,)) for ev in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    positions = event_positions(database_url)
    assert len(positions) >= writers * saves * per_save
    with psycopg.connect(database_url) as conn:

        def caught_up() -> bool:
            row = conn.execute("SELECT position FROM rm_audit.tracking").fetchone()
            conn.commit()
            return row is not None and row[0] == positions[-1]

        assert wait_until(caught_up, timeout=300)
    stop.set()
    follower.join(timeout=30)
    app.close()
    assert not errors, errors
    with psycopg.connect(database_url) as conn:
        projected = [r[0] for r in conn.execute("SELECT position FROM rm_audit.changes ORDER BY 1")]
    assert projected == positions  # 0 missed, 0 duplicated
    live = view_rows(database_url, "rm_audit")
    with Projector(database_url, projection("audit"), batch=5000) as p:
        p.rebuild()
    assert view_rows(database_url, "rm_audit") == live


CRASHING_PROJECTOR = """
import sys, threading
from projections.core.runner import Projector
from projections.registry import projection
with Projector(sys.argv[1], projection(sys.argv[2]), batch=int(sys.argv[3])) as p:
    p.run(lambda: False, idle_wait=0.2)
"""


def test_sigkill_mid_batch_then_restart_equals_a_rebuild(database_url: str) -> None:
    app = build_application(database_url)
    ids = evaluations(app, 4)
    for s in range(10):
        for ev in ids:
            app.change(ACTOR, Evaluation, ev, notes(s * 500, 500))  # 20,000 events
        deduct(app, CALLER, ids[s % 4], f"D{s}", "1", "0.5", f"扣分 {s}")
    app.close()
    head = event_positions(database_url)[-1]
    for name in ("scorecards", "audit"):
        env = {**os.environ, "PYTHONPATH": os.getcwd()}
        proc = subprocess.Popen(
            [sys.executable, "-c", CRASHING_PROJECTOR, database_url, name, "700"], env=env
        )
        with psycopg.connect(database_url, autocommit=True) as conn:

            def started(name: str = name) -> bool:
                try:
                    row = conn.execute(f"SELECT position FROM rm_{name}.tracking").fetchone()
                except psycopg.errors.UndefinedTable:
                    return False
                return row is not None and row[0] > 2000

            assert wait_until(started, timeout=120)
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            row = conn.execute(f"SELECT position FROM rm_{name}.tracking").fetchone()
        assert row is not None and row[0] < head, "killed too late to test a crash"
        with Projector(database_url, projection(name), batch=700) as p:
            p.catch_up()
            assert p.status().lag_events == 0
        restarted = view_rows(database_url, f"rm_{name}")
        with Projector(database_url, projection(name)) as p:
            p.rebuild()
        assert view_rows(database_url, f"rm_{name}") == restarted, name


def test_a_failing_batch_is_retried_and_the_projector_lives_on(database_url: str) -> None:
    """While its table is missing every batch fails and rolls back; the live projector keeps
    retrying (not a dead thread) and catches up once the table is back."""
    app = build_application(database_url)
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    stop = threading.Event()
    with Projector(database_url, projection("tenants")) as p:
        p.ensure()
        p.catch_up()
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("ALTER TABLE rm_tenants.tenants RENAME TO tenants_away")
        follower = threading.Thread(target=p.run, args=(stop.is_set,), kwargs={"idle_wait": 0.1})
        follower.start()
        try:
            register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
            with psycopg.connect(database_url, autocommit=True) as conn:

                def position() -> int:
                    row = conn.execute("SELECT position FROM rm_tenants.tracking").fetchone()
                    assert row is not None
                    return int(row[0])

                stuck = position()
                threading.Event().wait(1.5)  # several failed attempts
                assert follower.is_alive() and position() == stuck
                conn.execute("ALTER TABLE rm_tenants.tenants_away RENAME TO tenants")
                assert wait_until(lambda: position() > stuck, timeout=60)
                names = {r[0] for r in conn.execute("SELECT code FROM rm_tenants.tenants")}
                assert names == {"360000", "360100"}
        finally:
            stop.set()
            follower.join(timeout=60)
    app.close()
