"""Third-party engagements (委托第三方评价) as events, not only as signed tokens.

A bureau (its finance side or its evaluators' reviewer) **engages** a firm for named evaluations
of its region for a period. The firm's people reach those evaluations through the engagement:
their tokens name the engagement, and each request is let in only while it stands — accepted,
within its period, not revoked, the person among its staff — so revoking it takes effect on the
next request. **Accepting** is the firm's act and carries its conflict-of-interest declaration
(利益冲突声明). A firm the bureau has recorded as **related** to a bureau (its accountant, a
shareholder's firm…) cannot be engaged on that bureau's evaluations.

``FirmRecord`` is what a bureau knows of a firm (one per bureau and firm code, the 统一社会信用代码):
its name and the bureaus it is related to.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from uuid import UUID

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError, InvalidState
from domain.ids import engagement_id, firm_id

_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def check_firm_code(code: str) -> None:
    if not _CREDIT_CODE.match(code):
        raise DomainError(
            f"统一社会信用代码应为 18 位（数字与大写字母），收到「{code}」", code="engagement.firm_code"
        )


class FirmRecord(TenantAggregate):
    class Recorded(TenantAggregate.Created):
        firm_code: str
        name: str

    class RelationRecorded(TenantAggregate.Event):
        bureau: str
        nature: str  # 关联关系：如“为其提供记账服务”

        def apply(self, aggregate: Any) -> None:
            aggregate.related[self.bureau] = self.nature

    def __init__(self, meta: Meta, firm_code: str, name: str) -> None:
        self.tenant = meta.tenant
        self.firm_code = firm_code
        self.name = name
        self.related: dict[str, str] = {}

    @classmethod
    def record(cls, tenant: str, firm_code: str, name: str) -> FirmRecord:
        check_firm_code(firm_code)
        if not name.strip():
            raise DomainError("请填写评价机构名称", code="engagement.firm_name")
        made: FirmRecord = cls._start(
            cls.Recorded, id=firm_id(tenant, firm_code), tenant=tenant, firm_code=firm_code, name=name.strip()
        )
        return made

    def relate(self, bureau: str, nature: str) -> None:
        if not nature.strip():
            raise DomainError("请说明关联关系", code="engagement.relation_nature")
        if self.related.get(bureau) != nature.strip():
            self._emit(self.RelationRecorded, bureau=bureau, nature=nature.strip())


class Engagement(TenantAggregate):
    class Granted(TenantAggregate.Created):
        firm_code: str
        firm_name: str
        name: str  # 委托事项，如“2024年度医保宣传项目第三方评价”
        evaluations: tuple[UUID, ...]
        start: datetime.date
        end: datetime.date
        staff: tuple[str, ...]  # the firm's people (user names on their tokens)

    class Accepted(TenantAggregate.Event):
        declaration: str  # 利益冲突声明
        by: str

        def apply(self, aggregate: Any) -> None:
            aggregate.accepted_by = self.by
            aggregate.declaration = self.declaration

    class StaffChanged(TenantAggregate.Event):
        staff: tuple[str, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.staff = self.staff

    class Revoked(TenantAggregate.Event):
        def apply(self, aggregate: Any) -> None:
            aggregate.revoked = True

    def __init__(
        self,
        meta: Meta,
        firm_code: str,
        firm_name: str,
        name: str,
        evaluations: tuple[UUID, ...],
        start: datetime.date,
        end: datetime.date,
        staff: tuple[str, ...],
    ) -> None:
        self.tenant = meta.tenant
        self.firm_code = firm_code
        self.firm_name = firm_name
        self.name = name
        self.evaluations = evaluations
        self.start = start
        self.end = end
        self.staff = staff
        self.accepted_by = ""
        self.declaration = ""
        self.revoked = False

    @classmethod
    def grant(
        cls,
        tenant: str,
        firm: FirmRecord,
        name: str,
        evaluations: dict[UUID, str],
        period: tuple[datetime.date, datetime.date],
        staff: tuple[str, ...],
    ) -> Engagement:
        """``evaluations``: each named evaluation with its evaluated bureau's code."""
        start, end = period
        if not name.strip():
            raise DomainError("请填写委托事项", code="engagement.name")
        if not evaluations:
            raise DomainError("请至少指定一个委托评价的评价", code="engagement.no_evaluations")
        if end < start:
            raise DomainError("委托结束日期早于开始日期", code="engagement.period")
        if not staff or any(not s.strip() for s in staff):
            raise DomainError("请填写评价机构参与人员的用户名", code="engagement.staff")
        related = sorted({b for b in evaluations.values() if b in firm.related})
        if related:
            b = related[0]
            raise DomainError(
                f"{firm.name}与被评价单位 {b} 存在关联关系（{firm.related[b]}），不能受托评价其项目",
                code="engagement.related",
            )
        made: Engagement = cls._start(
            cls.Granted,
            id=engagement_id(tenant, firm.firm_code, name.strip()),
            tenant=tenant,
            firm_code=firm.firm_code,
            firm_name=firm.name,
            name=name.strip(),
            evaluations=tuple(evaluations),
            start=start,
            end=end,
            staff=tuple(dict.fromkeys(s.strip() for s in staff)),
        )
        return made

    def accept(self, by: str, declaration: str) -> None:
        self._standing()
        if self.accepted_by:
            raise InvalidState("委托已接受", code="engagement.accepted")
        if by not in self.staff:
            raise DomainError("只有委托名单中的评价机构人员可以接受委托", code="engagement.not_staff")
        if len(declaration.strip()) < 10:
            raise DomainError(
                "请填写利益冲突声明（说明与被评价单位无利害关系）", code="engagement.declaration"
            )
        self._emit(self.Accepted, declaration=declaration.strip(), by=by)

    def change_staff(self, staff: tuple[str, ...], reason: str) -> None:
        self._standing()
        if not staff or any(not s.strip() for s in staff):
            raise DomainError("请填写评价机构参与人员的用户名", code="engagement.staff")
        if not reason.strip():
            raise DomainError("调整人员须说明原因", code="reason.missing")
        self._emit(
            self.StaffChanged, reason=reason.strip(), staff=tuple(dict.fromkeys(s.strip() for s in staff))
        )

    def revoke(self, reason: str) -> None:
        self._standing()
        if not reason.strip():
            raise DomainError("撤销委托须说明原因", code="reason.missing")
        self._emit(self.Revoked, reason=reason.strip())

    def _standing(self) -> None:
        if self.revoked:
            raise InvalidState("委托已撤销", code="engagement.revoked")

    def admits(self, user: str, on: datetime.date) -> bool:
        """Whether ``user`` reaches the engagement's evaluations on ``on``."""
        return (
            bool(self.accepted_by)
            and not self.revoked
            and self.start <= on <= self.end
            and user in self.staff
        )
