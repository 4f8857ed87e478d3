"""Scoring rules (评分标准) as data: a msgspec tagged union, each rule carrying its version.

An event that records a score records the rule it used (with ``kind`` and ``version``) and the
inputs, so a replay never re-scores old facts with today's code. New fields get defaults;
a stored field's type never changes.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import msgspec

from domain.rules.rounding import Rounding


class StepRounding(enum.StrEnum):
    """How a partial step counts: 不足一档按一档计 (up), 不足一档不扣 (down), or pro rata (exact)."""

    UP = "up"
    DOWN = "down"
    EXACT = "exact"


class _Rule(msgspec.Struct, frozen=True, tag_field="kind", forbid_unknown_fields=True):
    """Defaults are written out (no omit_defaults) so a stored rule keeps its version forever.

    Version 2 adds ``rounding_policy`` (a rounding policy for the rate it scores and the score) and
    ``discretion`` (how many points an evaluator may add or take from the rule's result, with a
    reason: 酌情调整). A rule given either is version 2 (``versioned``)."""

    version: int = 1
    # version 2; UNSET (omitted when stored) keeps version 1 rules stored exactly as before
    rounding_policy: Rounding | msgspec.UnsetType = msgspec.UNSET
    discretion: Decimal | msgspec.UnsetType = msgspec.UNSET


class Proportional(_Rule, tag="proportional", frozen=True):
    """得分 = 比率 × 分值 (e.g. 预算执行率 93.41 % × 4 = 3.74)."""

    of_target: bool = False  # use the completion ratio value/target instead of a stated percentage


class Band(msgspec.Struct, frozen=True):
    min_pct: Decimal  # inclusive lower bound
    points: Decimal


class Bands(_Rule, tag="bands", frozen=True):
    """资金到位率 90%-100% 得3分；80%-89% 得2分；60%-79% 得1分；60%以下不得分."""

    bands: tuple[Band, ...] = ()
    of_target: bool = False


class ShortfallDeduction(_Rule, tag="shortfall", frozen=True):
    """达到3次得满分，每少1次扣1分，扣完为止 (reverse: 每多1个扣…)."""

    points_per_step: Decimal = Decimal(1)
    per: Decimal = Decimal(1)  # size of one step in the indicator's unit (每少10个 → 10)
    target: Decimal | None = None  # when absent, the indicator's 年度指标值
    rounding: StepRounding = StepRounding.UP


class DropDeduction(_Rule, tag="drop", frozen=True):
    """达到100%得满分，每下降10%扣0.5分; optionally 低于60%不得分 (floor)."""

    step_pct: Decimal = Decimal(10)
    points_per_step: Decimal = Decimal(1)
    full_at_pct: Decimal = Decimal(100)
    rounding: StepRounding = StepRounding.UP
    floor_pct: Decimal | None = None
    of_target: bool = False


class ChecklistItem(msgspec.Struct, frozen=True):
    label: str
    points: Decimal


class Checklist(_Rule, tag="checklist", frozen=True):
    """①…得1分 ②…得1.5分; 评价要点①–⑤每点0.6分. Input: the numbers (1-based) of the items met,
    and items met in part with the points given for each (``partial``)."""

    items: tuple[ChecklistItem, ...] = ()


class Deadline(_Rule, tag="deadline", frozen=True):
    """在2022年12月31日前完成得满分，否则不得分."""

    due: datetime.date | None = None  # when absent, the date in the indicator's 年度指标值


class Category(msgspec.Struct, frozen=True, omit_defaults=True):
    label: str
    points: Decimal | None = None  # None: full weight (得满分)


class Categorical(_Rule, tag="categorical", frozen=True):
    """运营情况良好得满分，中得1分，差不得分."""

    categories: tuple[Category, ...] = ()


class RatioToTarget(_Rule, tag="ratio", frozen=True):
    """完成值达到指标值记满分；未达到按 B/A（反向指标 A/B）× 分值."""


class Tier(msgspec.Struct, frozen=True):
    high_pct: Decimal
    low_pct: Decimal


DEFAULT_TIERS = (
    Tier(Decimal(100), Decimal(80)),
    Tier(Decimal(80), Decimal(60)),
    Tier(Decimal(60), Decimal(0)),
)


class ThreeTier(_Rule, tag="tiers", frozen=True):
    """定性指标“三档”：分值的 100–80%、80–60%、60–0%; the evaluator picks a tier and a score inside it."""

    tiers: tuple[Tier, ...] = DEFAULT_TIERS


SURVEY_WEIGHTS = (Decimal(1), Decimal("0.75"), Decimal("0.5"), Decimal("0.25"), Decimal(0))


class Survey(_Rule, tag="survey", frozen=True):
    """满意度 = Σ 人数 × 权重 / 样本数 (非常满意 1 … 非常不满意 0), then scored by ``then``."""

    then: Rule = msgspec.field(default_factory=lambda: RatioToTarget())
    weights: tuple[Decimal, ...] = SURVEY_WEIGHTS


class Manual(_Rule, tag="manual", frozen=True):
    """The evaluator's judgement: full weight unless deductions (each with a reason) say otherwise."""


class Judgement(_Rule, tag="judgement", frozen=True):
    """酌情给分: the evaluator sets the score anywhere in [0, weight], with a reason (its own
    event, ``ScoreJudged``), flagged for the reviewer. Unscored until judged."""


Rule = (
    Proportional
    | Bands
    | ShortfallDeduction
    | DropDeduction
    | Checklist
    | Deadline
    | Categorical
    | RatioToTarget
    | ThreeTier
    | Survey
    | Manual
    | Judgement
)

LATEST_VERSION = 2


def versioned(rule: Rule) -> Rule:
    """The rule at the version its fields need: a policy or a discretion makes it version 2."""
    if isinstance(rule, Survey):
        inner = versioned(rule.then)
        if inner is not rule.then:
            rule = msgspec.structs.replace(rule, then=inner)
    if rule.version < 2 and (
        rule.rounding_policy is not msgspec.UNSET or rule.discretion is not msgspec.UNSET
    ):
        return msgspec.structs.replace(rule, version=2)
    return rule


class Overachievement(msgspec.Struct, frozen=True, omit_defaults=True):
    """偏离度: completing far beyond the target suggests a badly set target; points are deducted.

    Above ``tolerance_pct`` over the target (completion > 100 + tolerance), each started
    ``step_pct`` costs ``points_per_step``.
    """

    tolerance_pct: Decimal = Decimal(20)
    step_pct: Decimal = Decimal(10)
    points_per_step: Decimal = Decimal("0.5")
    rounding: StepRounding = StepRounding.UP


class ItemCredit(msgspec.Struct, frozen=True):
    """A checklist item met in part: its number (1-based) and the points given for it."""

    item: int
    points: Decimal


class RuleInput(msgspec.Struct, frozen=True, omit_defaults=True):
    """What the rule is scored from: measured values, the target, and the evaluator's choices."""

    value: Decimal | None = None  # 实际完成值 as a number (scaled)
    ratio_pct: Decimal | None = None  # a percentage (rates, or an actual written with %)
    target: Decimal | None = None  # 年度指标值 as a number
    reverse: bool = False  # 反向指标
    met: tuple[int, ...] = ()  # checklist items met (1-based)
    completed_on: datetime.date | None = None
    due: datetime.date | None = None  # a deadline written in 年度指标值 (2022年12月31日前)
    category: str | None = None
    tier: int | None = None  # 1..n for ThreeTier
    points: Decimal | None = None  # the evaluator's score inside a tier
    survey: tuple[int, ...] | None = None  # respondents per answer, best first
    partial: tuple[ItemCredit, ...] = ()  # checklist items met in part, with the points given


class Judged(msgspec.Struct, frozen=True, omit_defaults=True):
    """An evaluator's discretionary decision on one indicator (酌情), with its reason: the score
    itself (a ``Judgement`` rule) or an adjustment of the rule's result (within ``discretion``)."""

    points: Decimal | None = None
    adjustment: Decimal | None = None
    reason: str = ""


class Outcome(msgspec.Struct, frozen=True):
    score: Decimal
    explanation: str
    capped: bool = False
    steps: tuple[str, ...] = ()  # the arithmetic, step by step (为什么是这个分)
