"""Rounding policies (取整规则) a rule carries from version 2 on, and the steps they take.

Bureaus differ: many score 执行率 from the rate as printed on the form — the fraction rounded
to two decimals (0.8741 → 0.87, so 0.87 × 10 = 8.70) — others keep the rate to two decimals of
the per-cent (87.41 %), a few the exact rate. The score itself is rounded half-up, to two
decimals unless the rule says fewer. A version 1 rule has no policy: it scores the rate it is
given (the ledger's rounded to two decimals of the per-cent) and rounds the score to 2 decimals.
"""

from __future__ import annotations

import enum
from decimal import ROUND_HALF_UP, Decimal

import msgspec

HUNDRED = Decimal(100)


class RateRounding(enum.StrEnum):
    EXACT = "exact"  # the rate as computed
    PERCENT = "percent"  # n decimals of the percentage: 87.41 %
    FRACTION = "fraction"  # n decimals of the fraction: 0.87 (= 87 %)


class Rounding(msgspec.Struct, frozen=True, omit_defaults=True, forbid_unknown_fields=True):
    """How a rule rounds the rate it scores and the score it gives (half-up both)."""

    rate: RateRounding = RateRounding.PERCENT
    rate_places: int = 2
    score_places: int = 2


RATE_WORDS = {
    RateRounding.EXACT: "不取整",
    RateRounding.PERCENT: "百分数保留{n}位小数",
    RateRounding.FRACTION: "小数（比值）保留{n}位小数",
}


def check_rounding(r: Rounding) -> str | None:
    """What is wrong with a policy, in Chinese, or None."""
    if not 0 <= r.rate_places <= 6:
        return f"比率取整位数 {r.rate_places} 应在 0–6 之间"
    if not 0 <= r.score_places <= 2:
        return f"得分取整位数 {r.score_places} 应在 0–2 之间"
    return None


def round_rate(pct: Decimal, r: Rounding) -> Decimal:
    """``pct`` (a percentage) as the policy rounds it, still a percentage."""
    if r.rate is RateRounding.EXACT:
        return pct
    if r.rate is RateRounding.PERCENT:
        return pct.quantize(Decimal(1).scaleb(-r.rate_places), rounding=ROUND_HALF_UP)
    fraction = (pct / HUNDRED).quantize(Decimal(1).scaleb(-r.rate_places), rounding=ROUND_HALF_UP)
    return fraction * HUNDRED


def round_score(score: Decimal, places: int) -> Decimal:
    return score.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def describe_rounding(r: Rounding) -> str:
    return f"比率{RATE_WORDS[r.rate].format(n=r.rate_places)}，得分四舍五入保留{r.score_places}位小数"
