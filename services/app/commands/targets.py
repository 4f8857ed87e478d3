"""Commands on a project's 绩效目标申报表: declare (optionally from a template), edit, submit,
review (the supervising bureau, then the finance side), request and decide adjustments.

Dates of decisions (the 批复, an adjustment's approval) are the day in China when the command
runs: read in the prepare step, so the decision itself stays pure.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from domain.indicators import IndicatorSpec
from domain.ledger import Project
from domain.reader import read
from domain.targets import Review, Stage, TargetDeclaration, TargetIndicator
from domain.targets.values import Nature
from domain.values import Comparator
from services.app.commands.cycle_inputs import (
    DecideAdjustment,
    DeclareTargets,
    RequestAdjustment,
    ReviewTargets,
    SetTargetIndicator,
)
from services.app.commands.evaluations import usable_template
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Caller, Relation, Target

CHINA = ZoneInfo("Asia/Shanghai")


def today(*_: object) -> datetime.date:
    return datetime.datetime.now(CHINA).date()


_NATURE = {
    Comparator.GE: Nature.GE,
    Comparator.GT: Nature.GE,
    Comparator.LE: Nature.LE,
    Comparator.LT: Nature.LE,
}


def indicator_of(spec: IndicatorSpec) -> TargetIndicator:
    """A template's indicator as a 申报表 row: its 指标值 and what the value says of its nature."""
    nature = None
    if spec.target:
        m = read(spec.target)
        nature = (
            _NATURE.get(m.comparator)
            if m.comparator
            else (Nature.QUALITATIVE if m.kind == "phrase" else None)
        )
    return TargetIndicator(
        key=spec.key,
        name=spec.name,
        weight=spec.weight,
        parent=spec.parent,
        value=spec.target or "",
        nature=nature,
        unit="" if nature is Nature.QUALITATIVE else spec.unit,
    )


@dataclass(frozen=True)
class Declaring:
    project: Project
    indicators: tuple[TargetIndicator, ...]


def _declaring(load: Loader, body: tuple[object, DeclareTargets]) -> Declaring:
    project_id, data = body
    project = load(Project, project_id)  # type: ignore[arg-type]
    rows: tuple[TargetIndicator, ...] = ()
    if data.template is not None:
        t = data.template
        adoption = usable_template(load, project.tenant, t.template_tenant, t.template_name, t.revision)
        rows = tuple(indicator_of(s) for s in adoption.specs)
    return Declaring(project, rows)


def _declare(
    caller: Caller, relation: Relation, body: tuple[object, DeclareTargets], d: Declaring
) -> TargetDeclaration:
    p = d.project
    declaration = TargetDeclaration.declare(p.tenant, p.id, p.year, p.name, body[1].details)
    for row in d.indicators:
        declaration.set_indicator(row, reason="采用模板")
    return declaration


DECLARE_TARGETS: Create[TargetDeclaration, tuple[object, DeclareTargets], Declaring] = Create(
    action=lambda body: "targets.declare",
    prepare=_declaring,
    target=lambda caller, body, d: Target(d.project.tenant),
    make=_declare,
)
RECORD_DETAILS: Change[TargetDeclaration, object, None, None] = Change(
    "targets.edit",
    TargetDeclaration,
    lambda t, details, _: t.record_details(details),  # type: ignore[arg-type]
)
SET_INDICATOR: Change[TargetDeclaration, SetTargetIndicator, None, None] = Change(
    "targets.edit", TargetDeclaration, lambda t, body, _: t.set_indicator(body.indicator, body.reason)
)
REMOVE_INDICATOR: Change[TargetDeclaration, str, None, None] = Change(
    "targets.edit", TargetDeclaration, lambda t, key, _: t.remove_indicator(key)
)
SUBMIT_TARGETS: Change[TargetDeclaration, None, None, None] = Change(
    "targets.submit", TargetDeclaration, lambda t, _, __: t.submit()
)


def _review(t: TargetDeclaration, body: ReviewTargets, on: datetime.date) -> None:
    review = Review(body.stage, body.grade, body.opinion.strip(), dict(body.findings), dict(body.comments))
    t.review(review, on)


REVIEW_SUPERVISOR: Change[TargetDeclaration, ReviewTargets, datetime.date, None] = Change(
    "targets.review_supervisor", TargetDeclaration, _review, today
)
REVIEW_FINANCE: Change[TargetDeclaration, ReviewTargets, datetime.date, None] = Change(
    "targets.review_finance", TargetDeclaration, _review, today
)
REVIEWS = {Stage.SUPERVISOR: REVIEW_SUPERVISOR, Stage.FINANCE: REVIEW_FINANCE}
REQUEST_ADJUSTMENT: Change[TargetDeclaration, RequestAdjustment, None, None] = Change(
    "targets.request_adjustment",
    TargetDeclaration,
    lambda t, b, _: t.request_adjustment(b.adjustment_id, tuple(b.indicators), b.reason),
)
DECIDE_ADJUSTMENT: Change[TargetDeclaration, tuple[str, DecideAdjustment], datetime.date, None] = Change(
    "targets.decide_adjustment",
    TargetDeclaration,
    lambda t, b, on: t.decide_adjustment(b[0], b[1].approve, b[1].reason, on),
    today,
)
