"""The platform's reactions on PostgreSQL, as ``jixiao up`` runs them (a follower thread with its
position in ``jixiao_reactions``): a finalized evaluation gets its recommendation within seconds;
the follower stopped and started again goes on from its position (nothing made twice), and the
read model shows the recommendation."""

from __future__ import annotations

import threading
import time

import psycopg

from domain.ids import recommendation_id
from domain.tenants import Role, TenantLevel
from projections.results.queries import recommendations
from services.commands.reactor import position, start_reactor
from services.compose import build_application
from tests.integration.test_projections import catch_up
from tests.support import finalized_evaluation, project, register, staff


def _wait_for(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("the reaction did not happen in time")


def test_a_finalized_evaluation_gets_its_recommendation(database_url: str) -> None:
    app = build_application(database_url)
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
    register(app, "360102", "东湖区医疗保障局", TenantLevel.DISTRICT, "360100")
    unit, city = staff("360102", "u", Role.PREPARER), staff("360100", "c", Role.EVALUATOR, Role.REVIEWER)
    first = finalized_evaluation(app, city, project(app, unit, "RX-1", "一", 2024).id).id
    stop = threading.Event()
    thread = start_reactor(database_url, stop)

    def made(evaluation: object) -> bool:
        try:
            app.load_recommendation(recommendation_id(evaluation))  # type: ignore[arg-type]
        except Exception:
            return False
        return True

    _wait_for(lambda: made(first))
    stop.set()
    thread.join(timeout=10)
    second = finalized_evaluation(app, city, project(app, unit, "RX-2", "二", 2024).id).id
    with psycopg.connect(database_url, autocommit=True) as conn:
        kept = position(conn)
    assert kept > 0
    stop = threading.Event()
    thread = start_reactor(database_url, stop)
    _wait_for(lambda: made(second))
    stop.set()
    thread.join(timeout=10)
    assert app.load_recommendation(recommendation_id(first)).version == 1  # not made twice
    app.close()
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        rows = recommendations(conn, 2024, None)
    assert sorted(r.project_name for r in rows) == ["一", "二"] and {r.advice for r in rows} == {"priority"}
