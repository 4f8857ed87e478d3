"""Rounding policies (rule version 2): the rate rounded to n decimals of the fraction or of the
per-cent before scoring, the score half-up to n decimals; version 1 rules score as before.
Table-driven, plus properties; and the printed rates of a form cross-checked against the ledger."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.ledger import EntryKind, FundingSource, LedgerEntry, LedgerStatement, ledger_flags
from domain.rules import (
    Band,
    Bands,
    DropDeduction,
    Proportional,
    RateRounding,
    RatioToTarget,
    Rounding,
    RuleInput,
    evaluate,
    versioned,
)

FRACTION_2 = Rounding(rate=RateRounding.FRACTION, rate_places=2)
PERCENT_1 = Rounding(rate=RateRounding.PERCENT, rate_places=1)
EXACT = Rounding(rate=RateRounding.EXACT)
WHOLE_POINTS = Rounding(rate=RateRounding.EXACT, score_places=0)

CASES = [
    # (rule, weight, inputs, score): 执行率 87.41 % of 10 points
    ("v1 scores the rate it is given", Proportional(), D(10), RuleInput(ratio_pct=D("87.41")), "8.74"),
    (
        "fraction to 2 decimals: 0.87 × 10",
        Proportional(version=2, rounding_policy=FRACTION_2),
        D(10),
        RuleInput(ratio_pct=D("87.41")),
        "8.70",
    ),
    (
        "per-cent to 1 decimal: 87.4 % × 10",
        Proportional(version=2, rounding_policy=PERCENT_1),
        D(10),
        RuleInput(ratio_pct=D("87.41")),
        "8.74",
    ),
    (
        "exact rate: 87.4151 % × 10 = 8.74151 → 8.74",
        Proportional(version=2, rounding_policy=EXACT),
        D(10),
        RuleInput(ratio_pct=D("87.4151")),
        "8.74",
    ),
    (
        "score to whole points",
        Proportional(version=2, rounding_policy=WHOLE_POINTS),
        D(10),
        RuleInput(ratio_pct=D("87.41")),
        "9.00",
    ),
    (
        "version 2 default: 2 decimals of the per-cent",
        Proportional(version=2),
        D(10),
        RuleInput(ratio_pct=D("87.4151")),
        "8.74",
    ),
    (
        "bands see the rounded rate: 89.6 % → 0.90 → top band",
        Bands(version=2, rounding_policy=FRACTION_2, bands=(Band(D(90), D(3)), Band(D(80), D(2)))),
        D(3),
        RuleInput(ratio_pct=D("89.6")),
        "3.00",
    ),
    (
        "v1 bands see 89.6 % → second band",
        Bands(bands=(Band(D(90), D(3)), Band(D(80), D(2)))),
        D(3),
        RuleInput(ratio_pct=D("89.6")),
        "2.00",
    ),
    (
        "completion B/A rounded: 2/3 → 0.67 → 6.70",
        RatioToTarget(version=2, rounding_policy=FRACTION_2),
        D(10),
        RuleInput(value=D(2), target=D(3)),
        "6.70",
    ),
    (
        "drop: 94.96 % rounds to 95 % (fraction) — no step lost",
        DropDeduction(version=2, rounding_policy=FRACTION_2, full_at_pct=D(95), step_pct=D(5)),
        D(5),
        RuleInput(ratio_pct=D("94.96")),
        "5.00",
    ),
]


@pytest.mark.parametrize(
    ("rule", "weight", "inputs", "score"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rounding_policies(rule: object, weight: D, inputs: RuleInput, score: str) -> None:
    outcome = evaluate(rule, weight, inputs)  # type: ignore[arg-type]
    assert str(outcome.score) == score
    assert outcome.steps and outcome.steps[-1].endswith(score)  # the last step is the score


def test_a_policy_makes_a_rule_version_2() -> None:
    assert versioned(Proportional(rounding_policy=FRACTION_2)).version == 2
    assert versioned(Proportional()).version == 1
    plain = Proportional()
    assert versioned(plain) is plain


def test_the_steps_show_the_rounding() -> None:
    outcome = evaluate(
        Proportional(version=2, rounding_policy=FRACTION_2), D(10), RuleInput(ratio_pct=D("87.41"))
    )
    assert any("0.8741 → 0.87（87%）" in s for s in outcome.steps), outcome.steps


@settings(max_examples=200, deadline=None)
@given(
    pct=st.decimals(min_value=0, max_value=150, places=4),
    places=st.integers(min_value=0, max_value=4),
    weight=st.decimals(min_value=1, max_value=30, places=1),
)
def test_rounded_rates_score_within_the_weight_and_never_above_the_exact(
    pct: D, places: int, weight: D
) -> None:
    exact = evaluate(Proportional(version=2, rounding_policy=EXACT), weight, RuleInput(ratio_pct=pct))
    for rate in RateRounding:
        rounded = evaluate(
            Proportional(version=2, rounding_policy=Rounding(rate=rate, rate_places=places)),
            weight,
            RuleInput(ratio_pct=pct),
        )
        assert D(0) <= rounded.score <= weight
        # rounding the rate by at most half a unit of its last place moves the score by at most that much
        unit = D(1).scaleb(-places) * (100 if rate is RateRounding.FRACTION else 1)
        assert abs(rounded.score - exact.score) <= unit / 2 * weight / 100 + D("0.01")


def _ledger(received: str, spent: str) -> list[LedgerEntry]:
    day = datetime.date(2023, 6, 30)
    src = FundingSource.CURRENT
    return [
        LedgerEntry("b", EntryKind.INITIAL_BUDGET, src, D(received), day),
        LedgerEntry("r", EntryKind.RECEIVED, src, D(received), day),
        LedgerEntry("s", EntryKind.EXPENDITURE, src, D(spent), day),
    ]


@pytest.mark.parametrize(
    ("printed", "agrees"),
    [(D("87"), True), (D("87.4"), True), (D("87.41"), True), (D("87.42"), False), (D("87.5"), False)],
)
def test_printed_rates_are_cross_checked_at_the_decimals_printed(printed: D, agrees: bool) -> None:
    entries = _ledger("10000.00", "8741.38")  # 87.4138 %
    flags = ledger_flags(2023, entries, LedgerStatement(execution_rate=printed))
    mismatches = [f for f in flags if f.code == "ledger.printed_rate_mismatch"]
    assert (not mismatches) is agrees, mismatches
    if not agrees:
        assert "预算执行率" in mismatches[0].message and str(printed) in mismatches[0].message
