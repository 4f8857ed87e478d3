"""Totals, grades and flags: the total is the sum of indicator scores; suspicious input is flagged."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal as D
from uuid import uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.context import Actor, acting
from domain.errors import DomainError
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.grades import DEFAULT_GRADES, LONG_GRADES, GradeBand, GradeScheme
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource, LedgerStatement, Project, SourceTotals
from domain.rules import Manual, Proportional, RuleInput
from domain.scorecard import Scorecard

ACTOR = Actor("u", "evaluator", "341182", "c")


def evaluation() -> Evaluation:
    return Evaluation.start("341182", uuid4(), 2021, EvaluationKind.SELF, Evaluator("明光市医疗保障局"))


weights = st.lists(st.integers(1, 12), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(weights, st.data())
def test_total_is_the_sum_of_indicator_scores(ws: list[int], data: st.DataObject) -> None:
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("1", "产出", D(sum(ws))))
        for i, w in enumerate(ws):
            e.define_indicator(IndicatorSpec(f"1.{i}", f"指标{i}", D(w), parent="1", rule=Proportional()))
            pct = data.draw(st.decimals(min_value=0, max_value=150, places=2))
            e.record_actual(f"1.{i}", None, RuleInput(ratio_pct=pct))
            if data.draw(st.booleans()):
                e.apply_deduction(
                    f"D{i}",
                    f"1.{i}",
                    data.draw(st.decimals(min_value=D("0.01"), max_value=D(w), places=2)),
                    "抽样扣分",
                )
    scores = [e.score_of(n) for n in e.leaves()]
    assert all(s is not None and D(0) <= s <= n.spec.weight for s, n in zip(scores, e.leaves(), strict=True))
    assert e.total() == sum(s for s in scores if s is not None)
    assert e.subtotal("1") == e.total()


def test_not_applicable_weight_is_redistributed() -> None:
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("a", "甲", D(60), rule=Manual()))
        e.define_indicator(IndicatorSpec("b", "乙", D(20), rule=Manual()))
        e.define_indicator(IndicatorSpec("c", "丙（不适用）", D(20), rule=Manual(), not_applicable=True))
        e.apply_deduction("D1", "a", D(8), "扣分")
    # (52 + 20) of the 80 applicable points, scaled to 100
    assert e.total() == D("90.00")


@pytest.mark.parametrize(
    ("total", "default", "long"),
    [
        ("90", "优", "优秀"),
        ("89.99", "良", "良好"),
        ("80", "良", "良好"),
        ("60", "中", "中"),
        ("59.99", "差", "差"),
    ],
)
def test_grade_bands(total: str, default: str, long: str) -> None:
    assert DEFAULT_GRADES.grade(D(total)) == default
    assert LONG_GRADES.grade(D(total)) == long


def test_grade_scheme_must_be_ordered() -> None:
    with pytest.raises(DomainError):
        GradeScheme(bands=(GradeBand(D(80), "良"), GradeBand(D(90), "优")))


def test_weights_not_summing_are_flagged_and_kept() -> None:
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("1", "产出", D(80)))
        e.define_indicator(IndicatorSpec("1.1", "数量", D(50), parent="1", rule=Manual()))
    codes = sorted(f.code for f in e.flags())
    assert codes == ["weights.children_mismatch", "weights.total_not_100"]
    assert e.nodes["1.1"].spec.weight == D(50)


def test_stated_total_differing_is_flagged_and_kept() -> None:
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("1", "全部", D(100), rule=Manual()))
        e.record_stated_total(D("99.5"), "优")
    assert [f.code for f in e.flags()] == ["total.stated_mismatch"]
    assert e.stated_total == D("99.5")


def test_execution_above_100_and_parts_not_adding_up_are_flagged() -> None:
    with acting(ACTOR):
        p = Project.register("341182", "P", "三医建设业务经费", 2021)
        day = datetime.date(2021, 6, 1)
        p.record_entry(EntryKind.INITIAL_BUDGET, FundingSource.CURRENT, D("100000.00"), day)
        p.record_entry(EntryKind.RECEIVED, FundingSource.CURRENT, D("100000.00"), day)
        p.record_entry(EntryKind.EXPENDITURE, FundingSource.CURRENT, D("120000.00"), day)
        p.record_statement(
            LedgerStatement(
                annual_total=D("240000.00"),
                by_source={
                    FundingSource.CURRENT: SourceTotals(annual=D("100000.00")),
                    FundingSource.OTHER: SourceTotals(annual=D("130000.00")),
                },
            )
        )
    codes = {f.code for f in p.flags()}
    assert {"ledger.execution_above_100", "ledger.parts_mismatch", "ledger.statement_mismatch"} <= codes
    assert p.total().spent == D("120000.00")  # kept as entered


def test_negative_amount_is_refused_and_names_the_row() -> None:
    with acting(ACTOR):
        p = Project.register("341182", "P", "项目", 2021)
        with pytest.raises(DomainError) as info:
            p.record_entry(
                EntryKind.EXPENDITURE, FundingSource.CURRENT, D("-1.00"), datetime.date(2021, 1, 1)
            )
    assert "台账" in str(info.value) and "负数" in str(info.value)
    assert p.entries == [] and p.pending_events[1:] == []


def test_finalizing_with_missing_actuals_is_refused() -> None:
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("1", "数量", D(100), rule=Proportional()))
        e.submit()
        with pytest.raises(DomainError) as info:
            e.finalize()
    assert "数量" in str(info.value)


def test_lifecycle_and_reopen_needs_a_reason() -> None:
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("1", "全部", D(100), rule=Manual()))
        e.submit()
        e.return_for_revision("请补充材料")
        e.submit()
        e.finalize()
        with pytest.raises(DomainError):
            e.apply_deduction("D1", "1", D(1), "定稿后不能改")
        with pytest.raises(DomainError):
            e.reopen("  ")
        e.reopen("审计发现问题")
        e.apply_deduction("D1", "1", D(1), "复核扣分")
    assert e.total() == D("99.00")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["apply", "revise", "withdraw", "copy"]), st.integers(0, 1), st.integers(1, 12)
        ),
        min_size=4,
    )
)
def test_remembered_deductions_follow_every_deduction_event(steps: list[tuple[str, int, int]]) -> None:
    """Evaluation remembers its deductions per indicator between deduction events: after any
    sequence of applies, revisions, withdrawals and copies it equals a fresh count."""
    with acting(ACTOR):
        e = evaluation()
        e.define_indicator(IndicatorSpec("1", "产出", D(100)))
        for k in range(4):
            e.define_indicator(IndicatorSpec(f"1.{k}", f"指标{k}", D(25), parent="1", rule=Manual()))
            e.record_actual(f"1.{k}", "完成", RuleInput(points=D(25)))
        copies = [e]
        for n, (action, key, points) in enumerate(steps):
            e.summary()  # remember, then change
            live = [d for d in e.deductions.values() if d.active]
            fresh = Scorecard.deducted_by_key(e)
            refused = False
            try:
                if action == "apply":
                    expected = fresh.get(f"1.{key}", D(0)) + points > 25
                    e.apply_deduction(f"D{n}", f"1.{key}", D(points), "扣分")
                elif action == "revise" and live:
                    d = live[key % len(live)]
                    expected = fresh[d.key] - d.points + points > 25
                    e.revise_deduction(d.deduction_id, D(points), "修改")
                elif action == "withdraw" and live:
                    expected = False
                    e.withdraw_deduction(live[key % len(live)].deduction_id, "撤回")
                else:
                    expected = False
            except DomainError as error:  # more than the indicator's score: refused, nothing changed
                assert error.code == "deduction.exceeds_weight"
                refused = True
            assert refused == expected  # the remembered sums refuse exactly what a fresh count would
            if action == "copy":
                e = copy.deepcopy(e)
                copies.append(e)
            for c in copies:
                assert c.deducted_by_key() == Scorecard.deducted_by_key(c)
