"""Every rule kind of domain.md, table-driven with its edges, plus properties (hypothesis)."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.money import rate_pct
from domain.rules import (
    Band,
    Bands,
    Categorical,
    Category,
    Checklist,
    ChecklistItem,
    Deadline,
    DropDeduction,
    Manual,
    Overachievement,
    Proportional,
    RatioToTarget,
    Rule,
    RuleInput,
    RuleInputError,
    ShortfallDeduction,
    StepRounding,
    Survey,
    ThreeTier,
    Tier,
    evaluate,
)

FUNDS = Bands(bands=(Band(D(90), D(3)), Band(D(80), D(2)), Band(D(60), D(1))))
TIMES = ShortfallDeduction(points_per_step=D(1))  # 达到3次得2分，每少1次扣1分
PER_TEN = ShortfallDeduction(per=D(10), points_per_step=D("0.1"))  # 每少10个扣0.1分
FLOOR = DropDeduction(full_at_pct=D(90), step_pct=D(5), points_per_step=D(1), floor_pct=D(60))
FIVE_POINTS = Checklist(items=tuple(ChecklistItem(f"要点{i}", D("0.6")) for i in range(1, 6)))
DUE = Deadline(due=datetime.date(2022, 12, 31))
RUNNING = Categorical(categories=(Category("良好"), Category("中", D(1)), Category("差", D(0))))
SURVEY = Survey(then=DropDeduction(full_at_pct=D(95), step_pct=D(5), points_per_step=D(1)))


def drop(rounding: StepRounding) -> DropDeduction:
    return DropDeduction(step_pct=D(10), points_per_step=D("0.5"), rounding=rounding)


CASES: list[tuple[str, Rule, str, RuleInput, str]] = [
    # proportional: seed 000 预算执行率
    (
        "000 预算执行率",
        Proportional(),
        "4",
        RuleInput(ratio_pct=rate_pct(D("6220900"), D("6660000"))),
        "3.74",
    ),
    ("proportional zero", Proportional(), "4", RuleInput(ratio_pct=D(0)), "0.00"),
    ("proportional above 100% capped", Proportional(), "4", RuleInput(ratio_pct=D(120)), "4.00"),
    (
        "proportional of target",
        Proportional(of_target=True),
        "10",
        RuleInput(value=D(45), target=D(50)),
        "9.00",
    ),
    # bands: seed 000 资金到位率
    ("bands 100%", FUNDS, "3", RuleInput(ratio_pct=D(100)), "3.00"),
    ("bands exactly 90%", FUNDS, "3", RuleInput(ratio_pct=D(90)), "3.00"),
    ("bands 89.99%", FUNDS, "3", RuleInput(ratio_pct=D("89.99")), "2.00"),
    ("bands exactly 80%", FUNDS, "3", RuleInput(ratio_pct=D(80)), "2.00"),
    ("bands exactly 60%", FUNDS, "3", RuleInput(ratio_pct=D(60)), "1.00"),
    ("bands 59.99%", FUNDS, "3", RuleInput(ratio_pct=D("59.99")), "0.00"),
    # shortfall deduction
    ("shortfall 2 of 3", TIMES, "2", RuleInput(value=D(2), target=D(3)), "1.00"),
    ("shortfall 3 of 3", TIMES, "2", RuleInput(value=D(3), target=D(3)), "2.00"),
    ("shortfall above target", TIMES, "2", RuleInput(value=D(5), target=D(3)), "2.00"),
    ("shortfall 0 of 3 clamps at 0", TIMES, "2", RuleInput(value=D(0), target=D(3)), "0.00"),
    ("shortfall per 10, 11 short rounds up", PER_TEN, "2", RuleInput(value=D(374), target=D(385)), "1.80"),
    (
        "shortfall per 10, down",
        ShortfallDeduction(per=D(10), points_per_step=D("0.1"), rounding=StepRounding.DOWN),
        "2",
        RuleInput(value=D(374), target=D(385)),
        "1.90",
    ),
    (
        "shortfall reverse: each one over",
        TIMES,
        "2",
        RuleInput(value=D(4), target=D(3), reverse=True),
        "1.00",
    ),
    # drop deduction: 85% → 2 − 0.5·⌈15/10⌉ or ⌊…⌋
    ("drop 85% up", drop(StepRounding.UP), "2", RuleInput(ratio_pct=D(85)), "1.00"),
    ("drop 85% down", drop(StepRounding.DOWN), "2", RuleInput(ratio_pct=D(85)), "1.50"),
    ("drop 85% exact", drop(StepRounding.EXACT), "2", RuleInput(ratio_pct=D(85)), "1.25"),
    ("drop exactly 100%", drop(StepRounding.UP), "2", RuleInput(ratio_pct=D(100)), "2.00"),
    ("drop exactly one step", drop(StepRounding.UP), "2", RuleInput(ratio_pct=D(90)), "1.50"),
    ("drop to nothing", drop(StepRounding.UP), "2", RuleInput(ratio_pct=D(10)), "0.00"),
    # drop with floor: ≥90% 满分；每下降5%（不足5%按5%计算）扣1分；低于60%不得分
    ("floor rule 90%", FLOOR, "10", RuleInput(ratio_pct=D(90)), "10.00"),
    ("floor rule 89%", FLOOR, "10", RuleInput(ratio_pct=D(89)), "9.00"),
    ("floor rule 85%", FLOOR, "10", RuleInput(ratio_pct=D(85)), "9.00"),
    ("floor rule exactly 60%", FLOOR, "10", RuleInput(ratio_pct=D(60)), "4.00"),
    ("floor rule 59.9%", FLOOR, "10", RuleInput(ratio_pct=D("59.9")), "0.00"),
    # checklist
    ("checklist 5 of 5", FIVE_POINTS, "3", RuleInput(met=(1, 2, 3, 4, 5)), "3.00"),
    ("checklist 2 of 5", FIVE_POINTS, "3", RuleInput(met=(2, 4)), "1.20"),
    ("checklist none", FIVE_POINTS, "3", RuleInput(), "0.00"),
    ("checklist repeated item counts once", FIVE_POINTS, "3", RuleInput(met=(1, 1, 1)), "0.60"),
    # deadline
    ("deadline on the day", DUE, "2", RuleInput(completed_on=datetime.date(2022, 12, 31)), "2.00"),
    ("deadline a day late", DUE, "2", RuleInput(completed_on=datetime.date(2023, 1, 1)), "0.00"),
    (
        "deadline from the target",
        Deadline(),
        "2",
        RuleInput(completed_on=datetime.date(2022, 6, 1), due=datetime.date(2022, 6, 30)),
        "2.00",
    ),
    # categorical
    ("categorical 良好", RUNNING, "2", RuleInput(category="良好"), "2.00"),
    ("categorical 中", RUNNING, "2", RuleInput(category="中"), "1.00"),
    ("categorical 差", RUNNING, "2", RuleInput(category="差"), "0.00"),
    # ratio to target
    ("ratio met", RatioToTarget(), "10", RuleInput(value=D(100), target=D(100)), "10.00"),
    ("ratio above", RatioToTarget(), "10", RuleInput(value=D(130), target=D(100)), "10.00"),
    ("ratio B/A", RatioToTarget(), "10", RuleInput(value=D(90), target=D(100)), "9.00"),
    ("ratio reverse A/B", RatioToTarget(), "10", RuleInput(value=D(8), target=D(5), reverse=True), "6.25"),
    ("ratio reverse met", RatioToTarget(), "10", RuleInput(value=D(4), target=D(5), reverse=True), "10.00"),
    ("ratio zero", RatioToTarget(), "10", RuleInput(value=D(0), target=D(5)), "0.00"),
    # three tiers
    ("tier 1 top", ThreeTier(), "10", RuleInput(tier=1, points=D(10)), "10.00"),
    ("tier 2 bottom edge", ThreeTier(), "10", RuleInput(tier=2, points=D(6)), "6.00"),
    ("tier 3", ThreeTier(), "10", RuleInput(tier=3, points=D("2.5")), "2.50"),
    (
        "custom tiers 100-90",
        ThreeTier(tiers=(Tier(D(100), D(90)), Tier(D(80), D(50)), Tier(D(50), D(0)))),
        "20",
        RuleInput(tier=1, points=D(18)),
        "18.00",
    ),
    # survey: (非常满意×1 + 比较满意×0.75 + 一般×0.5 + 较不满意×0.25 + 非常不满意×0) / n
    ("survey 95%", SURVEY, "10", RuleInput(survey=(80, 20, 0, 0, 0)), "10.00"),
    ("survey 90% loses one step", SURVEY, "10", RuleInput(survey=(60, 40, 0, 0, 0)), "9.00"),
    ("survey 87.5%", SURVEY, "10", RuleInput(survey=(50, 50, 0, 0, 0)), "8.00"),
    ("survey all unhappy", SURVEY, "10", RuleInput(survey=(0, 0, 0, 0, 7)), "0.00"),
    ("survey stated index", SURVEY, "10", RuleInput(ratio_pct=D(95)), "10.00"),
    # manual: full weight, deductions do the rest
    ("manual", Manual(), "4", RuleInput(), "4.00"),
]


@pytest.mark.parametrize(
    ("rule", "weight", "given", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule_table(rule: Rule, weight: str, given: RuleInput, expected: str) -> None:
    outcome = evaluate(rule, D(weight), given)
    assert outcome.score == D(expected)
    assert outcome.score.as_tuple().exponent == -2
    assert outcome.explanation


REFUSED: list[tuple[str, Rule, RuleInput, str]] = [
    ("proportional without a ratio", Proportional(), RuleInput(), "rule.ratio_missing"),
    ("ratio with target zero", RatioToTarget(), RuleInput(value=D(1), target=D(0)), "rule.target_zero"),
    ("shortfall without value", TIMES, RuleInput(target=D(3)), "rule.value_missing"),
    ("shortfall without target", TIMES, RuleInput(value=D(3)), "rule.target_missing"),
    ("checklist unknown item", FIVE_POINTS, RuleInput(met=(6,)), "rule.item_unknown"),
    ("deadline without date", DUE, RuleInput(), "rule.date_missing"),
    (
        "deadline without due",
        Deadline(),
        RuleInput(completed_on=datetime.date(2022, 1, 1)),
        "rule.due_missing",
    ),
    ("unknown category", RUNNING, RuleInput(category="优"), "rule.category_unknown"),
    ("tier without points", ThreeTier(), RuleInput(tier=1), "rule.points_missing"),
    ("points outside the tier", ThreeTier(), RuleInput(tier=1, points=D(7)), "rule.points_outside_tier"),
    ("tier that does not exist", ThreeTier(), RuleInput(tier=4, points=D(1)), "rule.tier_unknown"),
    ("survey of the wrong shape", SURVEY, RuleInput(survey=(1, 2)), "rule.survey_shape"),
    ("survey with nobody", SURVEY, RuleInput(survey=(0, 0, 0, 0, 0)), "rule.survey_empty"),
    (
        "a rule version from the future",
        Proportional(version=3),
        RuleInput(ratio_pct=D(50)),
        "rule.version_unsupported",
    ),
]


@pytest.mark.parametrize(("rule", "given", "code"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_rule_refusals(rule: Rule, given: RuleInput, code: str) -> None:
    with pytest.raises(RuleInputError) as info:
        evaluate(rule, D(10), given)
    assert info.value.code == code
    assert str(info.value)  # a message for the user


def test_overachievement_penalty() -> None:
    oa = Overachievement(tolerance_pct=D(20), step_pct=D(10), points_per_step=D("0.5"))
    # 150% of target: 30 points above the 20% tolerance → ⌈30/10⌉ = 3 steps × 0.5
    outcome = evaluate(RatioToTarget(), D(10), RuleInput(value=D(150), target=D(100)), overachievement=oa)
    assert outcome.score == D("8.50")
    within = evaluate(RatioToTarget(), D(10), RuleInput(value=D(120), target=D(100)), overachievement=oa)
    assert within.score == D("10.00")


# ---- properties ------------------------------------------------------------------------
amounts = st.decimals(min_value=0, max_value=200, places=2)
small = st.decimals(min_value=D("0.01"), max_value=20, places=2)
roundings = st.sampled_from(list(StepRounding))
leaf_rules = st.one_of(
    st.builds(Proportional, of_target=st.booleans()),
    st.builds(Bands, bands=st.lists(st.builds(Band, min_pct=amounts, points=amounts), max_size=4).map(tuple)),
    st.builds(
        ShortfallDeduction, points_per_step=small, per=small, target=st.none() | amounts, rounding=roundings
    ),
    st.builds(
        DropDeduction,
        step_pct=small,
        points_per_step=small,
        full_at_pct=amounts,
        rounding=roundings,
        floor_pct=st.none() | amounts,
    ),
    st.builds(
        Checklist,
        items=st.lists(st.builds(ChecklistItem, label=st.just("点"), points=small), max_size=6).map(tuple),
    ),
    st.builds(Deadline, due=st.none() | st.dates()),
    st.builds(
        Categorical,
        categories=st.lists(
            st.builds(Category, label=st.sampled_from("优良中差"), points=st.none() | amounts), max_size=4
        ).map(tuple),
    ),
    st.builds(RatioToTarget),
    st.builds(ThreeTier),
    st.builds(Manual),
)
rules = st.one_of(leaf_rules, st.builds(Survey, then=leaf_rules))
inputs = st.builds(
    RuleInput,
    value=st.none() | amounts,
    ratio_pct=st.none() | amounts,
    target=st.none() | amounts,
    reverse=st.booleans(),
    met=st.lists(st.integers(0, 7), max_size=7).map(tuple),
    completed_on=st.none() | st.dates(),
    due=st.none() | st.dates(),
    category=st.none() | st.sampled_from("优良中差"),
    tier=st.none() | st.integers(0, 4),
    points=st.none() | amounts,
    survey=st.none() | st.lists(st.integers(0, 50), min_size=5, max_size=5).map(tuple),
)


@settings(max_examples=400, deadline=None)
@given(rules, st.decimals(min_value=0, max_value=100, places=2), inputs)
def test_a_score_is_always_within_zero_and_the_weight(rule: Rule, weight: D, given_: RuleInput) -> None:
    try:
        outcome = evaluate(rule, weight, given_)
    except RuleInputError:
        return
    assert D(0) <= outcome.score <= weight
    assert outcome.score.as_tuple().exponent == -2


@settings(max_examples=200, deadline=None)
@given(rules)
def test_rules_round_trip_through_json_with_kind_and_version(rule: Rule) -> None:
    encoded = msgspec.json.encode(rule)
    assert b'"kind"' in encoded and b'"version"' in encoded
    assert msgspec.json.decode(encoded, type=Rule) == rule
