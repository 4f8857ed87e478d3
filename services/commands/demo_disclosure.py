"""The demo's 信息公开 (loaded by ``jixiao up`` after the rest of the demo): Mingguang finalizes
one self-evaluation and publishes its result, and publishes its approved (and adjusted) targets —
what its public page ``/public/341182`` then shows. Loading it again changes nothing."""

from __future__ import annotations

import uuid

from domain.disclosure import Kind
from domain.errors import DomainError
from domain.evaluation import EvaluationKind
from domain.evaluation.values import Status
from domain.ids import declaration_id, evaluation_id, project_id
from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.app.commands.disclosure import Publish
from services.app.policy import Caller

BUREAU = "341182"
RESULT = (2021, "2021-SYJS")  # 三医建设业务经费: its self-evaluation, finalized and published
TARGETS = (2021, "2021-XZYX")  # 行政运行经费: the targets approved and adjusted by the cycle's demo


def _as(role: Role) -> Caller:
    return Caller(f"{role.value}.{BUREAU}", BUREAU, frozenset({role}), correlation_id=str(uuid.uuid4()))


def seed_disclosure(app: JixiaoApplication) -> int:
    """Publish what the demo publishes; returns how many items were published now."""
    reviewer = _as(Role.REVIEWER)
    published = 0
    year, code = RESULT
    pid = project_id(BUREAU, year, code)
    ev = evaluation_id(BUREAU, pid, EvaluationKind.SELF.value, BUREAU)
    sources = [
        (Kind.EVALUATION_RESULT, ev),
        (Kind.TARGETS, declaration_id(BUREAU, project_id(BUREAU, *TARGETS))),
    ]
    try:
        evaluation = app.evaluation(ev)
        if evaluation.status in (Status.DRAFT, Status.RETURNED):
            app.submit(_as(Role.PREPARER), ev)
        if app.evaluation(ev).status is Status.SUBMITTED:
            app.finalize(reviewer, ev)
    except DomainError:
        sources = sources[1:]  # no finalized result in this demo: its targets only
    for kind, source in sources:
        try:
            app.publish(reviewer, Publish(kind, source))
            published += 1
        except DomainError:  # already published (a second start), or the source is not there
            pass
    return published
