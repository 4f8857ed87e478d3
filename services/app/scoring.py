"""Read-only questions about scores, for every caller the policy lets read the evaluation:
score lineage (为什么是这个分) and what-if re-scoring. Nothing here records anything.

What-if over the history folds the evaluation version by version from the event log (one
replay, not one per version) and compares each version with the scenario applied to it.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.errors import DomainError, NotFound
from domain.evaluation import Evaluation
from domain.evaluation.lineage import Lineage, lineage_of
from domain.evaluation.whatif import Comparison, Scenario, compare
from domain.indicators import IndicatorSpec
from domain.rules import Rule
from domain.rules.rounding import Rounding
from domain.templates import IndicatorTemplate
from services.app.application import JixiaoApplication
from services.app.commands.spec import target_of
from services.app.policy import Caller

MAX_VERSIONS = 5000  # a history longer than this is compared in parts (from_version)


class WhatIf(Struct, forbid_unknown_fields=True):
    """Score the evaluation under: another rule version for every rule, a rounding policy for
    every rule, other rules for some indicators, another revision of its template; over its
    whole history (``history``) or at one version (default: the current)."""

    rule_version: Annotated[int, Meta(ge=1, le=2)] | None = None
    rounding_policy: Rounding | None = None
    rules: Annotated[dict[Annotated[str, Meta(max_length=64)], Rule], Meta(max_length=500)] = {}
    template_revision: Annotated[int, Meta(ge=1)] | None = None
    history: bool = False
    version: Annotated[int, Meta(ge=1)] | None = None
    from_version: Annotated[int, Meta(ge=1)] = 1


def _visible(app: JixiaoApplication, caller: Caller, action: str, evaluation_id: UUID) -> Evaluation:
    if caller.restricted and str(evaluation_id) not in caller.evaluations:
        raise NotFound("评价不存在", code="evaluation.not_found")
    e = app.load(Evaluation, evaluation_id)
    app.authorize(caller, action, target_of(e))
    return e


def lineage(
    app: JixiaoApplication, caller: Caller, evaluation_id: UUID, key: str, version: int | None = None
) -> Lineage:
    e = _visible(app, caller, "evaluation.lineage", evaluation_id)
    if version is not None:
        if not 1 <= version <= e.version:
            raise DomainError(f"版本 {version} 不存在（现有 1–{e.version}）", code="as_of.version_invalid")
        e = app.load(Evaluation, evaluation_id, version)
    return lineage_of(e, key)


def _scenario(app: JixiaoApplication, e: Evaluation, body: WhatIf) -> Scenario:
    specs: tuple[IndicatorSpec, ...] = ()
    if body.template_revision is not None:
        if e.template is None:
            raise DomainError("本评价没有采用模板，无法按模板版本重算", code="template.none")
        specs = app.load(IndicatorTemplate, e.template[0]).specs_at(body.template_revision)
    return Scenario(
        template_specs=specs,
        rule_version=body.rule_version,
        rounding_policy=body.rounding_policy,
        rules=dict(body.rules),
    )


def what_if(app: JixiaoApplication, caller: Caller, evaluation_id: UUID, body: WhatIf) -> list[Comparison]:
    """The evaluation now (or at ``version``) and under the scenario; with ``history``, every
    version from ``from_version`` on."""
    current = _visible(app, caller, "evaluation.what_if", evaluation_id)
    scenario = _scenario(app, current, body)
    if not body.history:
        e = (
            current
            if body.version in (None, current.version)
            else _at(app, evaluation_id, body.version, current)
        )
        return [compare(e, scenario)]
    first = body.from_version
    last = min(current.version, first + MAX_VERSIONS - 1)
    if first > current.version:
        raise DomainError(f"版本 {first} 不存在（现有 1–{current.version}）", code="as_of.version_invalid")
    out: list[Comparison] = []
    e = app.log.load(evaluation_id, version=first)
    for version in range(first, last + 1):
        if version > first:
            e = app.log.load(evaluation_id, version=version, start=e, use_snapshots=False)
        if e.nodes:
            out.append(compare(e, scenario))
    return out


def _at(app: JixiaoApplication, evaluation_id: UUID, version: int | None, current: Evaluation) -> Evaluation:
    if version is None or not 1 <= version <= current.version:
        raise DomainError(f"版本 {version} 不存在（现有 1–{current.version}）", code="as_of.version_invalid")
    return app.load(Evaluation, evaluation_id, version)
