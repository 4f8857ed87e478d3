"""整改 (rectification): the findings of an evaluation or a monitoring report sent back to the
evaluated bureau as a demand with a deadline, its answer, and the demanding side's verdict.

A **rectification** belongs to the evaluated bureau (the project's tenant: its events are that
bureau's), and names the **demander** — the bureau that evaluated or monitored (the bureau itself
for a 自评, the supervising bureau or the finance side for a 部门/财政评价 or a monitoring round).
The demander records findings while it is a draft, then sends the 整改要求 with an answering
deadline; the unit files its 整改措施 and 整改结果 per finding; the demander accepts them (closed)
or does not, with a reason and a new deadline (sent again). A check warns when the demander has
not sent within its term of the source closing, or the unit has not answered by the deadline.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError, InvalidState, NotFound
from domain.ids import rectification_id
from domain.rectification.rules import overdue
from domain.rectification.values import (
    ANSWER_DAYS,
    SEND_DAYS,
    STATUS_LABEL,
    Answer,
    Finding,
    Measure,
    Overdue,
    Review,
    SourceKind,
    Status,
)

_MAX_FINDINGS = 200


def _need(text: str, what: str, code: str) -> str:
    if not text.strip():
        raise DomainError(f"请填写{what}", code=code)
    return text.strip()


class Rectification(TenantAggregate):
    class Opened(TenantAggregate.Created):
        project_id: UUID
        project_name: str
        year: int
        source_kind: SourceKind
        source_id: UUID
        source_label: str  # e.g. 部门评价（341100） or 1–7月监控
        demander: str  # the demanding bureau's code
        source_closed_on: datetime.date  # finalized, or the monitoring report submitted
        send_by: datetime.date

    class FindingRecorded(TenantAggregate.Event):
        finding: Finding

        def apply(self, aggregate: Any) -> None:
            aggregate.findings[self.finding.finding_id] = self.finding
            aggregate.numbered += 1

    class FindingWithdrawn(TenantAggregate.Event):
        finding_id: str

        def apply(self, aggregate: Any) -> None:
            del aggregate.findings[self.finding_id]

    class Sent(TenantAggregate.Event):
        requirement: str  # 整改要求
        sent_on: datetime.date
        answer_by: datetime.date

        def apply(self, aggregate: Any) -> None:
            aggregate.requirement = self.requirement
            aggregate.sent_on = self.sent_on
            aggregate.answer_by = self.answer_by
            aggregate.status = Status.SENT

    class MeasuresFiled(TenantAggregate.Event):
        answer: Answer

        def apply(self, aggregate: Any) -> None:
            aggregate.answers.append(self.answer)
            aggregate.status = Status.ANSWERED

    class Reviewed(TenantAggregate.Event):
        review: Review

        def apply(self, aggregate: Any) -> None:
            aggregate.reviews.append(self.review)
            if self.review.accepted:
                aggregate.status = Status.CLOSED
            else:
                aggregate.status = Status.SENT
                aggregate.answer_by = self.review.answer_by

    class OverdueWarned(TenantAggregate.Event):
        warning: Overdue

        def apply(self, aggregate: Any) -> None:
            aggregate.warnings.append(self.warning)

    def __init__(
        self,
        meta: Meta,
        project_id: UUID,
        project_name: str,
        year: int,
        source_kind: SourceKind,
        source_id: UUID,
        source_label: str,
        demander: str,
        source_closed_on: datetime.date,
        send_by: datetime.date,
    ) -> None:
        self.tenant = meta.tenant
        self.project_id = project_id
        self.project_name = project_name
        self.year = year
        self.source_kind = source_kind
        self.source_id = source_id
        self.source_label = source_label
        self.demander = demander
        self.source_closed_on = source_closed_on
        self.send_by = send_by
        self.status = Status.DRAFT
        self.findings: dict[str, Finding] = {}
        self.numbered = 0
        self.requirement = ""
        self.sent_on: datetime.date | None = None
        self.answer_by: datetime.date | None = None
        self.answers: list[Answer] = []
        self.reviews: list[Review] = []
        self.warnings: list[Overdue] = []

    @classmethod
    def open(
        cls,
        tenant: str,
        project_id: UUID,
        project_name: str,
        year: int,
        source: tuple[SourceKind, UUID, str],
        demander: str,
        closed_on: datetime.date,
        send_days: int = SEND_DAYS,
    ) -> Rectification:
        kind, source_id, label = source
        if not 1 <= send_days <= 365:
            raise DomainError("下达期限应为 1 至 365 天", code="rectification.term_invalid")
        opened: Rectification = cls._start(
            cls.Opened,
            id=rectification_id(source_id),
            tenant=tenant,
            project_id=project_id,
            project_name=project_name,
            year=year,
            source_kind=kind,
            source_id=source_id,
            source_label=label,
            demander=demander,
            source_closed_on=closed_on,
            send_by=closed_on + datetime.timedelta(days=send_days),
        )
        return opened

    # ---- the demanding side -----------------------------------------------------------------
    def record_finding(
        self,
        text: str,
        indicators: tuple[str, ...],
        entries: tuple[str, ...],
        suggestion: str,
        known: tuple[set[str], set[str]],
    ) -> str:
        """A finding, numbered by the aggregate; ``known``: the source's indicator keys and the
        project ledger's entry ids (a finding cannot point at what does not exist)."""
        self._require(Status.DRAFT, "记录问题")
        if len(self.findings) >= _MAX_FINDINGS:
            raise DomainError(f"一份整改要求最多 {_MAX_FINDINGS} 个问题", code="rectification.too_many")
        keys, ids = known
        unknown = [k for k in indicators if k not in keys]
        if unknown:
            raise NotFound(
                f"指标「{unknown[0]}」不在该评价或监控表中", code="rectification.indicator_unknown"
            )
        missing = [e for e in entries if e not in ids]
        if missing:
            raise NotFound(f"台账条目「{missing[0]}」不存在", code="rectification.entry_unknown")
        finding_id = f"F{self.numbered + 1}"
        finding = Finding(
            finding_id,
            _need(text, "问题描述", "rectification.text_missing"),
            tuple(dict.fromkeys(indicators)),
            tuple(dict.fromkeys(entries)),
            suggestion.strip(),
        )
        self._emit(self.FindingRecorded, finding=finding)
        return finding_id

    def withdraw_finding(self, finding_id: str, reason: str) -> None:
        self._require(Status.DRAFT, "撤回问题")
        self._finding(finding_id)
        self._emit(
            self.FindingWithdrawn, reason=_need(reason, "撤回原因", "reason.missing"), finding_id=finding_id
        )

    def send(self, requirement: str, on: datetime.date, answer_days: int = ANSWER_DAYS) -> None:
        self._require(Status.DRAFT, "下达整改要求")
        if not self.findings:
            raise DomainError("请先记录至少一个问题", code="rectification.no_findings")
        if not 1 <= answer_days <= 365:
            raise DomainError("整改期限应为 1 至 365 天", code="rectification.term_invalid")
        self._emit(
            self.Sent,
            requirement=_need(requirement, "整改要求", "rectification.requirement_missing"),
            sent_on=on,
            answer_by=on + datetime.timedelta(days=answer_days),
        )

    def review(self, accepted: bool, reason: str, on: datetime.date, answer_days: int = ANSWER_DAYS) -> None:
        self._require(Status.ANSWERED, "验收整改情况")
        if accepted:
            self._emit(self.Reviewed, reason=reason.strip(), review=Review(True, on, reason.strip()))
            return
        if not 1 <= answer_days <= 365:
            raise DomainError("整改期限应为 1 至 365 天", code="rectification.term_invalid")
        why = _need(reason, "不予验收的原因", "reason.missing")
        again = Review(False, on, why, on + datetime.timedelta(days=answer_days))
        self._emit(self.Reviewed, reason=why, review=again)

    # ---- the evaluated bureau ---------------------------------------------------------------
    def file_measures(self, measures: list[Measure], summary: str, on: datetime.date) -> None:
        self._require(Status.SENT, "报送整改情况")
        given = {m.finding_id: m for m in measures}
        if len(given) != len(measures):
            raise DomainError("同一问题填写了多次整改措施", code="rectification.measure_twice")
        for finding_id in given:
            self._finding(finding_id)
        unanswered = [f for f in self.findings if f not in given or not given[f].measures.strip()]
        if unanswered:
            raise DomainError(f"问题 {unanswered[0]} 尚未填写整改措施", code="rectification.measure_missing")
        ordered = tuple(given[f] for f in self.findings)
        answer = Answer(ordered, summary.strip(), on)
        self._emit(self.MeasuresFiled, answer=answer)

    # ---- the check --------------------------------------------------------------------------
    def warn_if_overdue(self, on: datetime.date) -> bool:
        found = overdue(self.status, self.send_by, self.answer_by, self.warnings, on)
        if found is not None:
            self._emit(self.OverdueWarned, warning=found)
        return found is not None

    def open_warning(self) -> Overdue | None:
        """The warning that still stands: the latest, while its deadline is still the one missed."""
        if not self.warnings:
            return None
        last = self.warnings[-1]
        standing = (last.which == "send" and self.status is Status.DRAFT) or (
            last.which == "answer" and self.status is Status.SENT and last.due == self.answer_by
        )
        return last if standing else None

    def _finding(self, finding_id: str) -> Finding:
        found = self.findings.get(finding_id)
        if found is None:
            raise NotFound(f"问题 {finding_id} 不存在", code="rectification.finding_unknown")
        return found

    def _require(self, status: Status, doing: str) -> None:
        if self.status is not status:
            raise InvalidState(
                f"整改要求当前为「{STATUS_LABEL[self.status]}」，不能{doing}", code="rectification.state"
            )
