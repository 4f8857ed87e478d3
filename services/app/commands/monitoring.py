"""Commands of 绩效运行监控: open and close a round over the bureau's region; a project's answer
(its report): started with the ledger's execution at the period's end, answered line by line,
submitted — when the warning rules run; a deadline check that flags the unanswered; warnings
resolved by the unit (explained, corrected) or decided by the finance side (budget adjusted,
funds paused). Execution is always taken from the ledger, never typed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from uuid import UUID

from domain.errors import DomainError, NotFound
from domain.ids import declaration_id, tenant_id
from domain.ledger import Project
from domain.monitoring import Execution, Line, MonitoringReport, MonitoringRound, RoundRules
from domain.monitoring.rules import forecast_miss, overdue, schedule_gap
from domain.monitoring.values import FINANCE_DECISIONS, Alert
from domain.targets import Status, TargetDeclaration, TargetVersion
from domain.tenants import Tenant
from services.app.commands.cycle_inputs import AnswerExecution, AnswerLine, OpenRound, ResolveAlert
from services.app.commands.spec import Change, Create, Loader, lineage
from services.app.commands.targets import today
from services.app.policy import Caller, Relation, Target


def _open(caller: Caller, relation: Relation, body: tuple[str, OpenRound], _: None) -> MonitoringRound:
    tenant, r = body
    rules = RoundRules(r.margin_pct, r.red_margin_pct)
    return MonitoringRound.open(tenant, r.year, r.name, r.period_end, r.deadline, rules)


def _bureau(load: Loader, body: tuple[str, OpenRound]) -> None:
    load(Tenant, tenant_id(body[0]))


OPEN_ROUND: Create[MonitoringRound, tuple[str, OpenRound], None] = Create(
    action=lambda body: "monitoring.open_round",
    prepare=_bureau,
    target=lambda caller, body, _: Target(body[0]),
    make=_open,
)
CLOSE_ROUND: Change[MonitoringRound, str, None, None] = Change(
    "monitoring.close_round", MonitoringRound, lambda r, reason, _: r.close(reason)
)


@dataclass(frozen=True)
class Context:
    """What judging a project's answers needs: the round, the project, its approved targets."""

    round: MonitoringRound
    project: Project
    targets: TargetVersion | None
    on: datetime.date
    path: tuple[str, ...]  # the project's bureau's ancestors, then itself

    def execution(self, expected: datetime.date | None = None) -> Execution:
        t = self.project.total_until(self.round.period_end)
        return Execution(annual=t.annual, spent=t.spent)


def _path(load: Loader, tenant: str) -> tuple[str, ...]:
    """The bureau's ancestors, then itself (``360000, 360100, 360102``)."""
    return tuple(reversed(lineage(load, tenant)))


def context(load: Loader, round_id: UUID, project_id: UUID) -> Context:
    round_ = load(MonitoringRound, round_id)
    project = load(Project, project_id)
    path = _path(load, project.tenant)
    if project.year != round_.year or round_.tenant not in path:
        raise NotFound("该项目不在此监控轮次的范围内", code="monitoring.project_outside")
    targets = None
    try:
        declaration = load(TargetDeclaration, declaration_id(project.tenant, project.id))
        if declaration.status is Status.APPROVED:
            targets = declaration.targets()
    except NotFound:
        pass
    return Context(round_, project, targets, today(), path)


def _start(caller: Caller, relation: Relation, body: tuple[UUID, UUID], c: Context) -> MonitoringReport:
    c.round.require_open()
    version = c.targets.version if c.targets is not None else None
    report = MonitoringReport.start(c.project.tenant, c.round, c.project.id, c.project.name, version, c.path)
    report.take_execution(c.execution())
    return report


START_REPORT: Create[MonitoringReport, tuple[UUID, UUID], Context] = Create(
    action=lambda body: "monitoring.answer",
    prepare=lambda load, body: context(load, body[0], body[1]),
    target=lambda caller, body, c: Target(c.project.tenant),
    make=_start,
)


def _of(load: Loader, report: MonitoringReport, body: object) -> Context:
    return context(load, report.round_id, report.project_id)


def _expected(report: MonitoringReport, body: AnswerExecution, c: Context) -> None:
    c.round.require_open()
    taken = c.execution()
    report.take_execution(Execution(taken.annual, taken.spent, body.expected_year_end))


def _known(c: Context) -> set[str]:
    return {i.key for i in c.targets.indicators} if c.targets is not None else set()


def _answer(report: MonitoringReport, body: tuple[str, AnswerLine], c: Context) -> None:
    c.round.require_open()
    key, a = body
    report.answer(
        Line(key, a.reached, a.expected, a.cause, a.likelihood, a.explanation, a.measures), _known(c)
    )


def alerts_of(report: MonitoringReport, c: Context) -> list[Alert]:
    """Every warning the rules raise on the report as it stands."""
    found: list[Alert] = []
    execution = report.execution or c.execution()
    gap = schedule_gap(c.round.period_end, execution.annual, execution.spent, c.round.rules)
    if gap is not None:
        found.append(gap)
    rows = {i.key: i for i in c.targets.indicators} if c.targets is not None else {}
    for key, line in report.lines.items():
        target = rows.get(key)
        if target is None:
            continue
        miss = forecast_miss(key, target.name, target.value, line.expected, line.likelihood, c.round.year)
        if miss is not None:
            found.append(miss)
    return found


def _submit(report: MonitoringReport, body: None, c: Context) -> None:
    c.round.require_open()
    taken = c.execution()
    expected = report.execution.expected_year_end if report.execution else None
    report.take_execution(Execution(taken.annual, taken.spent, expected))
    report.submit()
    report.raise_alerts(alerts_of(report, c), c.on)


SET_EXPECTED: Change[MonitoringReport, AnswerExecution, Context, None] = Change(
    "monitoring.answer", MonitoringReport, _expected, _of
)
ANSWER_LINE: Change[MonitoringReport, tuple[str, AnswerLine], Context, None] = Change(
    "monitoring.answer", MonitoringReport, _answer, _of
)
SUBMIT_REPORT: Change[MonitoringReport, None, Context, None] = Change(
    "monitoring.submit", MonitoringReport, _submit, _of
)


def _flag(report: MonitoringReport, body: None, c: Context) -> None:
    late = overdue(c.round.deadline, c.on, report.submitted)
    if late is not None:
        report.raise_alerts([late], c.on)


def _start_late(caller: Caller, relation: Relation, body: tuple[UUID, UUID], c: Context) -> MonitoringReport:
    """An unanswered project past the deadline: its report is started to carry the warning."""
    version = c.targets.version if c.targets is not None else None
    report = MonitoringReport.start(c.project.tenant, c.round, c.project.id, c.project.name, version, c.path)
    report.take_execution(c.execution())
    _flag(report, None, c)
    return report


FLAG_OVERDUE: Change[MonitoringReport, None, Context, None] = Change(
    "monitoring.flag_overdue", MonitoringReport, _flag, _of
)
START_OVERDUE: Create[MonitoringReport, tuple[UUID, UUID], Context] = Create(
    action=lambda body: "monitoring.flag_overdue",
    prepare=lambda load, body: context(load, body[0], body[1]),
    target=lambda caller, body, c: Target(c.project.tenant),
    make=_start_late,
)


def _resolve(report: MonitoringReport, body: tuple[str, ResolveAlert], _: None) -> None:
    warning_id, r = body
    report.resolve(warning_id, r.resolution, r.reason)


def _unit_only(report: MonitoringReport, body: tuple[str, ResolveAlert], _: None) -> None:
    if body[1].resolution in FINANCE_DECISIONS:
        raise DomainError("调整预算、暂缓拨款须由财政部门决定", code="monitoring.finance_decision")
    _resolve(report, body, None)


def _finance_only(report: MonitoringReport, body: tuple[str, ResolveAlert], _: None) -> None:
    if body[1].resolution not in FINANCE_DECISIONS:
        raise DomainError(
            "财政部门的决定为“调整预算”或“暂缓拨款”；说明、纠偏由单位填报", code="monitoring.unit_resolution"
        )
    _resolve(report, body, None)


RESOLVE_ALERT: Change[MonitoringReport, tuple[str, ResolveAlert], None, None] = Change(
    "monitoring.resolve_alert", MonitoringReport, _unit_only
)
DECIDE_ALERT: Change[MonitoringReport, tuple[str, ResolveAlert], None, None] = Change(
    "monitoring.decide_alert", MonitoringReport, _finance_only
)
