"""The platform's reactions to its own events: what one event makes another command run.

Today one reaction: **结果应用** — an evaluation finalized, or the rectification of a finalized
evaluation sent, closed, sent back or overdue, makes (or makes again) the evaluation's budget
recommendation. The reaction reads stored rows in order and runs the named command as the
platform's service (an operator caller); ``recommend`` records nothing when its inputs have not
changed, so reading a row twice is harmless (at-least-once, idempotent).
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.errors import DomainError, NotFound
from domain.rectification import Rectification, SourceKind
from domain.tenants import Role
from services.app.policy import PLATFORM, Caller
from services.eventlog.mapper import split_topic

if TYPE_CHECKING:
    from services.app.application import JixiaoApplication

log = logging.getLogger("jixiao.reactions")

FINALIZED = "domain.evaluation:Evaluation.StatusChanged"
RECTIFIED = tuple(f"domain.rectification:Rectification.{e}" for e in ("Sent", "Reviewed", "OverdueWarned"))


def service(correlation_id: str | None = None) -> Caller:
    """The platform acting on its own events (stamped ``results`` on what it records)."""
    return Caller(
        "results",
        PLATFORM,
        frozenset({Role.FINANCE}),
        correlation_id=correlation_id or str(uuid.uuid4()),
        via="service",
        operator=True,
    )


def evaluations_touched(app: JixiaoApplication, rows: Iterable[Any]) -> list[UUID]:
    """The evaluations whose recommendation the rows may change, in order, each once."""
    found: dict[UUID, None] = {}
    for _position, originator, _version, topic, state in rows:
        base = split_topic(topic)[0]
        if base == FINALIZED:
            if json.loads(state).get("status") == "finalized":
                found[originator] = None
        elif base in RECTIFIED:
            r = app.load(Rectification, originator)
            if r.source_kind is SourceKind.EVALUATION:
                found[r.source_id] = None
    return list(found)


def react(app: JixiaoApplication, rows: Iterable[Any]) -> int:
    """Run the reactions the rows call for; how many recommendations were recorded."""
    recorded = 0
    for evaluation in evaluations_touched(app, rows):
        try:
            recorded += app.recommend(service(), evaluation) is not None
        except (NotFound, DomainError) as e:  # reopened since, or gone: nothing to recommend now
            log.info("评价 %s 暂不提出预算建议：%s", evaluation, e)
    return recorded
