"""Commands of third-party engagements: a bureau records a firm (and the bureaus it is related
to), engages it for named evaluations for a period, changes its staff, revokes it; the firm's
person accepts it with a conflict-of-interest declaration."""

from __future__ import annotations

import datetime
from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.engagements import Engagement, FirmRecord
from domain.errors import NotFound
from domain.evaluation import Evaluation
from domain.ids import firm_id, tenant_id
from domain.tenants import Tenant
from services.app.commands.inputs import Code, Name, Reason
from services.app.commands.spec import Change, Create, Loader, lineage
from services.app.policy import Target

User = Annotated[str, Meta(min_length=1, max_length=64, description="评价机构人员的用户名")]
CreditCode = Annotated[str, Meta(min_length=18, max_length=18, description="统一社会信用代码")]


class RecordFirm(Struct, forbid_unknown_fields=True):
    firm_code: CreditCode
    name: Name


class RelateFirm(Struct, forbid_unknown_fields=True):
    bureau: Code
    nature: Annotated[str, Meta(min_length=1, max_length=500, description="关联关系")]


class GrantEngagement(Struct, forbid_unknown_fields=True):
    firm_code: CreditCode
    name: Name  # 委托事项
    evaluations: Annotated[list[UUID], Meta(min_length=1, max_length=200)]
    start: datetime.date
    end: datetime.date
    staff: Annotated[list[User], Meta(min_length=1, max_length=50)]


class AcceptEngagement(Struct, forbid_unknown_fields=True):
    declaration: Annotated[str, Meta(min_length=1, max_length=4000, description="利益冲突声明")]


class ChangeStaff(Struct, forbid_unknown_fields=True):
    staff: Annotated[list[User], Meta(min_length=1, max_length=50)]
    reason: Reason


class RevokeEngagement(Struct, forbid_unknown_fields=True):
    reason: Reason


def _bureau(load: Loader, body: tuple[str, RecordFirm]) -> None:
    load(Tenant, tenant_id(body[0]))


RECORD_FIRM: Create[FirmRecord, tuple[str, RecordFirm], None] = Create(
    action=lambda body: "engagement.record_firm",
    prepare=_bureau,
    target=lambda caller, body, _: Target(body[0]),
    make=lambda caller, relation, body, _: FirmRecord.record(body[0], body[1].firm_code, body[1].name),
)


def _known_bureau(load: Loader, firm: FirmRecord, body: RelateFirm) -> None:
    load(Tenant, tenant_id(body.bureau))


RELATE_FIRM: Change[FirmRecord, RelateFirm, None, None] = Change(
    "engagement.record_firm", FirmRecord, lambda f, body, _: f.relate(body.bureau, body.nature), _known_bureau
)


def _granting(load: Loader, body: tuple[str, GrantEngagement]) -> tuple[FirmRecord, dict[UUID, str]]:
    """The firm as the bureau recorded it, and each named evaluation's evaluated bureau — only
    evaluations the engaging bureau runs (its own, or those it evaluates below it)."""
    tenant, g = body
    try:
        firm = load(FirmRecord, firm_id(tenant, g.firm_code))
    except NotFound:
        raise NotFound(
            f"本单位尚未登记评价机构 {g.firm_code}：请先登记", code="engagement.firm_unknown"
        ) from None
    evaluated: dict[UUID, str] = {}
    for ev in g.evaluations:
        e = load(Evaluation, ev)
        writer = e.evaluator.tenant or e.tenant
        if writer != tenant or tenant not in lineage(load, e.tenant):
            raise NotFound(f"评价 {ev} 不是本单位开展的评价，不能委托", code="engagement.not_ours")
        evaluated[ev] = e.tenant
    return firm, evaluated


GRANT: Create[Engagement, tuple[str, GrantEngagement], tuple[FirmRecord, dict[UUID, str]]] = Create(
    action=lambda body: "engagement.grant",
    prepare=_granting,
    target=lambda caller, body, _: Target(body[0]),
    make=lambda caller, relation, body, p: Engagement.grant(
        body[0], p[0], body[1].name, p[1], (body[1].start, body[1].end), tuple(body[1].staff)
    ),
)


def _accept(e: Engagement, body: tuple[str, str, AcceptEngagement], _: None) -> None:
    engagement, user, given = body
    if engagement != str(e.id):  # another engagement's people do not see this one
        raise NotFound("委托不存在", code="not_found")
    e.accept(user, given.declaration)


ACCEPT: Change[Engagement, tuple[str, str, AcceptEngagement], None, None] = Change(
    "engagement.accept", Engagement, _accept
)
CHANGE_STAFF: Change[Engagement, ChangeStaff, None, None] = Change(
    "engagement.grant", Engagement, lambda e, body, _: e.change_staff(tuple(body.staff), body.reason)
)
REVOKE: Change[Engagement, RevokeEngagement, None, None] = Change(
    "engagement.revoke", Engagement, lambda e, body, _: e.revoke(body.reason)
)
