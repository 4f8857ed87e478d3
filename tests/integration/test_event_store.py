"""The application service on real PostgreSQL: refusals store nothing, conflicts, event metadata."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from domain.context import Actor
from domain.errors import AlreadyExists, DomainError
from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import Manual, RatioToTarget
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import (
    RecordActual,
    RecordEntry,
    RecordStatedScore,
    RegisterProject,
    RegisterUser,
    ReviseDeduction,
)
from services.app.errors import ConflictError
from services.compose import build_application
from tests.support import deduct, define, evaluation, events_of, project, quick_accounts, register, staff

ADMIN = staff("360100", "admin", Role.ADMIN, Role.PREPARER, cid="corr-admin")
EVALUATOR = staff("360100", "li.si", Role.EVALUATOR, cid="corr-eval")
EVALUATOR_ACTOR = Actor("li.si", "evaluator", "360100", "corr-eval")  # the generic change's stamp


@pytest.fixture
def app(database_url: str) -> Iterator[JixiaoApplication]:
    application = build_application(database_url)
    yield application
    application.close()


def evaluation_with_tree(app: JixiaoApplication) -> Evaluation:
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    p = project(app, ADMIN, "P1", "医疗保险业务经办能力提升项目", 2022)
    ev = evaluation(app, ADMIN, p.id, "南昌市医疗保障局")
    return define(
        app,
        ADMIN,
        ev.id,
        IndicatorSpec("1", "产出", Decimal(100)),
        IndicatorSpec("1.1", "办件量", Decimal(60), parent="1", rule=RatioToTarget(), target="≥1000件"),
        IndicatorSpec("1.2", "规范性", Decimal(40), parent="1", rule=Manual()),
    )


def test_refused_commands_store_no_event(
    app: JixiaoApplication, database_url: str, event_count: Callable[[], int]
) -> None:
    ev = evaluation_with_tree(app)
    project_id = ev.project_id
    before = event_count()
    refusals = [
        lambda: deduct(app, EVALUATOR, ev.id, "D1", "1.2", "41", "超过分值"),
        lambda: deduct(app, EVALUATOR, ev.id, "D1", "9.9", "1", "未知指标"),
        lambda: deduct(app, EVALUATOR, ev.id, "D1", "1.2", "1", "  "),
        lambda: app.record_actual(EVALUATOR, ev.id, "1.1", RecordActual("不适用的文字")),
        lambda: app.record_stated_score(EVALUATOR, ev.id, "1.2", RecordStatedScore(Decimal(50))),
        lambda: app.finalize(staff("360100", "wang", Role.REVIEWER), ev.id),
        lambda: app.record_entry(
            ADMIN,
            project_id,
            RecordEntry(
                EntryKind.EXPENDITURE, FundingSource.CURRENT, Decimal("-5.00"), datetime.date(2022, 5, 1)
            ),
        ),
        lambda: quick_accounts(app).register_user(
            ADMIN, "360100", RegisterUser("bad name!", "坏名字", [Role.PREPARER])
        ),
    ]
    for refuse in refusals:
        with pytest.raises(DomainError) as info:
            refuse()
        assert info.value.message  # a Chinese message, not an empty error
    assert event_count() == before
    assert app.evaluation(ev.id).version == ev.version


def test_refusal_names_the_row(app: JixiaoApplication) -> None:
    ev = evaluation_with_tree(app)
    with pytest.raises(DomainError) as info:
        app.record_stated_score(EVALUATOR, ev.id, "1.2", RecordStatedScore(Decimal(50)))
    assert "规范性" in str(info.value)
    assert info.value.code == "score.above_weight"


def test_every_event_carries_tenant_actor_role_and_correlation(app: JixiaoApplication) -> None:
    ev = evaluation_with_tree(app)
    app.record_actual(EVALUATOR, ev.id, "1.1", RecordActual("950件"))
    deduct(app, EVALUATOR, ev.id, "D1", "1.2", "2", "档案不全")
    events: list[Any] = events_of(app, ev.id)
    assert len(events) >= 6
    for event in events:
        assert event.meta.tenant == "360100"
        assert event.meta.correlation_id in ("corr-admin", "corr-eval")
    last = events[-1]
    assert (last.meta.actor_id, last.meta.role, last.meta.reason) == ("li.si", "evaluator", "档案不全")
    assert last.timestamp.tzinfo is not None
    stored = app.evaluation(ev.id)
    assert stored.total() == Decimal("95.00")  # 950/1000 × 60 = 57, 40 − 2 = 38


def test_deterministic_ids_refuse_duplicates(app: JixiaoApplication) -> None:
    evaluation_with_tree(app)
    with pytest.raises(AlreadyExists):
        app.register_project(ADMIN, "360100", RegisterProject("P1", "同一个项目", 2022))


@pytest.mark.parametrize("if_match", [True, False])
def test_two_concurrent_commands_on_one_version(
    app: JixiaoApplication, database_url: str, event_count: Callable[[], int], if_match: bool
) -> None:
    """Both commands read the same version before either saves. Based on that version (If-Match),
    one wins and the other is refused with the current version, storing nothing; without it, the
    loser's save collides, it reloads and decides again, and both are recorded in turn."""
    ev = evaluation_with_tree(app)
    app.record_actual(EVALUATOR, ev.id, "1.1", RecordActual("1000件"))
    version = app.evaluation(ev.id).version
    before = event_count()
    both_loaded = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def deduct(deduction_id: str, points: str) -> None:
        calls = 0

        def decide(e: Evaluation) -> None:
            nonlocal calls
            calls += 1
            if calls == 1:
                both_loaded.wait(timeout=10)  # both have read the same version before either saves
            e.apply_deduction(deduction_id, "1.2", Decimal(points), "并发扣分")

        try:
            app.change(EVALUATOR_ACTOR, Evaluation, ev.id, decide, version if if_match else None)
            result = f"ok after {calls}"
        except ConflictError as e:
            result = f"conflict@{e.current_version}"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=deduct, args=(f"D{i}", str(i))) for i in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    active = [d for d in app.evaluation(ev.id).deductions.values() if d.active]
    if if_match:
        assert sorted(outcomes) == [f"conflict@{version + 1}", "ok after 1"]
        assert event_count() == before + 1 and len(active) == 1
    else:
        assert sorted(outcomes) == ["ok after 1", "ok after 2"]
        assert event_count() == before + 2 and len(active) == 2


def test_stale_expected_version_is_a_conflict_and_stores_nothing(
    app: JixiaoApplication, event_count: Callable[[], int]
) -> None:
    ev = evaluation_with_tree(app)
    stale = ev.version
    deduct(app, EVALUATOR, ev.id, "D1", "1.2", "1", "第一次")
    before = event_count()
    with pytest.raises(ConflictError) as info:
        deduct(app, EVALUATOR, ev.id, "D2", "1.2", "1", "基于旧版本", expected_version=stale)
    assert info.value.current_version == stale + 1
    assert event_count() == before


def test_time_travel_by_version(app: JixiaoApplication) -> None:
    ev = evaluation_with_tree(app)
    app.record_actual(EVALUATOR, ev.id, "1.1", RecordActual("1000件"))
    deduct(app, EVALUATOR, ev.id, "D1", "1.2", "5", "初评")
    before_revision = app.evaluation(ev.id).version
    app.revise_deduction(EVALUATOR, ev.id, "D1", ReviseDeduction(Decimal(2), "复核后调整"))
    assert app.evaluation(ev.id).total() == Decimal("98.00")
    assert app.evaluation(ev.id, version=before_revision).total() == Decimal("95.00")


def test_platform_processes_starting_at_once_on_an_empty_database(database_url: str) -> None:
    """API, projectors and relay may start together: each creates the event table if missing,
    and none of them may fail because another was doing the same ("tuple concurrently updated")."""
    errors: list[BaseException] = []

    def start() -> None:
        try:
            build_application(database_url).close()
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    with psycopg.connect(database_url) as conn:
        assert conn.execute("SELECT count(*) FROM jixiao_events").fetchone() == (0,)
