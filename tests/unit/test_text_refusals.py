"""Text that PostgreSQL's read models cannot hold (U+0000) is refused before any event exists."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from domain.context import Actor, acting
from domain.errors import DomainError
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource, Project
from domain.rules import Manual

ACTOR = Actor("li.si", "evaluator", "360100", "c1")


def _evaluation() -> Evaluation:
    with acting(ACTOR):
        p = Project.register("360100", "P1", "项目", 2022, "医保局", "医保中心", "目标")
        e = Evaluation.start("360100", p.id, 2022, EvaluationKind.SELF, Evaluator("自评"))
        e.define_indicator(IndicatorSpec("1", "规范", Decimal(100), rule=Manual()))
    e.collect_events()
    return e


@pytest.mark.parametrize(
    "command",
    [
        lambda e: e.apply_deduction("D1", "1", Decimal(1), "材料\x00不全"),
        lambda e: e.note_deviation("1", "\x00"),
        lambda e: e.define_indicator(IndicatorSpec("2", "名\x00称", Decimal(1), rule=Manual())),
        lambda e: e.record_actual("1", "完成\x00"),
    ],
)
def test_an_evaluation_command_with_nul_is_refused_and_emits_nothing(command: object) -> None:
    e = _evaluation()
    version = e.version
    with acting(ACTOR), pytest.raises(DomainError) as refused:
        command(e)  # type: ignore[operator]
    assert refused.value.code == "text.nul" and "U+0000" in str(refused.value)
    assert e.collect_events() == [] and e.version == version


def test_a_project_with_nul_is_refused() -> None:
    with acting(ACTOR), pytest.raises(DomainError, match="U\\+0000"):
        Project.register("360100", "P1", "项目\x00", 2022, "医保局", "医保中心", "目标")
    with acting(ACTOR):
        p = Project.register("360100", "P1", "项目", 2022, "医保局", "医保中心", "目标")
        with pytest.raises(DomainError, match="U\\+0000"):
            p.record_entry(
                EntryKind.EXPENDITURE,
                FundingSource.CURRENT,
                Decimal("1.00"),
                datetime.date(2022, 5, 1),
                purpose="支\x00出",
            )
    assert len(p.collect_events()) == 1  # the registration only
