"""What-if re-scoring: an evaluation scored under other rules — another rule version, another
rounding policy, another template revision, a rule swapped for one indicator — without changing
anything stored. For auditors and finance bureaus comparing methods.

The alternative is computed with the aggregate's own scoring (``Evaluation.score_with``: ledger
rates, discretion and deviation penalties included) on the inputs recorded, and added up by the
same ``Scorecard`` code; deductions and not-applicable weights stay as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import msgspec

from domain.errors import DomainError
from domain.evaluation.aggregate import Evaluation
from domain.grades import GradeScheme
from domain.indicators import IndicatorSpec, normalized
from domain.rules import Rule, RuleInput
from domain.rules.rounding import Rounding
from domain.scorecard import IndicatorState, Scorecard


class Scenario(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What to score under instead. Applied in this order: a template revision's indicators,
    then a rule version for every rule, then a rounding policy for every rule, then ``rules``."""

    template_specs: tuple[IndicatorSpec, ...] = ()
    rule_version: int | None = None
    rounding_policy: Rounding | None = None
    rules: dict[str, Rule] = {}


class MovedRow(msgspec.Struct, frozen=True):
    key: str
    name: str
    score: Decimal | None
    alternative: Decimal | None


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    version: int
    at: str
    total: Decimal
    grade: str
    alternative_total: Decimal
    alternative_grade: str
    moved: list[MovedRow]  # only the rows whose score differs


class _Alternative(Scorecard):
    def __init__(self, e: Evaluation, nodes: dict[str, IndicatorState]) -> None:
        self.nodes = nodes
        self.deductions = e.deductions
        self.grade_scheme: GradeScheme = e.grade_scheme
        self.stated_total = e.stated_total
        self.stated_grade = e.stated_grade
        self.year = e.year


def _with_version(rule: Rule, version: int) -> Rule:
    if version == 1:  # version 1 knows neither a rounding policy nor discretion
        return msgspec.structs.replace(
            rule, version=1, rounding_policy=msgspec.UNSET, discretion=msgspec.UNSET
        )
    return msgspec.structs.replace(rule, version=version)


def alternative_spec(spec: IndicatorSpec, scenario: Scenario) -> IndicatorSpec:
    rule = spec.rule
    if rule is None:
        return spec
    if scenario.rule_version is not None:
        rule = _with_version(rule, scenario.rule_version)
    if scenario.rounding_policy is not None:
        rule = msgspec.structs.replace(rule, rounding_policy=scenario.rounding_policy)
    rule = scenario.rules.get(spec.key, rule)
    return normalized(msgspec.structs.replace(spec, rule=rule))


def _rescored(e: Evaluation, node: IndicatorState, spec: IndicatorSpec) -> IndicatorState:
    moved = msgspec.structs.replace(node, spec=spec)
    if spec.rule is None:
        return moved
    given = node.given or RuleInput(reverse=spec.reverse)
    try:
        _, outcome = e.score_with(moved, given)
    except DomainError:
        return msgspec.structs.replace(moved, outcome=None)  # the alternative cannot score it
    return msgspec.structs.replace(moved, outcome=outcome)


def compare(e: Evaluation, scenario: Scenario) -> Comparison:
    """The evaluation as it stands and under ``scenario``, row by row."""
    unknown = sorted(set(scenario.rules) - set(e.nodes))
    if unknown:
        raise DomainError(f"指标 {'、'.join(unknown)} 不在本评价中", code="whatif.indicator_unknown")
    replaced: Mapping[str, IndicatorSpec] = {s.key: s for s in scenario.template_specs}
    nodes: dict[str, IndicatorState] = {}
    for key, node in e.nodes.items():
        spec = alternative_spec(replaced.get(key, node.spec), scenario)
        nodes[key] = node if spec == node.spec else _rescored(e, node, spec)
    alt = _Alternative(e, nodes)
    taken = e.deducted_by_key()
    now, then = e.scores(taken), alt.scores(taken)
    total, alt_total = e.total(now), alt.total(then)
    moved = [
        MovedRow(key, nodes[key].spec.name, now[key], then[key])
        for key in e.nodes
        if now[key] != then[key] and nodes[key].spec.rule is not None
    ]
    return Comparison(
        version=e.version,
        at=_at(e),
        total=total,
        grade=e.grade_scheme.grade(total),
        alternative_total=alt_total,
        alternative_grade=e.grade_scheme.grade(alt_total),
        moved=moved,
    )


def _at(e: Evaluation) -> str:
    stamp: Any = getattr(e, "modified_on", None)
    return stamp.isoformat() if stamp is not None else ""
