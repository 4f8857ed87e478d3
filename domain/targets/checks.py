"""Checks on the rows of a 申报表 (refused: what cannot be right) — three levels, known parents,
weights of 0–100 with two decimals, a 指标值 on every leaf is the reviewers' business (flagged)."""

from __future__ import annotations

from decimal import Decimal

from domain.errors import DomainError, Flag
from domain.targets.values import Nature, TargetIndicator

MAX_LEVEL = 3


def need_text(text: str, message: str) -> None:
    if not text.strip():
        raise DomainError(message, code="reason.missing")


def _level(key: str, rows: dict[str, TargetIndicator]) -> int:
    level, seen = 1, {key}
    node = rows[key]
    while node.parent is not None and node.parent in rows and node.parent not in seen:
        seen.add(node.parent)
        level += 1
        node = rows[node.parent]
    return level


def check_indicator(ind: TargetIndicator, rows: dict[str, TargetIndicator]) -> None:
    row = f"指标「{ind.name or ind.key}」"
    if not ind.key.strip() or not ind.name.strip():
        raise DomainError("指标编号和名称不能为空", code="indicator.name_empty", row=row)
    if not Decimal(0) <= ind.weight <= Decimal(100) or ind.weight != ind.weight.quantize(Decimal("0.01")):
        raise DomainError(
            f"权重 {ind.weight} 应在 0–100 之间、最多两位小数", code="indicator.weight_invalid", row=row
        )
    if ind.parent is not None:
        if ind.parent == ind.key:
            raise DomainError("指标不能以自身为上级", code="indicator.parent_cycle", row=row)
        if ind.parent not in rows:
            raise DomainError(f"上级指标「{ind.parent}」不存在", code="indicator.parent_unknown", row=row)
        if _level(ind.parent, rows) >= MAX_LEVEL:
            raise DomainError("指标体系最多三级", code="indicator.too_deep", row=row)
    if ind.nature is Nature.QUALITATIVE and ind.unit:
        raise DomainError("定性指标不填度量单位", code="indicator.unit_on_qualitative", row=row)


def declaration_flags(rows: dict[str, TargetIndicator]) -> list[Flag]:
    """Suspicious but possible: kept and shown to the unit and its reviewers."""
    flags: list[Flag] = []
    parents = {r.parent for r in rows.values()}
    roots = [r for r in rows.values() if r.parent is None]
    total = sum((r.weight for r in roots), Decimal(0))
    if roots and any(r.weight for r in roots) and total != 100:
        flags.append(Flag("weights.total_not_100", f"一级指标权重合计 {total}，不等于100"))
    for r in rows.values():
        if r.key not in parents and not r.value.strip():
            flags.append(Flag("targets.value_missing", f"末级指标「{r.name}」没有指标值", r.key))
    return flags
