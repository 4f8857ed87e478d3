"""The application's named commands of the evaluation report (评价报告), and the rendering of it
as a document: a mixin of ``JixiaoApplication`` like ``cycle.py``."""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFound
from domain.evaluation import Evaluation
from domain.ids import declaration_id, evaluation_report_id
from domain.ledger import Project
from domain.reporting import Engagement, EvaluationReport
from domain.targets import TargetDeclaration
from services.app.commandpath import CommandPath
from services.app.commands import reporting as c
from services.app.commands.spec import Done
from services.app.policy import Caller
from services.reporting.model import Document, build


class Reporting(CommandPath):
    """Needs ``execute``, ``create_with`` and ``load`` (the application)."""

    def load_evaluation_report(self, evaluation: UUID, version: int | None = None) -> EvaluationReport:
        return self.load(EvaluationReport, evaluation_report_id(evaluation), version)

    def start_report_of(self, caller: Caller, evaluation: UUID) -> EvaluationReport:
        started: EvaluationReport = self.create_with(caller, c.START, evaluation)
        return started

    def record_engagement(
        self, caller: Caller, evaluation: UUID, body: Engagement, expected_version: int | None = None
    ) -> Done[EvaluationReport, None]:
        return self.execute(
            caller, c.RECORD_ENGAGEMENT, evaluation_report_id(evaluation), body, expected_version
        )

    def write_section(
        self,
        caller: Caller,
        evaluation: UUID,
        key: str,
        body: c.WriteSection,
        expected_version: int | None = None,
    ) -> Done[EvaluationReport, None]:
        return self.execute(
            caller, c.WRITE_SECTION, evaluation_report_id(evaluation), (key, body), expected_version
        )

    def report_document(self, report: EvaluationReport, evaluation: Evaluation) -> Document:
        """The report as a document, with ``evaluation``'s figures (as it stands, or as it stood)."""
        project = self.load(Project, evaluation.project_id)
        goal = ""
        try:
            d = self.load(TargetDeclaration, declaration_id(project.tenant, project.id))
            goal = d.details.annual_goal
        except NotFound:
            pass
        return build(report, evaluation, project, goal)
