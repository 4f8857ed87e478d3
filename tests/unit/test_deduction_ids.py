"""A deduction without an id: the command chooses the next free ``<indicator key>-D<n>`` (on the
in-memory application, the same command path the HTTP API takes)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from domain.errors import NotFound
from domain.evaluation import Evaluation
from domain.evaluation.events import DeductionApplied
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands import evaluations as ev
from services.app.commands.inputs import ApplyDeduction, WithReason
from services.compose import build_in_memory
from tests.support import define, evaluation, events_of, project, register, staff

COUNTY = staff("341182", "county")


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


@pytest.fixture
def scored(app: JixiaoApplication) -> Evaluation:
    p = project(app, COUNTY, "P1", "项目", 2022)
    return define(
        app,
        COUNTY,
        evaluation(app, COUNTY, p.id).id,
        IndicatorSpec("1", "总", Decimal(100)),
        IndicatorSpec("1.1", "规范", Decimal(50), parent="1", rule=Manual()),
        IndicatorSpec("产出", "产出", Decimal(50), parent="1", rule=Manual()),
    )


def _deduct(app: JixiaoApplication, e: Evaluation, key: str, given: str | None = None) -> str:
    body = ApplyDeduction(key, Decimal("1"), "资料不全", deduction_id=given)
    return app.apply_deduction(COUNTY, e.id, body).result


def test_the_command_numbers_deductions_per_indicator(app: JixiaoApplication, scored: Evaluation) -> None:
    assert _deduct(app, scored, "1.1") == "1.1-D1"
    assert _deduct(app, scored, "1.1") == "1.1-D2"
    assert _deduct(app, scored, "1.1", "own-id") == "own-id"  # a given id is kept as given
    assert set(app.evaluation(scored.id).deductions) == {"1.1-D1", "1.1-D2", "own-id"}
    assert app.evaluation(scored.id).total() == Decimal("97.00")


def test_a_taken_or_withdrawn_id_is_never_given_again(app: JixiaoApplication, scored: Evaluation) -> None:
    assert _deduct(app, scored, "1.1", "1.1-D2") == "1.1-D2"  # the client took D2 itself
    assert _deduct(app, scored, "1.1") == "1.1-D3"  # one deduction on 1.1: D2 next, taken
    app.withdraw_deduction(COUNTY, scored.id, "1.1-D3", WithReason("补交了资料"))
    assert _deduct(app, scored, "1.1") == "1.1-D4"  # D3 was withdrawn: its id stays its own
    assert _deduct(app, scored, "1.1") == "1.1-D5"  # numbers go up: the gap at D1 stays a gap


def test_a_key_that_cannot_start_an_id_numbers_the_evaluation(
    app: JixiaoApplication, scored: Evaluation
) -> None:
    assert _deduct(app, scored, "产出") == "D1"
    assert _deduct(app, scored, "产出") == "D2"
    assert ev.next_deduction_id(app.evaluation(scored.id), "x" * 60) == "D3"  # too long for a prefix


def test_the_stored_event_is_the_same_as_with_a_given_id(app: JixiaoApplication, scored: Evaluation) -> None:
    _deduct(app, scored, "1.1", "given")
    _deduct(app, scored, "1.1")
    given, chosen = (e for e in events_of(app, scored.id) if isinstance(e, DeductionApplied))
    assert type(given) is type(chosen)
    assert set(vars(given)) == set(vars(chosen))
    assert (chosen.deduction_id, chosen.key, chosen.points) == ("1.1-D2", "1.1", Decimal("1"))


def test_a_refused_deduction_chooses_nothing_and_stores_nothing(
    app: JixiaoApplication, scored: Evaluation
) -> None:
    before = len(app.log.read(0, 10**6))
    with pytest.raises(NotFound):
        _deduct(app, scored, "9.9")
    assert len(app.log.read(0, 10**6)) == before
    assert _deduct(app, scored, "1.1") == "1.1-D1"


def test_on_a_servers_loop_the_answer_carries_the_chosen_id(
    app: JixiaoApplication, scored: Evaluation
) -> None:
    async def run() -> str:
        app.serve(loop=asyncio.get_running_loop())
        try:
            body = ApplyDeduction("1.1", Decimal("2"), "原因")
            done = await app.execute_async(COUNTY, ev.APPLY_DEDUCTION, scored.id, body)
            return done.result
        finally:
            await app.stop_serving()

    assert asyncio.run(run()) == "1.1-D1"
    assert app.evaluation(scored.id).deductions["1.1-D1"].points == Decimal("2")
