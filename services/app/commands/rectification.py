"""Commands of 整改: opened on a finalized evaluation or a project's 监控表 by the bureau that
evaluated or monitored it, findings recorded and sent as a demand with a deadline, answered by
the evaluated bureau, accepted or sent back by the demander; a check warns of what is overdue.
Dates are the server's (China's calendar day); a demand may be dated back to the day its letter
went out, never forward.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from uuid import UUID

from domain.errors import DomainError, InvalidState
from domain.evaluation import Evaluation
from domain.evaluation.values import EvaluationKind, Status
from domain.ids import declaration_id
from domain.ledger import Project
from domain.monitoring import MonitoringReport, MonitoringRound
from domain.rectification import Rectification, SourceKind
from domain.targets import TargetDeclaration
from services.app.commands.cycle_inputs import (
    FileMeasures,
    OpenRectification,
    RecordFinding,
    ReviewRectification,
    SendDemand,
    WithdrawFinding,
)
from services.app.commands.spec import Change, Create, Loader
from services.app.commands.targets import CHINA, today
from services.app.policy import Caller, Relation, Target

_KIND = {
    EvaluationKind.SELF: "单位自评",
    EvaluationKind.DEPARTMENT: "部门评价",
    EvaluationKind.FINANCE: "财政评价",
}


@dataclass(frozen=True)
class Source:
    """What opening a rectification needs of its source."""

    project: Project
    kind: SourceKind
    source_id: UUID
    label: str
    demander: str
    closed_on: datetime.date


def _evaluation(load: Loader, source_id: UUID) -> Source:
    e = load(Evaluation, source_id)
    if e.status is not Status.FINALIZED:
        raise InvalidState("只有已定稿的评价可以提出整改", code="rectification.source_open")
    demander = e.evaluator.tenant or e.tenant
    closed = e.modified_on.astimezone(CHINA).date()
    label = f"{e.year}年度{_KIND[e.kind]}（{e.evaluator.name}）"
    return Source(load(Project, e.project_id), SourceKind.EVALUATION, e.id, label, demander, closed)


def _monitoring(load: Loader, source_id: UUID) -> Source:
    report = load(MonitoringReport, source_id)
    round_ = load(MonitoringRound, report.round_id)
    label = f"{round_.year}年{round_.name}绩效运行监控"
    on = min(_today(), max(round_.deadline, round_.period_end))
    return Source(
        load(Project, report.project_id), SourceKind.MONITORING, report.id, label, round_.tenant, on
    )


def _source(load: Loader, body: OpenRectification) -> Source:
    read = _evaluation if body.source_kind is SourceKind.EVALUATION else _monitoring
    return read(load, body.source_id)


def _open(caller: Caller, relation: Relation, body: OpenRectification, s: Source) -> Rectification:
    p = s.project
    return Rectification.open(
        p.tenant,
        p.id,
        p.name,
        p.year,
        (s.kind, s.source_id, s.label),
        s.demander,
        s.closed_on,
        body.send_days,
    )


OPEN: Create[Rectification, OpenRectification, Source] = Create(
    action=lambda body: "rectification.open",
    prepare=_source,
    target=lambda caller, body, s: Target(s.project.tenant, None, s.demander),
    make=_open,
)


def _known(load: Loader, r: Rectification, body: object) -> tuple[set[str], set[str]]:
    """The indicator keys of the source and the ledger's entry ids a finding may point at."""
    if r.source_kind is SourceKind.EVALUATION:
        keys = set(load(Evaluation, r.source_id).nodes)
    else:
        report = load(MonitoringReport, r.source_id)
        keys = set(report.lines)
        declaration = load(TargetDeclaration, declaration_id(r.tenant, r.project_id))
        approved = declaration.targets(report.targets_version) if report.targets_version else None
        keys |= {i.key for i in approved.indicators} if approved is not None else set()
    entries = {e.entry_id for e in load(Project, r.project_id).entries}
    return keys, entries


def _record(r: Rectification, body: RecordFinding, known: tuple[set[str], set[str]]) -> str:
    return r.record_finding(body.text, tuple(body.indicators), tuple(body.entries), body.suggestion, known)


RECORD_FINDING: Change[Rectification, RecordFinding, tuple[set[str], set[str]], str] = Change(
    "rectification.record_finding", Rectification, _record, _known
)
WITHDRAW_FINDING: Change[Rectification, tuple[str, WithdrawFinding], None, None] = Change(
    "rectification.withdraw_finding",
    Rectification,
    lambda r, body, _: r.withdraw_finding(body[0], body[1].reason),
)


def _today(*_: object) -> datetime.date:
    """The server's calendar day in China (looked up at each call: tests move the clock)."""
    return today()


def _dated(r: Rectification, on: datetime.date | None, now: datetime.date) -> datetime.date:
    day = on or now
    if day > now:
        raise DomainError(f"下达日期 {day} 晚于今天", code="rectification.date_future")
    if day < r.source_closed_on:
        raise DomainError(
            f"下达日期 {day} 早于评价定稿或监控日期 {r.source_closed_on}", code="rectification.date_early"
        )
    return day


SEND: Change[Rectification, SendDemand, datetime.date, None] = Change(
    "rectification.send",
    Rectification,
    lambda r, body, now: r.send(body.requirement, _dated(r, body.sent_on, now), body.answer_days),
    _today,
)
FILE_MEASURES: Change[Rectification, FileMeasures, datetime.date, None] = Change(
    "rectification.answer",
    Rectification,
    lambda r, body, now: r.file_measures(body.measures, body.summary, now),
    _today,
)
REVIEW: Change[Rectification, ReviewRectification, datetime.date, None] = Change(
    "rectification.review",
    Rectification,
    lambda r, body, now: r.review(body.accepted, body.reason, now, body.answer_days),
    _today,
)
FLAG_OVERDUE: Change[Rectification, None, datetime.date, bool] = Change(
    "rectification.flag_overdue", Rectification, lambda r, _, now: r.warn_if_overdue(now), _today
)
