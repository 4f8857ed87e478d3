"""The application's named commands of the year's first half: 绩效目标 and 绩效运行监控.

A mixin of ``JixiaoApplication`` (``services/app/application.py``): each method runs one command
of ``services/app/commands/targets.py`` or ``monitoring.py`` through the same path as every other
command — authorize, prepare (I/O), decide (pure), append.
"""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFound
from domain.ids import report_id
from domain.monitoring import MonitoringReport, MonitoringRound
from domain.monitoring.values import FINANCE_DECISIONS
from domain.targets import Details, TargetDeclaration
from services.app.commandpath import CommandPath
from services.app.commands import cycle_inputs as i
from services.app.commands import monitoring as m
from services.app.commands import targets as t
from services.app.commands.spec import Done
from services.app.policy import Caller, Target


class Cycle(CommandPath):
    """Needs ``execute``, ``create_with``, ``authorize``, ``load`` and ``log`` (the application)."""

    # ---- reading ------------------------------------------------------------------------------
    def load_targets(self, declaration: UUID, version: int | None = None) -> TargetDeclaration:
        return self.load(TargetDeclaration, declaration, version)

    def load_round(self, round_id: UUID) -> MonitoringRound:
        return self.load(MonitoringRound, round_id)

    def load_report(self, report: UUID, version: int | None = None) -> MonitoringReport:
        return self.load(MonitoringReport, report, version)

    def load_report_of(self, round_id: UUID, project: UUID) -> MonitoringReport:
        return self.load(MonitoringReport, report_id(round_id, project))

    # ---- 绩效目标 ---------------------------------------------------------------------------
    def declare_targets(self, caller: Caller, project: UUID, body: i.DeclareTargets) -> TargetDeclaration:
        declared: TargetDeclaration = self.create_with(caller, t.DECLARE_TARGETS, (project, body))
        return declared

    def record_target_details(
        self, caller: Caller, declaration: UUID, body: Details, expected_version: int | None = None
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.RECORD_DETAILS, declaration, body, expected_version)

    def set_target_indicator(
        self,
        caller: Caller,
        declaration: UUID,
        body: i.SetTargetIndicator,
        expected_version: int | None = None,
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.SET_INDICATOR, declaration, body, expected_version)

    def remove_target_indicator(
        self, caller: Caller, declaration: UUID, key: str, expected_version: int | None = None
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.REMOVE_INDICATOR, declaration, key, expected_version)

    def submit_targets(
        self, caller: Caller, declaration: UUID, expected_version: int | None = None
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.SUBMIT_TARGETS, declaration, None, expected_version)

    def review_targets(
        self, caller: Caller, declaration: UUID, body: i.ReviewTargets, expected_version: int | None = None
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.REVIEWS[body.stage], declaration, body, expected_version)

    def request_adjustment(
        self,
        caller: Caller,
        declaration: UUID,
        body: i.RequestAdjustment,
        expected_version: int | None = None,
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.REQUEST_ADJUSTMENT, declaration, body, expected_version)

    def decide_adjustment(
        self,
        caller: Caller,
        declaration: UUID,
        adjustment: str,
        body: i.DecideAdjustment,
        expected_version: int | None = None,
    ) -> Done[TargetDeclaration, None]:
        return self.execute(caller, t.DECIDE_ADJUSTMENT, declaration, (adjustment, body), expected_version)

    # ---- 绩效运行监控 -------------------------------------------------------------------------
    def open_round(self, caller: Caller, tenant: str, body: i.OpenRound) -> MonitoringRound:
        opened: MonitoringRound = self.create_with(caller, m.OPEN_ROUND, (tenant, body))
        return opened

    def close_round(self, caller: Caller, round_id: UUID, reason: str = "") -> Done[MonitoringRound, None]:
        return self.execute(caller, m.CLOSE_ROUND, round_id, reason)

    def start_report(self, caller: Caller, round_id: UUID, project: UUID) -> MonitoringReport:
        started: MonitoringReport = self.create_with(caller, m.START_REPORT, (round_id, project))
        return started

    def set_expected_execution(
        self, caller: Caller, report: UUID, body: i.AnswerExecution, expected_version: int | None = None
    ) -> Done[MonitoringReport, None]:
        return self.execute(caller, m.SET_EXPECTED, report, body, expected_version)

    def answer_line(
        self, caller: Caller, report: UUID, key: str, body: i.AnswerLine, expected_version: int | None = None
    ) -> Done[MonitoringReport, None]:
        return self.execute(caller, m.ANSWER_LINE, report, (key, body), expected_version)

    def submit_report(
        self, caller: Caller, report: UUID, expected_version: int | None = None
    ) -> Done[MonitoringReport, None]:
        return self.execute(caller, m.SUBMIT_REPORT, report, None, expected_version)

    def resolve_alert(
        self, caller: Caller, report: UUID, warning_id: str, body: i.ResolveAlert
    ) -> Done[MonitoringReport, None]:
        command = m.DECIDE_ALERT if body.resolution in FINANCE_DECISIONS else m.RESOLVE_ALERT
        return self.execute(caller, command, report, (warning_id, body))

    def check_round(self, caller: Caller, round_id: UUID, projects: list[UUID]) -> int:
        """The round's deadline check over ``projects`` (its region's projects of the year, from
        the read model): each unanswered past the deadline gets its overdue warning. Returns how
        many reports were flagged."""
        round_ = self.load(MonitoringRound, round_id)
        self.authorize(caller, "monitoring.check", Target(round_.tenant))
        flagged = 0
        for project in projects:
            rid = report_id(round_id, project)
            try:
                report = self.load(MonitoringReport, rid)
            except NotFound:
                report = None
            if report is None:
                made = self.create_with(caller, m.START_OVERDUE, (round_id, project))
                flagged += bool(made.open_alerts())
            elif not report.submitted:
                before = len(report.alerts)
                done = self.execute(caller, m.FLAG_OVERDUE, rid, None)
                flagged += len(done.aggregate.alerts) > before
        return flagged
