"""Projections on real PostgreSQL: views equal the domain's state, rebuilds equal live views,
time travel equals the view as it stood, and the audit trail answers the auditors' question."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

import msgspec
import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.context import Actor
from domain.errors import DomainError
from domain.evaluation import Evaluation, EvaluationKind
from domain.ids import evaluation_id, tenant_id
from domain.indicators import IndicatorSpec
from domain.rules import Manual, RatioToTarget
from domain.tenants import Role, TenantLevel
from projections.audit.queries import deduction_history, timeline
from projections.core.runner import Projector
from projections.ledgers.queries import get_ledger
from projections.registry import NAMES, projection
from projections.rollups.queries import rollup, rollup_children
from projections.scorecards.queries import get_scorecard, list_scorecards
from projections.timetravel import evaluation_as_of, ledger_as_of
from services.app.application import JixiaoApplication
from services.app.commands.inputs import (
    RecordActual,
    RecordStatedTotal,
    ReviseDeduction,
    StartEvaluation,
    WithReason,
)
from services.commands.demo import seed_demo
from services.compose import build_application
from services.runtime.settings import Settings
from tests.integration.views import view_rows
from tests.support import deduct, define, evaluation, project, quick_accounts, register, staff

REPORTS = Path(__file__).resolve().parents[2] / "reports"


@pytest.fixture
def app(database_url: str) -> Iterator[JixiaoApplication]:
    application = build_application(database_url)
    yield application
    application.close()


def catch_up(url: str, *names: str) -> None:
    for name in names or NAMES:
        with Projector(url, projection(name)) as p:
            p.ensure()
            p.catch_up()


def test_views_of_the_source_reports_equal_the_domain(app: JixiaoApplication, database_url: str) -> None:
    seed_demo(app, REPORTS, quick_accounts(app))
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        cards = list_scorecards(conn, "360100", 2022)
        assert [(c["total"], c["grade"]) for c in cards] == [(Decimal("99.74"), "优秀")]
        for tenant in ("360100", "341182", "652829"):
            for c in list_scorecards(conn, tenant):
                view = get_scorecard(conn, c["evaluation_id"])
                assert view == evaluation_as_of(app.log, c["evaluation_id"])
                ledger = get_ledger(conn, c["project_id"])
                assert ledger == ledger_as_of(app.log, c["project_id"])
        nanchang = get_ledger(conn, cards[0]["project_id"])
        assert nanchang is not None
        total = nanchang.totals[-1]
        assert (total.source, total.annual, total.spent, total.execution_rate) == (
            "合计",
            Decimal("6660000.00"),
            Decimal("6220900.00"),
            Decimal("93.41"),
        )
        anhui = rollup(conn, "340000", 2021)
        assert (anhui.projects, anhui.budget, anhui.execution_rate) == (
            8,
            Decimal("1990000.00"),
            Decimal("100.00"),
        )
        # the demo's evaluations are drafts: no score counts yet, every one is named as left out
        assert (anhui.grades, anhui.average_self_score, anhui.unfinalized) == ({}, None, 8)
        assert [r.tenant for r in rollup_children(conn, "650000", 2022)] == ["652800"]
        assert rollup(conn, "650000", 2022).average_self_score is None


def test_self_versus_external_gap(app: JixiaoApplication, database_url: str) -> None:
    seed_demo(app, REPORTS, quick_accounts(app))
    actor = staff("341100", "pwc", Role.EVALUATOR, cid="ext")
    p = app.project("341182", 2021, "2021-SYJS")  # a project without approved targets (2021-XZYX has them)
    ext = app.start_evaluation(
        actor, p.id, StartEvaluation(EvaluationKind.DEPARTMENT, "某会计师事务所", third_party=True)
    )
    define(app, actor, ext.id, IndicatorSpec("1", "综合", Decimal(100), rule=Manual()))
    deduct(app, actor, ext.id, "E1", "1", Decimal(8), "第三方复核扣分")
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        drafts = rollup(conn, "341100", 2021)
    # both are drafts: nothing is compared (before issue 19 drafts counted: (1, 8.00))
    assert (drafts.compared_projects, drafts.self_minus_external) == (0, None)
    own = staff("341182", "rev", Role.PREPARER, Role.REVIEWER, cid="own")
    [own_self] = [
        c for c in _cards(database_url, "341182", 2021) if c["project_id"] == p.id and c["kind"] == "self"
    ]
    lead = staff("341100", "pwc", Role.EVALUATOR, Role.REVIEWER, cid="ext")
    for who, ev in ((own, own_self["evaluation_id"]), (lead, ext.id)):
        app.submit(who, ev)
        app.finalize(who, ev)
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        r = rollup(conn, "341100", 2021)
        county = rollup(conn, "341182", 2021)
    assert (r.compared_projects, r.self_minus_external) == (1, Decimal("8.00"))
    assert county.grades == {own_self["grade"]: 1} and county.average_self_score == own_self["total"]
    assert county.unfinalized == drafts.unfinalized - 2


def _cards(url: str, tenant: str, year: int) -> list[dict[str, Any]]:
    with psycopg.connect(url) as conn:
        return list_scorecards(conn, tenant, year)


def test_rebuild_equals_the_live_view_and_swaps_atomically(app: JixiaoApplication, database_url: str) -> None:
    seed_demo(app, REPORTS, quick_accounts(app))
    catch_up(database_url)
    for name in NAMES:
        live = view_rows(database_url, f"rm_{name}")
        with Projector(database_url, projection(name), batch=97) as p:
            p.rebuild()
            assert p.status().lag_events == 0
        assert view_rows(database_url, f"rm_{name}") == live, name
    with psycopg.connect(database_url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rm_%'")}
    assert schemas == {f"rm_{n}" for n in NAMES}


def test_parallel_rebuild_equals_the_live_view(
    app: JixiaoApplication, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shares of the aggregates projected by two worker processes add up to the same view."""
    from projections.core import parallel

    seed_demo(app, REPORTS, quick_accounts(app))
    catch_up(database_url)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 0)
    workers = Settings.from_env({"JIXIAO_REBUILD_WORKERS": "2"}).rebuild_workers
    seen: list[tuple[int, int]] = []
    for name in NAMES:
        proj = projection(name)
        live = view_rows(database_url, f"rm_{name}")
        assert parallel.workers_for(proj, 1, workers) == (
            2
            if name
            in (
                "ledgers",
                "scorecards",
                "audit",
                "cycle",
                "rectification",
                "results",
                "evidence",
                "engagements",
            )
            else 1
        )
        with Projector(database_url, proj, batch=97, rebuild_workers=workers) as p:
            p.rebuild(lambda done, target: seen.append((done, target)))
            status = p.status()
        assert (status.lag_events, status.position) == (0, status.head)
        assert view_rows(database_url, f"rm_{name}") == live, name
    assert seen and all(done <= target for done, target in seen)


def test_a_failing_rebuild_worker_fails_the_rebuild(database_url: str) -> None:
    """Workers that cannot project their share (here: no event table, no schema to fill) fail
    the rebuild with the process named."""
    from projections.core import parallel
    from projections.core.runner import _rebuild_share

    job = parallel.Share(database_url, type(projection("scorecards")), "rm_x__next", 10, 2)
    with pytest.raises(RuntimeError, match=r"重建 rm_x__next 的进程 [01] 失败"):
        parallel.fill(_rebuild_share, job, None)


def test_rebuild_workers_setting() -> None:
    from services.runtime.errors import RuntimeConfigError

    assert Settings.from_env({"JIXIAO_REBUILD_WORKERS": "3"}).rebuild_workers == 3
    assert 1 <= Settings.from_env({}).rebuild_workers <= 4
    assert 1 <= Settings().rebuild_workers <= 4
    for bad in ("zwei", "0", "65"):
        with pytest.raises(RuntimeConfigError, match="JIXIAO_REBUILD_WORKERS"):
            Settings.from_env({"JIXIAO_REBUILD_WORKERS": bad})


def test_audit_trail_answers_who_changed_which_deduction(app: JixiaoApplication, database_url: str) -> None:
    seed_demo(app, REPORTS, quick_accounts(app))
    p = app.project("360100", 2022, "2022-YBJBNLTS")
    ev = evaluation_id(p.tenant, p.id, EvaluationKind.SELF.value, "360100")  # evaluated by 360100 itself
    wang = staff("360100", "wang.evaluator", Role.EVALUATOR, cid="c-1")
    # the province's reviewer acting on the city's evaluation: no command of the policy lets it,
    # so the trail's second entry is written through the write path's low-level change
    li = Actor("li.reviewer", "reviewer", "360000", "c-2")
    zhao = staff("360100", "zhao.evaluator", Role.EVALUATOR, cid="c-3")
    key = next(k for k, n in app.evaluation(ev).nodes.items() if n.spec.name == "资金使用合规性")
    deduct(app, wang, ev, "D1", key, "1.5", "个别支出凭证附件不全")
    app.change(
        li,
        Evaluation,
        ev,
        lambda e: e.revise_deduction("D1", Decimal("0.5"), "复核：附件已补齐，仅保留审批延迟扣分"),
    )
    app.withdraw_deduction(zhao, ev, "D1", WithReason("审批延迟属上级原因，撤销扣分"))
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        history = deduction_history(conn, ev, "D1")
        everything = timeline(conn, ev)
    assert [(h.action, h.actor_id, h.role, h.actor_tenant) for h in history] == [
        ("DeductionApplied", "wang.evaluator", "evaluator", "360100"),
        ("DeductionRevised", "li.reviewer", "reviewer", "360000"),
        ("DeductionWithdrawn", "zhao.evaluator", "evaluator", "360100"),
    ]
    assert all(h.indicator == key for h in history)
    assert history[0].before is None and history[0].after["points"] == "1.5"
    assert (history[1].before["points"], history[1].after["points"]) == ("1.5", "0.5")
    assert (history[2].before["active"], history[2].after["active"]) == (True, False)
    assert [h.reason for h in history] == [
        "个别支出凭证附件不全",
        "复核：附件已补齐，仅保留审批延迟扣分",
        "审批延迟属上级原因，撤销扣分",
    ]
    assert history[0].at < history[1].at < history[2].at
    assert len(everything) == app.evaluation(ev).version


actions = st.lists(
    st.one_of(
        st.tuples(st.just("actual"), st.sampled_from(["800件", "1000件", "1200件"])),
        st.tuples(st.just("deduct"), st.decimals(min_value=Decimal("0.5"), max_value=Decimal(5), places=1)),
        st.tuples(st.just("revise"), st.decimals(min_value=Decimal("0.5"), max_value=Decimal(5), places=1)),
        st.just(("withdraw",)),
        st.tuples(st.just("stated"), st.decimals(min_value=0, max_value=100, places=2)),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions)
def test_time_travel_equals_the_view_right_after_each_event(
    app: JixiaoApplication, database_url: str, history: list[tuple[Any, ...]]
) -> None:
    actor = staff("360100", "tt", Role.EVALUATOR, cid="tt")
    if not app.log.exists(tenant_id("360100")):
        register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL)
    code = f"TT{uuid4().hex[:8]}"
    registered = project(app, actor, code, "时间旅行", 2022)
    ev = evaluation(app, actor, registered.id)
    define(
        app,
        actor,
        ev.id,
        IndicatorSpec("1", "数量", Decimal(60), rule=RatioToTarget(), target="≥1000件"),
        IndicatorSpec("2", "规范", Decimal(40), rule=Manual()),
    )
    deductions = 0
    for step in history:
        try:
            match step:
                case ("actual", text):
                    app.record_actual(actor, ev.id, "1", RecordActual(text))
                case ("deduct", pts):
                    deductions += 1
                    deduct(app, actor, ev.id, f"D{deductions}", "2", pts, "扣分")
                case ("revise", pts):
                    app.revise_deduction(actor, ev.id, f"D{deductions}", ReviseDeduction(pts, "复核"))
                case ("withdraw",):
                    app.withdraw_deduction(actor, ev.id, f"D{deductions}", WithReason("撤销"))
                case ("stated", total):
                    app.record_stated_total(actor, ev.id, RecordStatedTotal(total))
        except DomainError:  # refused commands are part of a random history; they store nothing
            pass
    compared = 0
    with (
        Projector(database_url, projection("scorecards"), batch=1) as p,
        psycopg.connect(database_url) as conn,
    ):
        p.ensure()
        while p.step():
            with p.conn.cursor() as cur:
                pos = cur.execute("SELECT position FROM rm_scorecards.tracking").fetchone()
                row = cur.execute(
                    "SELECT originator_id, state FROM jixiao_events WHERE notification_id = %s",
                    (pos[0] if pos else 0,),
                ).fetchone()
            p.conn.commit()
            assert row is not None
            if row[0] != ev.id:
                continue
            moment = datetime.datetime.fromisoformat(msgspec.json.decode(bytes(row[1]))["timestamp"])
            conn.commit()
            assert get_scorecard(conn, ev.id) == evaluation_as_of(app.log, ev.id, at=moment)
            compared += 1
    assert compared == app.evaluation(ev.id).version
    before_start = app.evaluation(ev.id).created_on - datetime.timedelta(microseconds=1)
    with pytest.raises(DomainError):
        evaluation_as_of(app.log, ev.id, at=before_start)


def test_a_view_of_an_older_shape_is_rebuilt_at_start_up(app: JixiaoApplication, database_url: str) -> None:
    """A projection whose version changed (say scorecards v1 → v2) is rebuilt by ``ensure``,
    not served in its old shape; an up-to-date view is left as it is."""
    seed_demo(app, REPORTS, quick_accounts(app))
    catch_up(database_url, "scorecards")
    expected = view_rows(database_url, "rm_scorecards")
    with psycopg.connect(database_url) as conn:
        conn.execute("UPDATE rm_scorecards.tracking SET version = version - 1")
        conn.execute("DELETE FROM rm_scorecards.scorecards")
        conn.execute("CREATE TABLE rm_scorecards.indicators (left_over int)")  # v1's table
    with Projector(database_url, projection("scorecards")) as p:
        p.ensure()
        assert p.status().version == projection("scorecards").version
        assert p.status().lag_events == 0
    assert view_rows(database_url, "rm_scorecards") == expected  # rebuilt from zero, old table gone
    with psycopg.connect(database_url) as conn:
        conn.execute("DELETE FROM rm_scorecards.scorecards")
    catch_up(database_url, "scorecards")  # same version: nothing rebuilt, nothing re-projected
    assert view_rows(database_url, "rm_scorecards") == {"scorecards": []}
