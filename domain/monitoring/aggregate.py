"""Monitoring (绩效运行监控): rounds opened over a region for a period, and each project's answer.

A **round** belongs to the bureau that opens it (the supervising bureau or the finance side) and
covers that bureau's region (itself and every bureau below it). A **report** is one project's
answer to one round: the ledger's execution at the period's end (taken from the ledger, never
typed), the unit's year-end expectation, and per indicator the value reached, the expected
year-end value, the cause of a deviation, the likelihood of meeting the target, the explanation
and the corrective measures. Warnings are raised on the report by the rules in ``rules.py`` —
when the unit answers or submits, and when a round's deadline passes unanswered — and resolved by
a recorded decision: explained or corrected by the unit, budget adjusted or funds paused by the
finance side.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError, InvalidState, NotFound
from domain.ids import report_id, round_id
from domain.monitoring.values import (
    Alert,
    Execution,
    Line,
    Resolution,
    RoundRules,
    RoundStatus,
)


class MonitoringRound(TenantAggregate):
    class Opened(TenantAggregate.Created):
        year: int
        name: str  # e.g. 1–7月
        period_end: datetime.date
        deadline: datetime.date
        rules: RoundRules

    class Closed(TenantAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.status = RoundStatus.CLOSED

    def __init__(
        self,
        meta: Meta,
        year: int,
        name: str,
        period_end: datetime.date,
        deadline: datetime.date,
        rules: RoundRules,
    ) -> None:
        self.tenant = meta.tenant
        self.year = year
        self.name = name
        self.period_end = period_end
        self.deadline = deadline
        self.rules = rules
        self.status = RoundStatus.OPEN

    @classmethod
    def open(
        cls,
        tenant: str,
        year: int,
        name: str,
        period_end: datetime.date,
        deadline: datetime.date,
        rules: RoundRules,
    ) -> MonitoringRound:
        if not name.strip():
            raise DomainError("请填写监控轮次名称（如“1–7月”）", code="monitoring.name_missing")
        if period_end.year != year:
            raise DomainError(f"监控期末 {period_end} 不在 {year} 年度内", code="monitoring.period_invalid")
        if deadline < period_end:
            raise DomainError("报送截止日期早于监控期末", code="monitoring.deadline_invalid")
        if not 0 < rules.margin_pct <= rules.red_margin_pct <= 100:
            raise DomainError("预警阈值应满足 0 < 黄色阈值 ≤ 红色阈值 ≤ 100", code="monitoring.rules_invalid")
        opened: MonitoringRound = cls._start(
            cls.Opened,
            id=round_id(tenant, year, name.strip()),
            tenant=tenant,
            year=year,
            name=name.strip(),
            period_end=period_end,
            deadline=deadline,
            rules=rules,
        )
        return opened

    def close(self, reason: str = "") -> None:
        self.require_open()
        self._emit(self.Closed, reason=reason)

    def require_open(self) -> None:
        if self.status is not RoundStatus.OPEN:
            raise InvalidState(f"监控轮次「{self.name}」已结束，不能再填报或修改", code="monitoring.closed")


class MonitoringReport(TenantAggregate):
    class Started(TenantAggregate.Created):
        round_id: UUID
        round_tenant: str
        project_id: UUID
        project_name: str
        targets_version: int | None  # the approved targets the answers are judged against
        tenant_path: tuple[str, ...] = ()  # the project's bureau's ancestors, then itself

    class ExecutionTaken(TenantAggregate.Event):
        execution: Execution

        def apply(self, aggregate: Any) -> None:
            aggregate.execution = self.execution

    class LineAnswered(TenantAggregate.Event):
        line: Line

        def apply(self, aggregate: Any) -> None:
            aggregate.lines[self.line.key] = self.line

    class Submitted(TenantAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.submitted = True

    class AlertRaised(TenantAggregate.Event):
        alert: Alert

        def apply(self, aggregate: Any) -> None:
            aggregate.alerts[self.alert.warning_id] = self.alert

    class AlertResolved(TenantAggregate.Event):
        warning_id: str
        resolution: Resolution

        def apply(self, aggregate: Any) -> None:
            found: Alert = aggregate.alerts[self.warning_id]
            aggregate.alerts[self.warning_id] = Alert(
                found.warning_id,
                found.rule,
                found.level,
                found.message,
                found.inputs,
                found.raised_on,
                self.resolution,
                self.meta.reason,
            )

    def __init__(
        self,
        meta: Meta,
        round_id: UUID,
        round_tenant: str,
        project_id: UUID,
        project_name: str,
        targets_version: int | None,
        tenant_path: tuple[str, ...] = (),
    ) -> None:
        self.tenant = meta.tenant
        self.tenant_path = tenant_path
        self.round_id = round_id
        self.round_tenant = round_tenant
        self.project_id = project_id
        self.project_name = project_name
        self.targets_version = targets_version
        self.execution: Execution | None = None
        self.lines: dict[str, Line] = {}
        self.submitted = False
        self.alerts: dict[str, Alert] = {}

    @classmethod
    def start(
        cls,
        tenant: str,
        round_: MonitoringRound,
        project_id: UUID,
        project_name: str,
        targets_version: int | None,
        tenant_path: tuple[str, ...] = (),
    ) -> MonitoringReport:
        report: MonitoringReport = cls._start(
            cls.Started,
            id=report_id(round_.id, project_id),
            tenant=tenant,
            round_id=round_.id,
            round_tenant=round_.tenant,
            project_id=project_id,
            project_name=project_name,
            targets_version=targets_version,
            tenant_path=tenant_path,
        )
        return report

    # ---- answering --------------------------------------------------------------------------
    def take_execution(self, execution: Execution) -> None:
        self._answerable()
        if execution.expected_year_end is not None and execution.expected_year_end < 0:
            raise DomainError("全年预计执行数不能为负数", code="monitoring.expected_negative")
        if execution != self.execution:
            self._emit(self.ExecutionTaken, execution=execution)

    def answer(self, line: Line, known: set[str]) -> None:
        """One indicator's answer; ``known``: the keys of the approved targets."""
        self._answerable()
        if line.key not in known:
            raise NotFound(f"指标「{line.key}」不在批复的绩效目标中", code="monitoring.indicator_unknown")
        if self.lines.get(line.key) != line:
            self._emit(self.LineAnswered, line=line)

    def submit(self) -> None:
        self._answerable()
        if self.execution is None:
            raise DomainError("请先取得预算执行情况", code="monitoring.execution_missing")
        self._emit(self.Submitted)

    def _answerable(self) -> None:
        if self.submitted:
            raise InvalidState("监控表已报送，不能修改", code="monitoring.submitted")

    # ---- warnings ---------------------------------------------------------------------------
    def raise_alerts(self, found: list[Alert], on: datetime.date) -> None:
        """Record the warnings the rules found that are new or changed in level; a warning no
        longer found stays (it is resolved by a decision, not by silence)."""
        for alert in found:
            known = self.alerts.get(alert.warning_id)
            if known is not None and known.resolution is None and known.level is alert.level:
                continue
            stamped = Alert(alert.warning_id, alert.rule, alert.level, alert.message, alert.inputs, on)
            self._emit(self.AlertRaised, alert=stamped)

    def resolve(self, warning_id: str, resolution: Resolution, reason: str) -> None:
        alert = self.alerts.get(warning_id)
        if alert is None:
            raise NotFound(f"预警 {warning_id} 不存在", code="monitoring.alert_unknown")
        if alert.resolution is not None:
            raise InvalidState(f"预警 {warning_id} 已处理", code="monitoring.alert_resolved")
        if not reason.strip():
            raise DomainError("处理预警须说明原因或决定", code="reason.missing")
        self._emit(self.AlertResolved, reason=reason.strip(), warning_id=warning_id, resolution=resolution)

    def open_alerts(self) -> list[Alert]:
        return [a for a in self.alerts.values() if a.resolution is None]
