"""Rules in words (评分标准), for tables and explanations."""

from __future__ import annotations

from decimal import Decimal

from domain.rules.model import (
    Bands,
    Categorical,
    Checklist,
    Deadline,
    DropDeduction,
    Judgement,
    Manual,
    Proportional,
    RatioToTarget,
    Rule,
    ShortfallDeduction,
    StepRounding,
    Survey,
    ThreeTier,
)

_ROUNDING = {
    StepRounding.UP: "（不足一档按一档计）",
    StepRounding.DOWN: "（不足一档不扣）",
    StepRounding.EXACT: "（按比例）",
}


def _n(x: Decimal) -> str:
    return f"{x.normalize():f}"


def describe(rule: Rule) -> str:
    text = _describe(rule)
    if isinstance(rule.discretion, Decimal):
        text += f"；评价人可在±{_n(rule.discretion)}分内酌情调整（须说明原因）"
    return text


def _describe(rule: Rule) -> str:
    match rule:
        case Proportional():
            return "得分 = 完成率 × 分值" if rule.of_target else "得分 = 比率 × 分值"
        case Bands(bands=bands):
            parts = [f"≥{_n(b.min_pct)}%得{_n(b.points)}分" for b in sorted(bands, key=lambda b: -b.min_pct)]
            return "；".join([*parts, "以下不得分"])
        case ShortfallDeduction():
            target = f"达到{_n(rule.target)}得满分，" if rule.target is not None else "达到指标值得满分，"
            return f"{target}每少{_n(rule.per)}扣{_n(rule.points_per_step)}分{_ROUNDING[rule.rounding]}，扣完为止"
        case DropDeduction():
            text = (
                f"达到{_n(rule.full_at_pct)}%得满分，每下降{_n(rule.step_pct)}%扣{_n(rule.points_per_step)}分"
                f"{_ROUNDING[rule.rounding]}"
            )
            return text + (
                f"；低于{_n(rule.floor_pct)}%不得分" if rule.floor_pct is not None else "，扣完为止"
            )
        case Checklist(items=items):
            return "；".join(f"{i}. {it.label}得{_n(it.points)}分" for i, it in enumerate(items, 1))
        case Deadline(due=due):
            return (
                f"在{due.year}年{due.month}月{due.day}日前完成得满分，否则不得分"
                if due
                else "按期完成得满分，否则不得分"
            )
        case Categorical(categories=cats):
            return "，".join(
                f"{c.label}得{'满分' if c.points is None else _n(c.points) + '分'}" for c in cats
            )
        case RatioToTarget():
            return "完成值达到指标值记满分；未达到按 B/A（反向指标 A/B）× 分值"
        case ThreeTier(tiers=tiers):
            return "定性指标分三档：" + "、".join(f"分值的{_n(t.high_pct)}–{_n(t.low_pct)}%" for t in tiers)
        case Survey(then=then):
            return "满意度 = Σ(人数 × 权重) / 样本数；" + describe(then)
        case Manual():
            return "评价人评分，扣分须注明原因"
        case Judgement():
            return "酌情给分：评价人在0至分值之间评定，须说明原因"
    raise AssertionError(f"unknown rule {rule!r}")
