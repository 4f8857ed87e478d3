"""The evaluation report (评价报告) of one evaluation: its engagement data and the narrative of
each part of the official outline, every edit an event. It is written by whoever writes the
evaluation (the evaluating bureau, or the firm it engaged) and read by whoever reads it; the
figures and tables are not stored here — they are filled from the evaluation when rendered, so a
report rendered at a moment shows the evaluation as it stood then.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError, NotFound
from domain.ids import evaluation_report_id
from domain.reporting.values import SECTIONS, Engagement


class EvaluationReport(TenantAggregate):
    class Started(TenantAggregate.Created):
        evaluation_id: UUID
        evaluator_tenant: str  # who writes it (the evaluation's writer)
        project_name: str
        year: int

    class EngagementRecorded(TenantAggregate.Event):
        engagement: Engagement

        def apply(self, aggregate: Any) -> None:
            aggregate.engagement = self.engagement

    class SectionWritten(TenantAggregate.Event):
        key: str
        text: str

        def apply(self, aggregate: Any) -> None:
            aggregate.sections[self.key] = self.text

    def __init__(
        self, meta: Meta, evaluation_id: UUID, evaluator_tenant: str, project_name: str, year: int
    ) -> None:
        self.tenant = meta.tenant
        self.evaluation_id = evaluation_id
        self.evaluator_tenant = evaluator_tenant
        self.project_name = project_name
        self.year = year
        self.engagement = Engagement()
        self.sections: dict[str, str] = {}

    @classmethod
    def start(
        cls, tenant: str, evaluation_id: UUID, evaluator_tenant: str, project_name: str, year: int
    ) -> EvaluationReport:
        started: EvaluationReport = cls._start(
            cls.Started,
            id=evaluation_report_id(evaluation_id),
            tenant=tenant,
            evaluation_id=evaluation_id,
            evaluator_tenant=evaluator_tenant,
            project_name=project_name,
            year=year,
        )
        return started

    def record_engagement(self, engagement: Engagement) -> None:
        e = engagement
        if e.period_start and e.period_end and e.period_end < e.period_start:
            raise DomainError("评价工作结束日期早于开始日期", code="report.period_invalid")
        if e.report_date and e.period_start and e.report_date < e.period_start:
            raise DomainError("报告日期早于评价工作开始日期", code="report.date_invalid")
        if any(not m.name.strip() for m in e.team):
            raise DomainError("评价组成员须填写姓名", code="report.member_name")
        if engagement != self.engagement:
            self._emit(self.EngagementRecorded, engagement=engagement)

    def write(self, key: str, text: str, reason: str = "") -> None:
        if key not in SECTIONS:
            raise NotFound(
                f"报告没有「{key}」这一部分（可写：{'、'.join(SECTIONS.values())}）",
                code="report.section_unknown",
            )
        if text != self.sections.get(key, ""):
            self._emit(self.SectionWritten, reason=reason, key=key, text=text)
