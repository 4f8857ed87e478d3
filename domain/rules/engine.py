"""Pure evaluation of scoring rules in Decimal: 2 decimals half-up, clamped to [0, weight].

``evaluate`` refuses inputs the rule cannot score (``RuleInputError`` with a stable code and
a Chinese message); it never guesses a missing figure.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from domain.rules.model import (
    LATEST_VERSION,
    Bands,
    Categorical,
    Checklist,
    Deadline,
    DropDeduction,
    Judged,
    Judgement,
    Manual,
    Outcome,
    Overachievement,
    Proportional,
    RatioToTarget,
    Rule,
    RuleInput,
    ShortfallDeduction,
    StepRounding,
    Survey,
    ThreeTier,
)
from domain.rules.rounding import RateRounding, Rounding, describe_rounding, round_rate, round_score

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class RuleInputError(ValueError):
    """The inputs do not fit the rule (missing figure, unknown category, score outside its tier)."""

    def __init__(self, message: str, code: str = "rule.input_invalid") -> None:
        super().__init__(message)
        self.code = code


def quantize(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def steps(amount: Decimal, step: Decimal, rounding: StepRounding) -> Decimal:
    """How many steps ``amount`` spans: 15 % over steps of 10 % is 2 (up), 1 (down) or 1.5 (exact)."""
    if amount <= 0:
        return Decimal(0)
    if step <= 0:
        raise RuleInputError("步长必须大于0", code="rule.step_invalid")
    ratio = amount / step
    if rounding is StepRounding.UP:
        return ratio.to_integral_value(rounding=ROUND_CEILING)
    if rounding is StepRounding.DOWN:
        return ratio.to_integral_value(rounding=ROUND_FLOOR)
    return ratio


def _pct(x: Decimal) -> str:
    return f"{quantize(x)}%"


class Work:
    """One scoring's arithmetic, step by step, and the rule's rounding policy (version 2)."""

    def __init__(self, rule: Rule) -> None:
        self.steps: list[str] = []
        self.policy: Rounding | None = None
        if rule.version >= 2:
            self.policy = rule.rounding_policy if isinstance(rule.rounding_policy, Rounding) else Rounding()

    def rate(self, of_target: bool, given: RuleInput) -> Decimal:
        """The rate a rule scores, rounded as the rule's policy says (each step noted)."""
        pct = ratio_of(of_target, given, self.steps)
        if self.policy is None:
            return pct
        rounded = round_rate(pct, self.policy)
        if rounded != pct:
            label = describe_rounding(self.policy).split("，")[0]
            if self.policy.rate is RateRounding.FRACTION:
                shown = f"{_exact(pct / HUNDRED)} → {_exact(rounded / HUNDRED)}（{_exact(rounded)}%）"
            else:
                shown = f"{_exact(pct)}% → {_exact(rounded)}%"
            self.steps.append(f"{label}：{shown}")
        return rounded


def ratio_of(rule_of_target: bool, given: RuleInput, steps: list[str] | None = None) -> Decimal:
    """The percentage a ratio rule scores: a stated one, or completion value/target (A/B if reverse)."""
    if given.ratio_pct is not None and not rule_of_target:
        if steps is not None:
            steps.append(f"比率 {_exact(given.ratio_pct)}%")
        return given.ratio_pct
    if given.value is None or given.target is None:
        raise RuleInputError("缺少比率或实际完成值/指标值", code="rule.ratio_missing")
    if given.reverse:
        if given.value == 0:
            return HUNDRED
        pct = given.target * HUNDRED / given.value
        if steps is not None:
            steps.append(f"反向指标：指标值 {given.target} / 完成值 {given.value} = {_exact(pct)}%")
        return pct
    if given.target == 0:
        raise RuleInputError("指标值为0，无法计算完成比率", code="rule.target_zero")
    pct = given.value * HUNDRED / given.target
    if steps is not None:
        steps.append(f"完成值 {given.value} / 指标值 {given.target} = {_exact(pct)}%")
    return pct


def _exact(x: Decimal) -> str:
    """A computed rate for a step: up to 6 decimals, as computed (no trailing zeros)."""
    q = x.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP).normalize()
    return f"{q:f}"


def _proportional(rule: Proportional, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    pct = work.rate(rule.of_target, given)
    pct_used = min(pct, HUNDRED)
    return pct_used * weight / HUNDRED, f"{_pct(pct)} × {weight} = {quantize(pct_used * weight / HUNDRED)}"


def _bands(rule: Bands, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    pct = work.rate(rule.of_target, given)
    for band in sorted(rule.bands, key=lambda b: b.min_pct, reverse=True):
        if pct >= band.min_pct:
            return band.points, f"{_pct(pct)} ≥ {band.min_pct}%，得{band.points}分"
    return Decimal(0), f"{_pct(pct)} 低于最低档，不得分"


def _target_of(rule_target: Decimal | None, given: RuleInput) -> Decimal:
    target = rule_target if rule_target is not None else given.target
    if target is None:
        raise RuleInputError("缺少指标值", code="rule.target_missing")
    return target


def _shortfall(
    rule: ShortfallDeduction, weight: Decimal, given: RuleInput, work: Work
) -> tuple[Decimal, str]:
    if given.value is None:
        raise RuleInputError("缺少实际完成值", code="rule.value_missing")
    target = _target_of(rule.target, given)
    gap = given.value - target if given.reverse else target - given.value
    n = steps(gap, rule.per, rule.rounding)
    lost = n * rule.points_per_step
    word = "超出" if given.reverse else "差"
    if gap <= 0:
        return weight, f"完成{given.value}，达到指标值{target}，得满分"
    return weight - lost, f"{word}{gap}（{n}档），扣{quantize(lost)}分"


def _drop(rule: DropDeduction, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    pct = work.rate(rule.of_target, given)
    if pct >= rule.full_at_pct:
        return weight, f"{_pct(pct)} ≥ {rule.full_at_pct}%，得满分"
    if rule.floor_pct is not None and pct < rule.floor_pct:
        return Decimal(0), f"{_pct(pct)} 低于{rule.floor_pct}%，不得分"
    n = steps(rule.full_at_pct - pct, rule.step_pct, rule.rounding)
    lost = n * rule.points_per_step
    return (
        weight - lost,
        f"{_pct(pct)}，下降{quantize(rule.full_at_pct - pct)}%（{n}档），扣{quantize(lost)}分",
    )


def _checklist(rule: Checklist, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    bad = [i for i in given.met if not 1 <= i <= len(rule.items)]
    if bad:
        raise RuleInputError(f"评分要点编号 {bad} 不存在（共{len(rule.items)}项）", code="rule.item_unknown")
    met = sorted(set(given.met))
    got = sum((rule.items[i - 1].points for i in met), Decimal(0))
    text = f"满足{len(met)}/{len(rule.items)}项要点，得{quantize(got)}分"
    for credit in given.partial:
        if not 1 <= credit.item <= len(rule.items) or credit.item in met:
            raise RuleInputError(
                f"部分满足的要点 {credit.item} 不存在或已计为满足（共{len(rule.items)}项）",
                code="rule.item_unknown",
            )
        item = rule.items[credit.item - 1]
        if not 0 <= credit.points <= item.points:
            raise RuleInputError(
                f"要点 {credit.item}（{item.points}分）部分得分 {credit.points} 应在 0–{item.points} 之间",
                code="rule.partial_outside_item",
            )
        got += credit.points
        text += f"；要点{credit.item}部分满足，得{quantize(credit.points)}分（满分{quantize(item.points)}）"
    return got, text


def _deadline(rule: Deadline, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    due = rule.due or given.due
    if due is None:
        raise RuleInputError("缺少完成期限", code="rule.due_missing")
    if given.completed_on is None:
        raise RuleInputError("缺少实际完成日期", code="rule.date_missing")
    if given.completed_on <= due:
        return weight, f"{given.completed_on} 完成，未超过期限 {due}，得满分"
    return Decimal(0), f"{given.completed_on} 完成，超过期限 {due}，不得分"


def _categorical(rule: Categorical, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    labels = [c.label for c in rule.categories]
    for c in rule.categories:
        if given.category == c.label:
            points = weight if c.points is None else c.points
            return points, f"「{c.label}」得{quantize(points)}分"
    raise RuleInputError(
        f"评价结果「{given.category}」不在可选项 {'、'.join(labels)} 中", code="rule.category_unknown"
    )


def _ratio(rule: RatioToTarget, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    pct = work.rate(given.value is not None, given)
    if pct >= HUNDRED:
        return weight, "达到指标值，得满分"
    formula = "A/B" if given.reverse else "B/A"
    return pct * weight / HUNDRED, f"未达到指标值，按 {formula} = {_pct(pct)} × {weight}"


def _tiers(rule: ThreeTier, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    if given.points is None:
        raise RuleInputError("三档评分须给出档内得分", code="rule.points_missing")
    points = given.points
    if given.tier is not None:
        if not 1 <= given.tier <= len(rule.tiers):
            raise RuleInputError(
                f"档次 {given.tier} 不存在（共{len(rule.tiers)}档）", code="rule.tier_unknown"
            )
        tier = rule.tiers[given.tier - 1]
        low, high = weight * tier.low_pct / HUNDRED, weight * tier.high_pct / HUNDRED
        if not low <= points <= high:
            raise RuleInputError(
                f"第{given.tier}档得分应在 {quantize(low)}–{quantize(high)} 之间，给出 {points}",
                code="rule.points_outside_tier",
            )
        return points, f"第{given.tier}档，得{quantize(points)}分"
    if not 0 <= points <= weight:
        raise RuleInputError(f"得分 {points} 超出 0–{weight}", code="rule.points_outside_tier")
    return points, f"评价人评定{quantize(points)}分"


def survey_index(weights: tuple[Decimal, ...], counts: tuple[int, ...]) -> Decimal:
    if len(counts) != len(weights):
        raise RuleInputError(
            f"问卷应有{len(weights)}类答案人数，给出{len(counts)}类", code="rule.survey_shape"
        )
    if any(c < 0 for c in counts):
        raise RuleInputError("问卷人数不能为负数", code="rule.survey_negative")
    n = sum(counts)
    if n == 0:
        raise RuleInputError("问卷样本数为0", code="rule.survey_empty")
    return sum((w * c for w, c in zip(weights, counts, strict=True)), Decimal(0)) * HUNDRED / n


def _survey(rule: Survey, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    if given.survey is None:
        if given.ratio_pct is None:
            raise RuleInputError("缺少问卷结果", code="rule.survey_missing")
        index = given.ratio_pct
    else:
        index = survey_index(rule.weights, given.survey)
    inner_given = RuleInput(ratio_pct=index, value=index, target=given.target, reverse=False)
    inner = evaluate(rule.then, weight, inner_given)
    work.steps.extend(inner.steps[:-1])
    return inner.score, f"满意度 {_pct(index)}；{inner.explanation}"


def _manual(rule: Manual, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    return weight, "评价人评分：满分，低于分值的部分以扣分及原因记录"


def _judgement(rule: Judgement, weight: Decimal, given: RuleInput, work: Work) -> tuple[Decimal, str]:
    raise RuleInputError("酌情给分的指标尚未评定得分", code="rule.judgement_missing")


_ENGINE: dict[type[Any], Callable[[Any, Decimal, RuleInput, Work], tuple[Decimal, str]]] = {
    Proportional: _proportional,
    Bands: _bands,
    ShortfallDeduction: _shortfall,
    DropDeduction: _drop,
    Checklist: _checklist,
    Deadline: _deadline,
    Categorical: _categorical,
    RatioToTarget: _ratio,
    ThreeTier: _tiers,
    Survey: _survey,
    Manual: _manual,
    Judgement: _judgement,
}


def overachievement_penalty(oa: Overachievement, given: RuleInput) -> Decimal:
    try:
        pct = ratio_of(True, given)
    except RuleInputError:
        return Decimal(0)
    return steps(pct - HUNDRED - oa.tolerance_pct, oa.step_pct, oa.rounding) * oa.points_per_step


def evaluate(
    rule: Rule,
    weight: Decimal,
    given: RuleInput,
    *,
    overachievement: Overachievement | None = None,
    judged: Judged | None = None,
) -> Outcome:
    """Score ``given`` by ``rule`` out of ``weight``, within [0, weight], rounded half-up (2
    decimals, or the rule's policy); ``judged``: the evaluator's discretionary decision."""
    if rule.version > LATEST_VERSION or rule.version < 1:
        raise RuleInputError(f"评分规则版本 {rule.version} 不受支持", code="rule.version_unsupported")
    if weight < 0:
        raise RuleInputError("分值不能为负数", code="rule.weight_negative")
    work = Work(rule)
    if isinstance(rule, Judgement):
        raw, explanation = _judged_score(weight, judged)
    else:
        raw, explanation = _ENGINE[type(rule)](rule, weight, given, work)
    work.steps.append(explanation)
    if overachievement is not None:
        penalty = overachievement_penalty(overachievement, given)
        if penalty > 0:
            raw -= penalty
            explanation += f"；超额完成偏离度扣{quantize(penalty)}分"
            work.steps.append(f"超额完成偏离度扣{quantize(penalty)}分：{raw + penalty} − {penalty} = {raw}")
    if judged is not None and not isinstance(rule, Judgement):
        raw = _adjusted(rule, raw, judged, work)
        explanation += f"；酌情调整{_signed(judged.adjustment)}分"
    clamped = min(max(raw, Decimal(0)), weight)
    if clamped != raw:
        work.steps.append(f"{raw} 超出 0–{weight}，按 {clamped} 计")
    places = work.policy.score_places if work.policy is not None else 2
    score = quantize(round_score(clamped, places))
    work.steps.append(f"得分四舍五入保留{places}位小数：{score}")
    return Outcome(score=score, explanation=explanation, capped=clamped != raw, steps=tuple(work.steps))


def _signed(x: Decimal | None) -> str:
    x = x or Decimal(0)
    return f"+{quantize(x)}" if x >= 0 else f"{quantize(x)}"


def _judged_score(weight: Decimal, judged: Judged | None) -> tuple[Decimal, str]:
    if judged is None or judged.points is None:
        raise RuleInputError("酌情给分的指标尚未评定得分", code="rule.judgement_missing")
    if not 0 <= judged.points <= weight:
        raise RuleInputError(
            f"酌情评定的得分 {judged.points} 应在 0–{weight} 之间", code="rule.judgement_outside"
        )
    return judged.points, f"评价人酌情评定{quantize(judged.points)}分（{judged.reason}）"


def _adjusted(rule: Rule, raw: Decimal, judged: Judged, work: Work) -> Decimal:
    if judged.points is not None:
        raise RuleInputError(
            "只有“酌情给分”的指标可以直接评定得分；其他规则只能在规则允许的幅度内酌情调整",
            code="rule.judgement_not_allowed",
        )
    adjustment = judged.adjustment or Decimal(0)
    if not isinstance(rule.discretion, Decimal):
        raise RuleInputError("该评分规则不允许酌情调整", code="rule.discretion_not_allowed")
    if abs(adjustment) > rule.discretion:
        raise RuleInputError(
            f"酌情调整 {_signed(adjustment)} 分超出规则允许的 ±{rule.discretion} 分",
            code="rule.discretion_exceeded",
        )
    work.steps.append(f"酌情调整{_signed(adjustment)}分（{judged.reason}）：{raw} → {raw + adjustment}")
    return raw + adjustment


def max_points(rule: Rule, weight: Decimal) -> Decimal:
    """The most the rule can award before clamping (a checklist's items may not add up to the weight)."""
    if isinstance(rule, Checklist):
        return sum((i.points for i in rule.items), Decimal(0))
    if isinstance(rule, Bands):
        return max((b.points for b in rule.bands), default=Decimal(0))
    if isinstance(rule, Categorical):
        return max((weight if c.points is None else c.points for c in rule.categories), default=Decimal(0))
    return weight
