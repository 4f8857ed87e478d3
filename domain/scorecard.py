"""What an evaluation adds up to: indicator scores, total, grade and flags (评分表).

Pure functions over the evaluation's state, shared by the aggregate, the file scorer and
(later) the scorecard projection, so every place computes a total the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Protocol

import msgspec

from domain.errors import Flag
from domain.grades import GradeScheme
from domain.indicators import FULL_MARKS, IndicatorSpec, children_of, weight_flags
from domain.reader import read
from domain.rules import Checklist, Judged, Outcome, RuleInput, max_points, quantize

ZERO = Decimal(0)


class IndicatorState(msgspec.Struct, frozen=True):
    """One indicator's state inside the aggregate: immutable, replaced by event ``apply``.

    Immutable parts make the repository's per-command copy of a cached aggregate cheap.
    """

    spec: IndicatorSpec
    actual: str | None = None
    given: RuleInput | None = None
    outcome: Outcome | None = None
    scored_given: RuleInput | None = None
    stated_score: Decimal | None = None
    deviation: str = ""
    judged: Judged | None = None  # the evaluator's discretionary decision (酌情), with its reason


class _DeductionLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def points(self) -> Decimal: ...
    @property
    def active(self) -> bool: ...


class Scorecard:
    """Mixin computing scores from ``nodes`` and ``deductions``."""

    nodes: dict[str, IndicatorState]
    deductions: Mapping[str, _DeductionLike]
    grade_scheme: GradeScheme
    stated_total: Decimal | None
    stated_grade: str | None

    def leaves(self) -> list[IndicatorState]:
        parents = {n.spec.parent for n in self.nodes.values()}
        return [n for k, n in self.nodes.items() if k not in parents]

    def deducted(self, key: str) -> Decimal:
        return sum((d.points for d in self.deductions.values() if d.active and d.key == key), ZERO)

    def deducted_by_key(self) -> dict[str, Decimal]:
        """Active deduction points per indicator, in one pass over the deductions."""
        taken: dict[str, Decimal] = {}
        for d in self.deductions.values():
            if d.active:
                taken[d.key] = taken.get(d.key, ZERO) + d.points
        return taken

    def score_of(self, node: IndicatorState) -> Decimal | None:
        """Rule score minus active deductions, clamped to [0, weight]; None while unscored."""
        return _clamped(node, self.deducted(node.spec.key))

    def scores(self, taken: Mapping[str, Decimal] | None = None) -> dict[str, Decimal | None]:
        """Every indicator's ``score_of`` at once (a scorecard needs them all: one pass, not n)."""
        taken = self.deducted_by_key() if taken is None else taken
        return {k: _clamped(n, taken.get(k, ZERO)) for k, n in self.nodes.items()}

    def subtotal(self, key: str) -> Decimal:
        """A branch's score: its applicable leaves' scores (a not-applicable one counts nothing,
        as in the total)."""
        kids = children_of(self.specs_view()).get(key, [])
        if not kids:
            node = self.nodes[key]
            return ZERO if node.spec.not_applicable else self.score_of(node) or ZERO
        return sum((self.subtotal(k.key) for k in kids), ZERO)

    def specs_view(self) -> dict[str, IndicatorSpec]:
        return {k: n.spec for k, n in self.nodes.items()}

    def total(self, scores: Mapping[str, Decimal | None] | None = None) -> Decimal:
        """Σ indicator scores; weight of not-applicable indicators is redistributed pro rata."""
        scores = self.scores() if scores is None else scores
        leaves = self.leaves()
        raw = sum((scores[n.spec.key] or ZERO for n in leaves if not n.spec.not_applicable), ZERO)
        na_weight = sum((n.spec.weight for n in leaves if n.spec.not_applicable), ZERO)
        if na_weight == 0:
            return quantize(raw)
        all_weight = sum((n.spec.weight for n in leaves), ZERO)
        remaining = all_weight - na_weight
        return quantize(raw * all_weight / remaining) if remaining > 0 else Decimal("0.00")

    def grade(self) -> str:
        return self.grade_scheme.grade(self.total())

    def summary(self) -> tuple[Decimal, str, list[Flag]]:
        """Total, grade and flags from one pass over the deductions and one set of scores (what a
        command's answer carries; asking total(), grade() and flags() apart scores three times)."""
        taken = self.deducted_by_key()
        scores = self.scores(taken)
        total = self.total(scores)
        return total, self.grade_scheme.grade(total), self.flags(scores, taken)

    def flags(
        self,
        scores: Mapping[str, Decimal | None] | None = None,
        taken: Mapping[str, Decimal] | None = None,
    ) -> list[Flag]:
        specs = self.specs_view()
        flags = weight_flags(specs)
        taken = self.deducted_by_key() if taken is None else taken
        scores = self.scores(taken) if scores is None else scores
        year = self.__dict__.get("year")
        for n in self.leaves():
            spec = n.spec
            score = scores[spec.key]
            if spec.not_applicable:
                continue
            for text, what in ((spec.target, "年度指标值"), (n.actual, "实际完成值")):
                if text and read(text, year=year, indicator=spec.name).unreadable:
                    flags.append(
                        Flag(
                            "value.unreadable",
                            f"「{spec.name}」的{what}「{text}」无法识别（平台不猜测），请核对",
                            spec.key,
                        )
                    )
            if score is None and spec.rule is not None:
                flags.append(Flag("actual.missing", f"「{spec.name}」尚未录入实际完成值或未评分", spec.key))
            if n.stated_score is not None and score is not None and n.stated_score != score:
                flags.append(
                    Flag(
                        "score.stated_mismatch",
                        f"「{spec.name}」表中得分 {n.stated_score}，计算得分 {score}",
                        spec.key,
                    )
                )
            if isinstance(spec.rule, Checklist) and max_points(spec.rule, spec.weight) != spec.weight:
                flags.append(
                    Flag(
                        "rule.points_mismatch",
                        f"「{spec.name}」评分要点合计 {max_points(spec.rule, spec.weight)}，分值 {spec.weight}",
                        spec.key,
                    )
                )
            flags.extend(_discretion_flags(n))
            if n.outcome is not None and taken.get(spec.key, ZERO) > n.outcome.score:
                flags.append(
                    Flag("deduction.exceeds_score", f"「{spec.name}」扣分超过规则得分，按0分计", spec.key)
                )
        total = self.total(scores)
        if self.stated_total is not None and self.stated_total != total:
            flags.append(Flag("total.stated_mismatch", f"表中总分 {self.stated_total}，计算总分 {total}"))
        if self.stated_grade is not None and self.stated_grade != self.grade_scheme.grade(total):
            flags.append(
                Flag(
                    "grade.stated_mismatch",
                    f"表中等级「{self.stated_grade}」，按计算总分应为「{self.grade_scheme.grade(total)}」",
                )
            )
        return flags


def _discretion_flags(n: IndicatorState) -> list[Flag]:
    """Discretion is allowed, and always shown to the reviewer."""
    out: list[Flag] = []
    name, j = n.spec.name, n.judged
    if j is not None and j.points is not None:
        out.append(
            Flag("score.discretionary", f"「{name}」酌情评定 {j.points} 分（{j.reason}），请审核", n.spec.key)
        )
    elif j is not None:
        out.append(
            Flag(
                "score.discretionary",
                f"「{name}」酌情调整 {j.adjustment} 分（{j.reason}），请审核",
                n.spec.key,
            )
        )
    given = n.scored_given or n.given
    if given is not None and given.partial:
        items = "、".join(f"要点{c.item}得{c.points}分" for c in given.partial)
        out.append(Flag("score.partial_credit", f"「{name}」部分满足：{items}，请审核", n.spec.key))
    return out


def _clamped(node: IndicatorState, deducted: Decimal) -> Decimal | None:
    if node.outcome is None:
        return None
    return quantize(min(max(node.outcome.score - deducted, ZERO), node.spec.weight))


__all__ = ["FULL_MARKS", "IndicatorState", "Scorecard"]
