"""Commands of 结果应用: a finance side adopts and revises its policy; a finalized evaluation gets
its recommendation for the next cycle's budget (made again when its grade or its rectification
changes); the finance system records its decision back.

``recommend`` is run by the platform's reaction to events (``services/app/reactions.py``): when an
evaluation is finalized, and when the rectification of a finalized evaluation is sent, closed, sent
back or falls overdue.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.errors import InvalidState, NotFound
from domain.evaluation import Evaluation
from domain.evaluation.values import Status
from domain.ids import policy_id, rectification_id, tenant_id
from domain.ledger import Project
from domain.rectification import Rectification
from domain.rectification import Status as RStatus
from domain.results import (
    DEFAULT_RULES,
    Decision,
    Inputs,
    Outcome,
    Recommendation,
    ResultPolicy,
    Rules,
    recommend,
)
from domain.tenants import Tenant
from services.app.commands.inputs import Reason, Text
from services.app.commands.spec import Change, Create, Loader, lineage
from services.app.commands.targets import today
from services.app.policy import Caller, Relation, Target


class AdoptPolicy(Struct, forbid_unknown_fields=True):
    """A bureau's 结果应用 policy: an advice for each of 优、良、中、差."""

    rules: Rules
    reason: Text = ""


class RevisePolicy(Struct, forbid_unknown_fields=True):
    rules: Rules
    reason: Reason


class DecideRecommendation(Struct, forbid_unknown_fields=True):
    """The finance system's decision: accepted as recommended, or changed (the applied advice)."""

    decision: Decision
    outcome: Outcome | None = None
    reason: Annotated[str, Meta(max_length=2000)] = ""


def _policy_owner(load: Loader, body: tuple[str, AdoptPolicy]) -> None:
    load(Tenant, tenant_id(body[0]))


ADOPT_POLICY: Create[ResultPolicy, tuple[str, AdoptPolicy], None] = Create(
    action=lambda body: "results.adopt_policy",
    prepare=_policy_owner,
    target=lambda caller, body, _: Target(body[0]),
    make=lambda caller, relation, body, _: ResultPolicy.adopt(body[0], body[1].rules, body[1].reason),
)
REVISE_POLICY: Change[ResultPolicy, RevisePolicy, None, None] = Change(
    "results.revise_policy", ResultPolicy, lambda p, body, _: p.revise(body.rules, body.reason)
)


@dataclass(frozen=True)
class Basis:
    """What a recommendation is computed from, read before deciding."""

    evaluation: Evaluation
    project: Project
    rules: Rules
    inputs: Inputs
    why: str


def _rectification_state(load: Loader, evaluation: UUID) -> str:
    try:
        r = load(Rectification, rectification_id(evaluation))
    except NotFound:
        return ""
    if r.status is RStatus.CLOSED:
        return "closed"
    return "overdue" if r.open_warning() is not None else "open"


def _policy(load: Loader, tenant: str) -> tuple[str, int, Rules]:
    """The nearest policy on the bureau's line (its own, then its ancestors'), else the default."""
    for owner in lineage(load, tenant):
        try:
            p = load(ResultPolicy, policy_id(owner))
        except NotFound:
            continue
        return owner, p.revision, p.rules
    return "", 0, DEFAULT_RULES


_WHY = {"": "评价定稿", "open": "整改要求已下达", "overdue": "整改逾期未完成", "closed": "整改已验收"}


def basis(load: Loader, evaluation_id: UUID) -> Basis:
    e = load(Evaluation, evaluation_id)
    if e.status is not Status.FINALIZED:
        raise InvalidState("评价尚未定稿，不能提出预算建议", code="results.not_final")
    project = load(Project, e.project_id)
    state = _rectification_state(load, evaluation_id)
    owner, version, rules = _policy(load, e.tenant)
    total = e.total()
    inputs = Inputs(e.grade_scheme.grade(total), total, owner, version, state)
    return Basis(e, project, rules, inputs, _WHY[state])


def _make(caller: Caller, relation: Relation, body: UUID, b: Basis) -> Recommendation:
    outcome = recommend(b.rules, b.inputs.grade, b.inputs.rectification)
    p = b.project
    return Recommendation.make(p.tenant, b.evaluation.id, (p.id, p.name, p.year), b.inputs, outcome, b.why)


MAKE: Create[Recommendation, UUID, Basis] = Create(
    action=lambda body: "results.recommend",
    prepare=basis,
    target=lambda caller, body, b: Target(b.project.tenant),
    make=_make,
)


def _remake(r: Recommendation, body: UUID, b: Basis) -> bool:
    reason = b.why if b.inputs.rectification != r.inputs.rectification else "评价结果或结果应用政策变化"
    return r.remake(b.inputs, recommend(b.rules, b.inputs.grade, b.inputs.rectification), reason)


REMAKE: Change[Recommendation, UUID, Basis, bool] = Change(
    "results.recommend", Recommendation, _remake, lambda load, r, body: basis(load, body)
)


def _today(*_: object) -> datetime.date:
    return today()


DECIDE: Change[Recommendation, DecideRecommendation, datetime.date, None] = Change(
    "results.decide",
    Recommendation,
    lambda r, body, on: r.decide(body.decision, body.outcome, body.reason, on),
    _today,
)
