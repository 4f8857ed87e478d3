"""The application service: the only way anything changes.

Every adapter — HTTP routes, the web UI's endpoints, the Excel import, the file import, the
command line — calls a named command here with explicit inputs: the caller (``Caller``), the ids
of what it acts on, the command's input Struct and, where it matters, the version it expects.
A command is authorized by the policy (``policy.py``) against the data it acts on, prepares what
its decision needs, decides (pure domain code) and appends the events (``core.py``).

The commands themselves are data, defined by area in ``commands/``; the named methods below run
them on the calling thread. A server runs the same definitions on its event loop with
``execute_async`` (``services/api``), which is how the evaluation's busy commands never leave it.
"""

from __future__ import annotations

from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.base import check_numbers
from domain.context import Actor
from domain.disclosure import ProjectDisclosure
from domain.engagements import Engagement, FirmRecord
from domain.errors import AlreadyExists
from domain.evaluation import Evaluation
from domain.evidence import EvidenceFile
from domain.ids import project_id, tenant_id
from domain.indicators import IndicatorSpec
from domain.ledger import LedgerEntry, LedgerStatement, Project
from domain.monitoring import MonitoringReport, MonitoringRound
from domain.rectification import Rectification
from domain.reporting import EvaluationReport
from domain.results import Recommendation, ResultPolicy
from domain.targets import TargetDeclaration
from domain.templates import IndicatorTemplate
from domain.tenants import Role, Tenant
from domain.users import User
from services.app.commands import evaluations as ev
from services.app.commands import inputs as i
from services.app.commands.projects import (
    RECORD_ENTRY,
    RECORD_STATEMENT,
    RECORD_SUMMARY,
    REGISTER_PROJECT,
    ImportFile,
)
from services.app.commands.spec import Change, Create, Done, target_of
from services.app.commands.templates import PUBLISH_TEMPLATE, REVISE_TEMPLATE
from services.app.commands.tenants import REGISTER_TENANT
from services.app.core import UnitOfWork
from services.app.cycle import Cycle
from services.app.department import Department
from services.app.disclosure import Disclosure
from services.app.engaging import Engaging
from services.app.evidence import EvidenceCommands
from services.app.policy import Caller, Relation, Target, authorize
from services.app.rectifying import Rectifying
from services.app.reporting import Reporting
from services.app.results import Results
from services.app.tree import TenantTree
from services.eventlog.port import EventLog
from services.files.scorer import Scored, score_report
from services.files.sheets import Outcome

A = TypeVar("A", bound=Aggregate)
B = TypeVar("B")
P = TypeVar("P")
R = TypeVar("R")

LABELS: dict[type[Any], str] = {
    Tenant: "单位",
    User: "用户",
    Project: "项目",
    Evaluation: "评价",
    IndicatorTemplate: "指标模板",
    TargetDeclaration: "绩效目标申报表",
    MonitoringRound: "监控轮次",
    MonitoringReport: "项目监控表",
    Rectification: "整改要求",
    ResultPolicy: "结果应用政策",
    Recommendation: "预算建议",
    ProjectDisclosure: "公开信息",
    EvaluationReport: "评价报告",
    EvidenceFile: "佐证材料",
    FirmRecord: "评价机构",
    Engagement: "委托",
}


class JixiaoApplication(
    Cycle, Rectifying, Results, Disclosure, Reporting, EvidenceCommands, Department, Engaging, UnitOfWork
):
    def __init__(self, log: EventLog, *, cache_size: int = 0, tenants_cached: int = TenantTree.SIZE) -> None:
        super().__init__(log, LABELS, cache_size=cache_size)
        self.tree = TenantTree(log, tenants_cached)

    # ---- running commands ------------------------------------------------------------------
    def authorize(self, caller: Caller, action: str, target: Target | None) -> Role:
        """The policy's decision for ``action`` on ``target`` (queries use it too); may read the
        tenant tree from the log: call it on a worker thread, not on an event loop."""
        relation = self.tree.relation(caller.tenant, target.tenant) if target is not None else Relation.NONE
        return authorize(caller, action, target, relation)

    def _actor(self, caller: Caller, role: Role) -> Actor:
        return Actor(caller.user, role.value, caller.tenant, caller.correlation_id)

    def execute(
        self,
        caller: Caller,
        command: Change[A, B, P, R],
        aggregate_id: UUID,
        body: B,
        expected_version: int | None = None,
    ) -> Done[A, R]:
        check_numbers(body)
        prepared: list[Any] = [None]

        def prepare(aggregate: A) -> Actor:
            role = self.authorize(caller, command.action, target_of(aggregate))
            if command.prepare is not None:
                prepared[0] = command.prepare(self.load, aggregate, body)
            return self._actor(caller, role)

        def decide(aggregate: A) -> Done[A, R]:
            return Done(aggregate, command.decide(aggregate, body, prepared[0]))

        if self.committer is not None:  # served: on the group commit's loop
            return self.committer.call(
                self.execute_async(caller, command, aggregate_id, body, expected_version)
            )
        return self.change(prepare, command.aggregate, aggregate_id, decide, expected_version)

    async def execute_async(
        self,
        caller: Caller,
        command: Change[A, B, P, R],
        aggregate_id: UUID,
        body: B,
        expected_version: int | None = None,
    ) -> Done[A, R]:
        """``execute`` on a server's event loop: authorizing needs no I/O once the tenant tree
        knows the bureau, and a command without a prepare step never leaves the loop."""
        if self.committer is None:
            return await self.off_loop(self.execute, caller, command, aggregate_id, body, expected_version)
        check_numbers(body)
        prepared: list[Any] = [None]
        tree = self.tree

        async def prepare(aggregate: A) -> Actor:
            tenant = aggregate.tenant  # type: ignore[attr-defined]
            if not tree.known(caller.tenant, tenant):
                await self.off_loop(tree.learn, caller.tenant, tenant)
            role = authorize(
                caller, command.action, target_of(aggregate), tree.relation(caller.tenant, tenant)
            )
            if command.prepare is not None:
                prepared[0] = await self.off_loop(command.prepare, self.load, aggregate, body)
            return self._actor(caller, role)

        def decide(aggregate: A) -> Done[A, R]:
            return Done(aggregate, command.decide(aggregate, body, prepared[0]))

        return await self.change_async(
            prepare, command.aggregate, aggregate_id, decide, expected_version=expected_version
        )

    def create_with(self, caller: Caller, command: Create[A, B, P], body: B) -> A:
        """Prepare, authorize against whose data it becomes, make, store (``AlreadyExists`` when
        its deterministic id is taken)."""
        check_numbers(body)
        prepared = command.prepare(self.load, body)
        target = command.target(caller, body, prepared)
        relation = self.tree.relation(caller.tenant, target.tenant)
        role = authorize(caller, command.action(body), target, relation)
        return self.create(self._actor(caller, role), lambda: command.make(caller, relation, body, prepared))

    # ---- tenants, users, templates -------------------------------------------------------------
    def register_tenant(self, caller: Caller, body: i.RegisterTenant) -> Tenant:
        return self.create_with(caller, REGISTER_TENANT, body)

    def publish_template(self, caller: Caller, tenant: str, body: i.PublishTemplate) -> IndicatorTemplate:
        return self.create_with(caller, PUBLISH_TEMPLATE, (tenant, body))

    def revise_template(
        self, caller: Caller, template: UUID, body: i.ReviseTemplate, expected_version: int | None = None
    ) -> Done[IndicatorTemplate, None]:
        return self.execute(caller, REVISE_TEMPLATE, template, body, expected_version)

    # ---- projects and ledgers ------------------------------------------------------------------
    def register_project(self, caller: Caller, tenant: str, body: i.RegisterProject) -> Project:
        return self.create_with(caller, REGISTER_PROJECT, (tenant, body))

    def record_entry(
        self, caller: Caller, project: UUID, body: i.RecordEntry, expected_version: int | None = None
    ) -> Done[Project, LedgerEntry]:
        return self.execute(caller, RECORD_ENTRY, project, body, expected_version)

    def record_statement(
        self, caller: Caller, project: UUID, body: LedgerStatement, expected_version: int | None = None
    ) -> Done[Project, None]:
        return self.execute(caller, RECORD_STATEMENT, project, body, expected_version)

    def record_summary(
        self, caller: Caller, project: UUID, body: i.RecordSummary, expected_version: int | None = None
    ) -> Done[Project, None]:
        return self.execute(caller, RECORD_SUMMARY, project, body, expected_version)

    def import_file(self, caller: Caller, body: ImportFile) -> Scored:
        """An evaluation file recorded as events: every row through the domain (refused rows are
        collected, not raised), the project and its evaluation stored in one save."""
        self.tree.tenant(body.tenant)
        role = self.authorize(caller, "project.import_file", Target(body.tenant))
        check_numbers(body.report)
        doc = body.report.project
        existing = project_id(body.tenant, doc.year, doc.code.strip())
        if self.log.exists(existing):
            raise AlreadyExists(
                f"{body.source}：项目 {doc.code}（{doc.year} 年度）已导入",
                code="project.exists",
                existing=str(existing),
                kind="project",
            )
        scored = score_report(body.report, body.tenant, self._actor(caller, role))
        self.store(scored.project, scored.evaluation)
        return scored

    # ---- evaluations ---------------------------------------------------------------------------
    def start_evaluation(self, caller: Caller, project: UUID, body: i.StartEvaluation) -> Evaluation:
        return self.create_with(caller, ev.START_EVALUATION, (project, body))

    def move_template(
        self, caller: Caller, evaluation: UUID, body: i.MoveTemplate, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.MOVE_TEMPLATE, evaluation, body, expected_version)

    def define_indicator(
        self, caller: Caller, evaluation: UUID, body: IndicatorSpec, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.DEFINE_INDICATOR, evaluation, body, expected_version)

    def adopt_template(
        self, caller: Caller, evaluation: UUID, body: i.AdoptTemplate, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.ADOPT_TEMPLATE, evaluation, body, expected_version)

    def record_actual(
        self,
        caller: Caller,
        evaluation: UUID,
        key: str,
        body: i.RecordActual,
        expected_version: int | None = None,
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.RECORD_ACTUAL, evaluation, (key, body), expected_version)

    def note_deviation(
        self,
        caller: Caller,
        evaluation: UUID,
        key: str,
        body: i.NoteDeviation,
        expected_version: int | None = None,
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.NOTE_DEVIATION, evaluation, (key, body), expected_version)

    def record_stated_score(
        self,
        caller: Caller,
        evaluation: UUID,
        key: str,
        body: i.RecordStatedScore,
        expected_version: int | None = None,
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.RECORD_STATED_SCORE, evaluation, (key, body), expected_version)

    def record_stated_total(
        self, caller: Caller, evaluation: UUID, body: i.RecordStatedTotal, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.RECORD_STATED_TOTAL, evaluation, body, expected_version)

    def sync_ledger(
        self, caller: Caller, evaluation: UUID, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.SYNC_LEDGER, evaluation, None, expected_version)

    def apply_deduction(
        self, caller: Caller, evaluation: UUID, body: i.ApplyDeduction, expected_version: int | None = None
    ) -> Done[Evaluation, str]:
        """The deduction's id is the result: the one given, or the one the command chose."""
        return self.execute(caller, ev.APPLY_DEDUCTION, evaluation, body, expected_version)

    def judge_score(
        self,
        caller: Caller,
        evaluation: UUID,
        key: str,
        body: i.JudgeScore,
        expected_version: int | None = None,
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.JUDGE_SCORE, evaluation, (key, body), expected_version)

    def revise_deduction(
        self,
        caller: Caller,
        evaluation: UUID,
        deduction: str,
        body: i.ReviseDeduction,
        expected_version: int | None = None,
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.REVISE_DEDUCTION, evaluation, (deduction, body), expected_version)

    def withdraw_deduction(
        self,
        caller: Caller,
        evaluation: UUID,
        deduction: str,
        body: i.WithReason,
        expected_version: int | None = None,
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.WITHDRAW_DEDUCTION, evaluation, (deduction, body), expected_version)

    def submit(
        self, caller: Caller, evaluation: UUID, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.SUBMIT, evaluation, None, expected_version)

    def return_for_revision(
        self, caller: Caller, evaluation: UUID, body: i.WithReason, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.RETURN_FOR_REVISION, evaluation, body, expected_version)

    def finalize(
        self, caller: Caller, evaluation: UUID, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.FINALIZE, evaluation, None, expected_version)

    def reopen(
        self, caller: Caller, evaluation: UUID, body: i.WithReason, expected_version: int | None = None
    ) -> Done[Evaluation, None]:
        return self.execute(caller, ev.REOPEN, evaluation, body, expected_version)

    def import_sheet(
        self, caller: Caller, evaluation: UUID, body: ev.ImportSheet
    ) -> Done[Evaluation, Outcome]:
        return self.execute(caller, ev.IMPORT_SHEET, evaluation, body)

    # ---- reading (the write side's own state; queries read projections) --------------------
    def tenant(self, code: str) -> Tenant:
        return self.load(Tenant, tenant_id(code))

    def project(self, tenant: str, year: int, code: str) -> Project:
        return self.load(Project, project_id(tenant, year, code))

    def evaluation(self, evaluation: UUID, version: int | None = None) -> Evaluation:
        return self.load(Evaluation, evaluation, version)
