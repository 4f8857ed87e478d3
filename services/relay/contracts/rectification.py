"""Integration payloads of 整改 (rectification): opened on an evaluation or a 监控表, findings,
the demand sent with its deadline, the unit's answers, the demander's verdicts, overdue warnings.

A finance bureau's budget system follows ``rectification.reviewed`` (``accepted``: closed, or not
with the new deadline) and ``rectification.overdue_warned``; the evaluated bureau's own systems
follow ``rectification.sent``. Dates are calendar days (China).
"""

from __future__ import annotations

import datetime
from uuid import UUID

import msgspec

from services.relay.contracts.payloads import _Payload


class RectificationOpened(_Payload, frozen=True, kw_only=True):
    project_id: UUID
    project_name: str
    year: int
    source_kind: str  # evaluation | monitoring
    source_id: UUID  # the evaluation, or the project's monitoring report
    source_label: str
    demander: str  # the demanding bureau's code
    source_closed_on: datetime.date
    send_by: datetime.date


class FindingData(_Payload, frozen=True, kw_only=True):
    finding_id: str
    text: str
    indicators: list[str] = msgspec.field(default_factory=list)
    entries: list[str] = msgspec.field(default_factory=list)  # ledger entry ids
    suggestion: str = ""


class RectificationFindingRecorded(_Payload, frozen=True, kw_only=True):
    finding: FindingData


class RectificationFindingWithdrawn(_Payload, frozen=True, kw_only=True):
    finding_id: str


class RectificationSent(_Payload, frozen=True, kw_only=True):
    requirement: str
    sent_on: datetime.date
    answer_by: datetime.date


class MeasureData(_Payload, frozen=True, kw_only=True):
    finding_id: str
    measures: str
    result: str = ""
    done: bool = False


class AnswerData(_Payload, frozen=True, kw_only=True):
    measures: list[MeasureData]
    summary: str
    filed_on: datetime.date


class RectificationMeasuresFiled(_Payload, frozen=True, kw_only=True):
    answer: AnswerData


class ReviewVerdict(_Payload, frozen=True, kw_only=True):
    accepted: bool
    on: datetime.date
    reason: str = ""
    answer_by: datetime.date | None = None  # not accepted: the new deadline


class RectificationReviewed(_Payload, frozen=True, kw_only=True):
    review: ReviewVerdict


class OverdueData(_Payload, frozen=True, kw_only=True):
    which: str  # send | answer
    due: datetime.date
    on: datetime.date
    days_late: int


class RectificationOverdueWarned(_Payload, frozen=True, kw_only=True):
    warning: OverdueData


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "rectification.opened": (RectificationOpened, 1),
    "rectification.finding_recorded": (RectificationFindingRecorded, 1),
    "rectification.finding_withdrawn": (RectificationFindingWithdrawn, 1),
    "rectification.sent": (RectificationSent, 1),
    "rectification.measures_filed": (RectificationMeasuresFiled, 1),
    "rectification.reviewed": (RectificationReviewed, 1),
    "rectification.overdue_warned": (RectificationOverdueWarned, 1),
}
