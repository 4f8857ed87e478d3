"""The three-level indicator tree (指标体系: 一级 / 二级 / 三级) and its weight checks.

A node's children must sum to its weight and the level-1 nodes to 100; otherwise the
evaluation is *flagged*, not refused — real forms get this wrong and what was entered is kept.
"""

from __future__ import annotations

import enum
from decimal import Decimal

import msgspec

from domain.errors import DomainError, Flag
from domain.rules import Overachievement, Rule, check_rounding, versioned

FULL_MARKS = Decimal(100)
MAX_LEVEL = 3


class LedgerSource(enum.StrEnum):
    """Indicators whose input is computed from the project's ledger."""

    FUNDS_RECEIVED_RATE = "funds_received_rate"  # 资金到位率 = 到位 / 预算
    EXECUTION_RATE = "execution_rate"  # 预算执行率 = 支出 / 到位
    BUDGET_EXECUTION_RATE = "budget_execution_rate"  # 执行率 = 全年执行数 / 全年预算数 (B/A)


class IndicatorSpec(msgspec.Struct, frozen=True, omit_defaults=True):
    """One node of the tree as declared: name, weight, and for leaves the scoring rule and target."""

    key: str
    name: str
    weight: Decimal
    parent: str | None = None
    rule: Rule | None = None
    standard: str = ""  # 评分标准 as the report writes it
    target: str | None = None  # 年度指标值 as written
    reverse: bool = False  # 反向指标: lower is better
    ledger_source: LedgerSource | None = None
    not_applicable: bool = False
    overachievement: Overachievement | None = None
    unit: str = ""  # 计量单位 column of the table: the unit of a target or actual written bare


def normalized(spec: IndicatorSpec) -> IndicatorSpec:
    """The spec with its rule at the version its fields need (a rounding policy or a discretion:
    version 2), so the stored definition says which semantics score it."""
    if spec.rule is None:
        return spec
    rule = versioned(spec.rule)
    return spec if rule is spec.rule else msgspec.structs.replace(spec, rule=rule)


def _check_rule(spec: IndicatorSpec, row: str) -> None:
    rule = spec.rule
    if rule is None:
        return
    policy = rule.rounding_policy
    if isinstance(policy, msgspec.Struct):
        problem = check_rounding(policy)
        if problem is not None:
            raise DomainError(problem, code="rule.rounding_invalid", row=row)
    discretion = rule.discretion
    if isinstance(discretion, Decimal) and not 0 < discretion <= spec.weight:
        raise DomainError(
            f"酌情调整幅度 {discretion} 应大于 0 且不超过分值 {spec.weight}",
            code="rule.discretion_invalid",
            row=row,
        )


def level_of(key: str, specs: dict[str, IndicatorSpec]) -> int:
    level, node = 1, specs[key]
    while node.parent is not None:
        level += 1
        node = specs[node.parent]
    return level


def check_spec(spec: IndicatorSpec, specs: dict[str, IndicatorSpec]) -> None:
    """Refuse what cannot be right about a node (unknown parent, a fourth level, a negative weight)."""
    row = f"指标「{spec.name}」"
    if not spec.key.strip() or not spec.name.strip():
        raise DomainError("指标编号和名称不能为空", code="indicator.name_empty", row=row)
    if spec.weight < 0 or spec.weight > FULL_MARKS:
        raise DomainError(f"分值 {spec.weight} 必须在 0–100 之间", code="indicator.weight_invalid", row=row)
    if spec.weight != spec.weight.quantize(Decimal("0.01")):
        raise DomainError(f"分值 {spec.weight} 最多两位小数", code="indicator.weight_precision", row=row)
    _check_rule(spec, row)
    if spec.parent is not None:
        if spec.parent not in specs:
            raise DomainError(f"上级指标「{spec.parent}」不存在", code="indicator.parent_unknown", row=row)
        if spec.parent == spec.key:
            raise DomainError("指标不能以自身为上级", code="indicator.parent_cycle", row=row)
        if level_of(spec.parent, specs) >= MAX_LEVEL:
            raise DomainError("指标体系最多三级", code="indicator.too_deep", row=row)
        if specs[spec.parent].rule is not None:
            raise DomainError(
                f"上级指标「{specs[spec.parent].name}」已有评分规则，不能再有下级",
                code="indicator.parent_is_leaf",
                row=row,
            )
    existing = specs.get(spec.key)
    if existing is not None and any(s.parent == spec.key for s in specs.values()) and spec.rule is not None:
        raise DomainError("有下级的指标不能设置评分规则", code="indicator.rule_on_branch", row=row)


def children_of(specs: dict[str, IndicatorSpec]) -> dict[str | None, list[IndicatorSpec]]:
    kids: dict[str | None, list[IndicatorSpec]] = {}
    for s in specs.values():
        kids.setdefault(s.parent, []).append(s)
    return kids


def weight_flags(specs: dict[str, IndicatorSpec]) -> list[Flag]:
    flags: list[Flag] = []
    kids = children_of(specs)
    roots = kids.get(None, [])
    root_sum = sum((s.weight for s in roots), Decimal(0))
    if roots and root_sum != FULL_MARKS:
        flags.append(Flag("weights.total_not_100", f"一级指标分值合计 {root_sum}，不等于100"))
    for key, spec in specs.items():
        children = kids.get(key)
        if children:
            s = sum((c.weight for c in children), Decimal(0))
            if s != spec.weight:
                flags.append(
                    Flag("weights.children_mismatch", f"「{spec.name}」分值 {spec.weight}，下级合计 {s}", key)
                )
        elif spec.rule is None:
            flags.append(Flag("indicator.rule_missing", f"末级指标「{spec.name}」没有评分规则", key))
    return flags
