"""Time travel: an evaluation or a ledger as it stood at an instant or a version.

Computed from the events (folded with the same domain code the projections use, and presented
by the same row functions), so it equals what the projection showed at that moment.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from domain.errors import DomainError, NotFound
from domain.evaluation import Evaluation
from domain.ledger import Project
from projections.ledgers.rows import Ledger, ledger_of
from projections.scorecards.rows import Scorecard, scorecard_of
from services.eventlog.port import EventLog, NotInLog


def _check(at: datetime.datetime | None, version: int | None) -> None:
    if at is not None and version is not None:
        raise DomainError("as_of 只能指定时间或版本之一", code="as_of.ambiguous")
    if at is not None and at.tzinfo is None:
        raise DomainError("as_of 时间必须带时区（如 2022-12-31T16:00:00+08:00）", code="as_of.naive")
    if version is not None and version < 1:
        raise DomainError("版本号从 1 开始", code="as_of.version_invalid")


def _fold(log: EventLog, aggregate_id: UUID, at: datetime.datetime | None, version: int | None) -> Any:
    try:
        return log.load(aggregate_id, version=version, until=at)
    except NotInLog:
        return None


def evaluation_as_of(
    log: EventLog,
    evaluation_id: UUID,
    *,
    at: datetime.datetime | None = None,
    version: int | None = None,
) -> Scorecard:
    _check(at, version)
    e = _fold(log, evaluation_id, at, version)
    if not isinstance(e, Evaluation):
        raise NotFound("该时间点评价尚不存在", code="evaluation.not_found")
    return scorecard_of(e)


def ledger_as_of(
    log: EventLog,
    project_id: UUID,
    *,
    at: datetime.datetime | None = None,
    version: int | None = None,
) -> Ledger:
    _check(at, version)
    p = _fold(log, project_id, at, version)
    if not isinstance(p, Project):
        raise NotFound("该时间点项目尚不存在", code="project.not_found")
    return ledger_of(p)
