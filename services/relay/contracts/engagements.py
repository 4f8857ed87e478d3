"""Integration payloads of third-party engagements: a bureau's record of a firm and the bureaus it
is related to; engagements granted (which evaluations, when, whose staff), accepted with the
firm's conflict-of-interest declaration, staff changed, revoked."""

from __future__ import annotations

import datetime
from uuid import UUID

from services.relay.contracts.payloads import _Payload


class FirmRecorded(_Payload, frozen=True, kw_only=True):
    firm_code: str
    name: str


class FirmRelationRecorded(_Payload, frozen=True, kw_only=True):
    bureau: str
    nature: str


class EngagementGranted(_Payload, frozen=True, kw_only=True):
    firm_code: str
    firm_name: str
    name: str
    evaluations: list[UUID]
    start: datetime.date
    end: datetime.date
    staff: list[str]


class EngagementAccepted(_Payload, frozen=True, kw_only=True):
    declaration: str
    by: str


class EngagementStaffChanged(_Payload, frozen=True, kw_only=True):
    staff: list[str]


class EngagementRevoked(_Payload, frozen=True, kw_only=True):
    pass


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "firm.recorded": (FirmRecorded, 1),
    "firm.relation_recorded": (FirmRelationRecorded, 1),
    "engagement.granted": (EngagementGranted, 1),
    "engagement.accepted": (EngagementAccepted, 1),
    "engagement.staff_changed": (EngagementStaffChanged, 1),
    "engagement.revoked": (EngagementRevoked, 1),
}
