"""The application's named commands on the in-memory event log: the same code path the HTTP API,
the web UI, the importers and the command line take, in milliseconds."""

from __future__ import annotations

import asyncio
import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest

from domain.errors import DomainError, NotFound
from domain.evaluation import Evaluation, EvaluationKind, Status
from domain.indicators import IndicatorSpec, LedgerSource
from domain.ledger import EntryKind, FundingSource, Project
from domain.rules import Manual, Proportional
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import (
    AdoptTemplate,
    PublishTemplate,
    RecordEntry,
    StartEvaluation,
    WithReason,
)
from services.app.commands.spec import Change
from services.app.errors import ConflictError, Forbidden
from services.compose import build_in_memory
from tests.support import deduct, define, evaluation, events_of, project, register, staff

CITY = staff("341100", "city", cid="c-city")
COUNTY = staff("341182", "county", cid="c-county")
AUDITOR = staff("341182", "audit", Role.AUDITOR)
SIBLING = staff("341181", "sibling")


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    register(a, "341181", "天长市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def _tree(app: JixiaoApplication, caller: Any, ev: Evaluation) -> Evaluation:
    return define(
        app,
        caller,
        ev.id,
        IndicatorSpec("1", "总", Decimal(100)),
        IndicatorSpec(
            "1.1",
            "执行率",
            Decimal(10),
            parent="1",
            rule=Proportional(),
            ledger_source=LedgerSource.BUDGET_EXECUTION_RATE,
        ),
        IndicatorSpec("1.2", "规范", Decimal(90), parent="1", rule=Manual()),
    )


def _rows(app: JixiaoApplication) -> int:
    return len(app.log.read(0, 10**6))


def test_a_self_evaluation_from_start_to_finalized(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P1", "项目", 2022)
    for kind, amount in (
        (EntryKind.INITIAL_BUDGET, "1000.00"),
        (EntryKind.RECEIVED, "1000.00"),
        (EntryKind.EXPENDITURE, "800.00"),
    ):
        app.record_entry(
            COUNTY, p.id, RecordEntry(kind, FundingSource.CURRENT, Decimal(amount), datetime.date(2022, 6, 1))
        )
    ev = _tree(app, COUNTY, evaluation(app, COUNTY, p.id))
    deduct(app, COUNTY, ev.id, "D1", "1.2", "2", "档案不全")
    done = app.submit(COUNTY, ev.id)  # the ledger comes in first (the prepare step loads the project)
    assert done.aggregate.status is Status.SUBMITTED and done.aggregate.ledger is not None
    assert app.evaluation(ev.id).total() == Decimal("96.00")  # 80 % × 10 = 8, 90 − 2 = 88
    app.finalize(staff("341182", "rev", Role.REVIEWER), ev.id)
    assert app.evaluation(ev.id).status is Status.FINALIZED


def test_events_carry_the_caller_its_role_and_the_request(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P1", "项目", 2022)
    ev = _tree(app, COUNTY, evaluation(app, COUNTY, p.id))
    scorer = staff("341182", "li", Role.EVALUATOR, cid="req-42")
    deduct(app, scorer, ev.id, "D1", "1.2", "1", "原因")
    last: Any = events_of(app, ev.id)[-1]
    assert (last.meta.actor_id, last.meta.role, last.meta.actor_tenant) == ("li", "evaluator", "341182")
    assert (last.meta.correlation_id, last.meta.reason, last.meta.tenant) == ("req-42", "原因", "341182")


def test_the_policy_refuses_before_anything_is_stored(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P1", "项目", 2022)
    ev = _tree(app, COUNTY, evaluation(app, COUNTY, p.id))
    before = _rows(app)
    with pytest.raises(Forbidden):  # the role
        deduct(app, AUDITOR, ev.id, "D1", "1.2", "1", "审计不能扣分")
    with pytest.raises(Forbidden):  # the parent bureau reads its county's self-evaluation only
        deduct(app, CITY, ev.id, "D1", "1.2", "1", "上级")
    with pytest.raises(NotFound):  # a sibling does not even see it
        deduct(app, SIBLING, ev.id, "D1", "1.2", "1", "兄弟单位")
    with pytest.raises(Forbidden):
        app.record_entry(
            CITY,
            p.id,
            RecordEntry(
                EntryKind.INITIAL_BUDGET, FundingSource.CURRENT, Decimal(1), datetime.date(2022, 1, 1)
            ),
        )
    with pytest.raises(Forbidden):  # a self-evaluation is started by the bureau itself
        app.start_evaluation(CITY, p.id, StartEvaluation(EvaluationKind.SELF, "滁州"))
    assert _rows(app) == before


def test_a_department_evaluation_is_the_parents_to_score(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P1", "项目", 2022)
    dept = app.start_evaluation(CITY, p.id, StartEvaluation(EvaluationKind.DEPARTMENT, "滁州市医疗保障局"))
    assert dept.tenant == "341182" and dept.evaluator.tenant == "341100"
    _tree(app, CITY, dept)
    assert deduct(app, CITY, dept.id, "D1", "1.2", "3", "部门评价扣分").total() == Decimal("87.00")


def test_if_match_and_refusals(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P1", "项目", 2022)
    ev = _tree(app, COUNTY, evaluation(app, COUNTY, p.id))
    stale = ev.version
    deduct(app, COUNTY, ev.id, "D1", "1.2", "1", "第一次")
    with pytest.raises(ConflictError) as conflict:
        deduct(app, COUNTY, ev.id, "D2", "1.2", "1", "旧版本", expected_version=stale)
    assert conflict.value.current_version == stale + 1
    with pytest.raises(DomainError):
        app.reopen(staff("341182", "rev", Role.REVIEWER), ev.id, WithReason("未定稿不能重新打开"))
    assert app.evaluation(ev.id).version == stale + 1


def test_a_template_is_adopted_where_the_tree_allows(app: JixiaoApplication) -> None:
    specs = [
        IndicatorSpec("1", "决策", Decimal(100)),
        IndicatorSpec("1.1", "立项", Decimal(100), parent="1", rule=Manual()),
    ]
    app.publish_template(CITY, "341100", PublishTemplate("市级模板", specs))
    mine = evaluation(app, COUNTY, project(app, COUNTY, "P1", "项目", 2022).id)
    done = app.adopt_template(COUNTY, mine.id, AdoptTemplate("341100", "市级模板"))
    assert set(done.aggregate.nodes) == {"1", "1.1"}
    stranger = staff("350100", "far")
    register(app, "350000", "福建省医疗保障局", TenantLevel.PROVINCE)
    register(app, "350100", "福州市医疗保障局", TenantLevel.MUNICIPAL, "350000")
    theirs = evaluation(app, stranger, project(app, stranger, "F1", "项目", 2022).id)
    with pytest.raises(NotFound):
        app.adopt_template(stranger, theirs.id, AdoptTemplate("341100", "市级模板"))


def test_on_a_servers_loop_decisions_stay_on_the_loop_and_loads_leave_it(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P1", "项目", 2022)
    ev = _tree(app, COUNTY, evaluation(app, COUNTY, p.id))
    threads: dict[str, int] = {}

    def needs(load: Any, e: Evaluation, body: None) -> Project:
        threads["prepare"] = threading.get_ident()
        return load(Project, e.project_id)

    def decide(e: Evaluation, body: None, p: Project) -> str:
        threads["decide"] = threading.get_ident()
        e.note_deviation("1.2", f"项目 {p.code}")
        return p.code

    noting = Change("evaluation.note_deviation", Evaluation, decide, needs)

    async def serve() -> tuple[str, int]:
        app.serve(loop=asyncio.get_running_loop())
        try:
            done = await app.execute_async(COUNTY, noting, ev.id, None)
            return done.result, threading.get_ident()
        finally:
            await app.stop_serving()

    result, loop_thread = asyncio.run(serve())
    assert result == "P1" and threads["decide"] == loop_thread != threads["prepare"]
    assert app.evaluation(ev.id).nodes["1.2"].deviation == "项目 P1"
