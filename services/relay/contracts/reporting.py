"""Integration payloads of the evaluation report (评价报告): started on an evaluation, its engagement
data, and each part of the outline as written (the text itself: a provincial archive can keep the
narrative beside the scores). The rendered files are not messages: they are made on request."""

from __future__ import annotations

import datetime
from uuid import UUID

import msgspec

from services.relay.contracts.payloads import _Payload


class ReportStarted(_Payload, frozen=True, kw_only=True):
    evaluation_id: UUID
    evaluator_tenant: str
    project_name: str
    year: int


class MemberData(_Payload, frozen=True, kw_only=True):
    name: str
    duty: str = ""
    title: str = ""


class EngagementData(_Payload, frozen=True, kw_only=True):
    commissioner: str = ""
    implementer: str = ""
    team: list[MemberData] = msgspec.field(default_factory=list)
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None
    report_date: datetime.date | None = None
    method: str = ""
    fieldwork: str = ""
    checklist: list[str] = msgspec.field(default_factory=list)


class ReportEngagementRecorded(_Payload, frozen=True, kw_only=True):
    engagement: EngagementData


class ReportSectionWritten(_Payload, frozen=True, kw_only=True):
    key: str  # basic | work | conclusion | analysis | experience | suggestions | other | annex
    text: str


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "evaluation_report.started": (ReportStarted, 1),
    "evaluation_report.engagement_recorded": (ReportEngagementRecorded, 1),
    "evaluation_report.section_written": (ReportSectionWritten, 1),
}
