"""A project's 绩效目标 (performance targets): declared with the budget, reviewed by the supervising
bureau and then the finance side, approved (批复) as the year's baseline, adjusted during the year
only by an approved request with a reason. Every approved version stays readable.

Review outcomes follow 财预〔2015〕88号: 优 goes on (to the finance side, or to approval); 良 goes on
once fixed with the unit (the fixes agreed are the review's comments, required); 中 goes back to
the unit to revise and resubmit (to the stage that returned it); 差 is refused — the project may
not enter the budget. Who may review is the policy's business (``services/app/policy.py``: an
ancestor bureau, never the declaring one).
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from domain.base import TenantAggregate, check_id
from domain.context import Meta
from domain.errors import DomainError, InvalidState, NotFound
from domain.ids import declaration_id
from domain.targets.checks import check_indicator, need_text
from domain.targets.values import (
    EDITABLE,
    STAGE_LABEL,
    STAGE_OF,
    STATUS_LABEL,
    Adjustment,
    AdjustmentStatus,
    Details,
    Grade,
    Review,
    Stage,
    Status,
    TargetIndicator,
    TargetVersion,
)

_NEXT = {Stage.SUPERVISOR: Status.FINANCE_REVIEW, Stage.FINANCE: Status.APPROVED}


class TargetDeclaration(TenantAggregate):
    class Declared(TenantAggregate.Created):
        project_id: UUID
        year: int
        project_name: str
        details: Details

    class DetailsRecorded(TenantAggregate.Event):
        details: Details

        def apply(self, aggregate: Any) -> None:
            aggregate.details = self.details

    class IndicatorSet(TenantAggregate.Event):
        indicator: TargetIndicator

        def apply(self, aggregate: Any) -> None:
            aggregate.indicators[self.indicator.key] = self.indicator

    class IndicatorRemoved(TenantAggregate.Event):
        key: str

        def apply(self, aggregate: Any) -> None:
            aggregate.indicators.pop(self.key, None)

    class Submitted(TenantAggregate.Event):
        status: Status

        def apply(self, aggregate: Any) -> None:
            aggregate.status = self.status

    class Reviewed(TenantAggregate.Event):
        review: Review
        status: Status  # where the review sent the declaration
        approved_on: datetime.date | None = None  # the 批复 (finance 优/良)

        def apply(self, aggregate: Any) -> None:
            aggregate.reviews.append(self.review)
            aggregate.status = self.status
            if self.status is Status.RETURNED:
                aggregate.returned_from = self.review.stage
            if self.approved_on is not None:
                indicators = tuple(aggregate.indicators.values())
                aggregate.versions.append(TargetVersion(1, indicators, self.approved_on))

    class AdjustmentRequested(TenantAggregate.Event):
        adjustment: Adjustment

        def apply(self, aggregate: Any) -> None:
            aggregate.adjustments[self.adjustment.adjustment_id] = self.adjustment

    class AdjustmentDecided(TenantAggregate.Event):
        adjustment_id: str
        approved: bool
        decided_on: datetime.date

        def apply(self, aggregate: Any) -> None:
            request: Adjustment = aggregate.adjustments[self.adjustment_id]
            status = AdjustmentStatus.APPROVED if self.approved else AdjustmentStatus.REFUSED
            aggregate.adjustments[self.adjustment_id] = Adjustment(
                request.adjustment_id, request.indicators, request.reason, status, self.meta.reason
            )
            if self.approved:
                merged = {i.key: i for i in aggregate.versions[-1].indicators}
                merged.update({i.key: i for i in request.indicators})
                version = TargetVersion(
                    len(aggregate.versions) + 1, tuple(merged.values()), self.decided_on, self.adjustment_id
                )
                aggregate.versions.append(version)

    def __init__(self, meta: Meta, project_id: UUID, year: int, project_name: str, details: Details) -> None:
        self.tenant = meta.tenant
        self.project_id = project_id
        self.year = year
        self.project_name = project_name
        self.details = details
        self.status = Status.DRAFT
        self.indicators: dict[str, TargetIndicator] = {}
        self.reviews: list[Review] = []
        self.returned_from: Stage | None = None
        self.versions: list[TargetVersion] = []
        self.adjustments: dict[str, Adjustment] = {}

    # ---- declaring ---------------------------------------------------------------------
    @classmethod
    def declare(
        cls, tenant: str, project_id: UUID, year: int, project_name: str, details: Details
    ) -> TargetDeclaration:
        declaration: TargetDeclaration = cls._start(
            cls.Declared,
            id=declaration_id(tenant, project_id),
            tenant=tenant,
            project_id=project_id,
            year=year,
            project_name=project_name,
            details=details,
        )
        return declaration

    def record_details(self, details: Details) -> None:
        self._editable()
        if details.start and details.end and details.end < details.start:
            raise DomainError("结束时间早于开始时间", code="targets.period_invalid")
        if details != self.details:
            self._emit(self.DetailsRecorded, details=details)

    def set_indicator(self, indicator: TargetIndicator, reason: str = "") -> None:
        self._editable()
        check_indicator(indicator, self.indicators)
        if self.indicators.get(indicator.key) != indicator:
            self._emit(self.IndicatorSet, reason=reason, indicator=indicator)

    def remove_indicator(self, key: str) -> None:
        self._editable()
        if key not in self.indicators:
            raise NotFound(f"指标「{key}」不存在", code="targets.indicator_unknown")
        if any(i.parent == key for i in self.indicators.values()):
            raise DomainError("请先删除其下级指标", code="targets.indicator_has_children", row=key)
        self._emit(self.IndicatorRemoved, key=key)

    def submit(self) -> None:
        self._editable()
        if not self.indicators:
            raise DomainError("申报表至少需要一个绩效指标", code="targets.empty")
        if not self.details.annual_goal.strip():
            raise DomainError("请填写年度目标", code="targets.goal_missing")
        back_to = self.returned_from or Stage.SUPERVISOR
        status = Status.SUPERVISOR_REVIEW if back_to is Stage.SUPERVISOR else Status.FINANCE_REVIEW
        self._emit(self.Submitted, status=status)

    # ---- reviewing ---------------------------------------------------------------------
    def review(self, review: Review, on: datetime.date) -> None:
        """A stage's review (the caller's stage is checked by the policy and here: the stage must
        be the one the declaration waits for)."""
        waiting = STAGE_OF.get(self.status)
        if waiting is None:
            raise InvalidState(
                f"申报表当前为「{STATUS_LABEL[self.status]}」，不在审核中", code="targets.not_in_review"
            )
        if review.stage is not waiting:
            raise InvalidState(
                f"申报表正等待{STAGE_LABEL[waiting]}审核，不是{STAGE_LABEL[review.stage]}",
                code="targets.wrong_stage",
            )
        unknown = sorted(set(review.comments) - set(self.indicators))
        if unknown:
            raise DomainError(
                f"意见所指的指标 {'、'.join(unknown)} 不在申报表中", code="targets.indicator_unknown"
            )
        if review.grade is not Grade.EXCELLENT:
            need_text(review.opinion, f"审核结果为「{review.grade.value}」时须填写审核意见")
        if review.grade is Grade.GOOD and not (review.comments or review.findings):
            raise DomainError(
                "审核结果为「良」时须写明与单位商定的修改内容（按指标或维度）", code="targets.fixes_missing"
            )
        status = {Grade.FAIR: Status.RETURNED, Grade.POOR: Status.REFUSED}.get(review.grade, _NEXT[waiting])
        approved_on = on if status is Status.APPROVED else None
        self._emit(
            self.Reviewed, reason=review.opinion, review=review, status=status, approved_on=approved_on
        )

    # ---- adjusting -----------------------------------------------------------------------
    def request_adjustment(
        self, adjustment_id: str, indicators: tuple[TargetIndicator, ...], reason: str
    ) -> None:
        if self.status is not Status.APPROVED:
            raise InvalidState("只有已批复的绩效目标可以申请调整", code="targets.not_approved")
        check_id(adjustment_id, "调整编号")
        need_text(reason, "申请调整绩效目标须说明原因")
        if adjustment_id in self.adjustments:
            raise DomainError(f"调整 {adjustment_id} 已存在", code="targets.adjustment_exists")
        if any(a.status is AdjustmentStatus.PENDING for a in self.adjustments.values()):
            raise InvalidState("已有待审批的调整申请，请等待审批结果", code="targets.adjustment_pending")
        if not indicators:
            raise DomainError("调整申请至少包含一个指标", code="targets.empty")
        current = {i.key: i for i in self.versions[-1].indicators}
        for indicator in indicators:
            check_indicator(indicator, current)
        self._emit(
            self.AdjustmentRequested,
            reason=reason,
            adjustment=Adjustment(adjustment_id, indicators, reason.strip()),
        )

    def decide_adjustment(self, adjustment_id: str, approve: bool, reason: str, on: datetime.date) -> None:
        request = self.adjustments.get(adjustment_id)
        if request is None:
            raise NotFound(f"调整申请 {adjustment_id} 不存在", code="targets.adjustment_unknown")
        if request.status is not AdjustmentStatus.PENDING:
            raise InvalidState(f"调整申请 {adjustment_id} 已审批", code="targets.adjustment_decided")
        need_text(reason, "审批调整申请须说明理由")
        self._emit(
            self.AdjustmentDecided,
            reason=reason,
            adjustment_id=adjustment_id,
            approved=approve,
            decided_on=on,
        )

    # ---- reading ---------------------------------------------------------------------------
    def targets(self, version: int | None = None) -> TargetVersion | None:
        """The approved targets (the latest version, or ``version``); None before approval."""
        if not self.versions:
            return None
        if version is None:
            return self.versions[-1]
        if not 1 <= version <= len(self.versions):
            raise NotFound(
                f"没有第 {version} 版绩效目标（现有 1–{len(self.versions)} 版）",
                code="targets.version_unknown",
            )
        return self.versions[version - 1]

    def _editable(self) -> None:
        if self.status not in EDITABLE:
            raise InvalidState(
                f"申报表当前为「{STATUS_LABEL[self.status]}」，不能修改", code="targets.not_editable"
            )
