"""The inputs of the application's commands (msgspec Structs): what a caller states, beside the
ids of what it acts on and the version it expects. The HTTP API takes them as request bodies as
they are; decimals travel as strings, names are snake_case."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from msgspec import Meta, Struct

from domain.evaluation import EvaluationKind
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import RuleInput
from domain.tenants import Role, TenantLevel
from domain.users import AccountKind

Code = Annotated[str, Meta(pattern=r"^[0-9]{6}$", description="六位行政区划代码，如 360100")]
Text = Annotated[str, Meta(max_length=2000)]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000, description="原因（必填）")]
Points = Annotated[Decimal, Meta(description='分值，十进制字符串，如 "0.5"')]
Amount = Annotated[Decimal, Meta(description='金额（元），十进制字符串，如 "12345.67"')]
Year = Annotated[int, Meta(ge=2000, le=2100)]


class RegisterTenant(Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    level: TenantLevel
    parent: Code | None = None


class RegisterUser(Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$")]
    display_name: Name
    roles: Annotated[list[Role], Meta(min_length=1)]
    kind: AccountKind = AccountKind.PERSON  # person: signs in; service: holds API tokens
    password: Annotated[str, Meta(min_length=1, max_length=256)] | None = None  # a person's first password
    phone: Annotated[str, Meta(pattern=r"^[0-9+() -]{5,30}$")] | None = None  # a person's 联系电话 (sealed)


class PublishTemplate(Struct, forbid_unknown_fields=True):
    name: Name
    indicators: Annotated[list[IndicatorSpec], Meta(max_length=500)]
    description: Text = ""
    year: Year | None = None  # the budget year it is for (none: any year)
    based_on: AdoptTemplate | None = None  # inherit a parent bureau's (or the platform's) template


class ReviseTemplate(Struct, forbid_unknown_fields=True):
    indicators: Annotated[list[IndicatorSpec], Meta(min_length=1, max_length=500)]
    reason: Reason


class MoveTemplate(Struct, forbid_unknown_fields=True):
    revision: Annotated[int, Meta(ge=1)]
    reason: Reason


class RegisterProject(Struct, forbid_unknown_fields=True):
    code: Annotated[str, Meta(min_length=1, max_length=64)]
    name: Name
    year: Year
    department: Text = ""
    implementing_unit: Text = ""
    goal: Text = ""


class RecordEntry(Struct, forbid_unknown_fields=True):
    kind: EntryKind
    source: FundingSource
    amount: Amount
    date: datetime.date
    document: Text = ""
    purpose: Text = ""
    corrects: str | None = None
    reason: Text = ""
    entry_id: Annotated[str, Meta(min_length=1, max_length=64)] | None = None


class StartEvaluation(Struct, forbid_unknown_fields=True):
    kind: EvaluationKind
    evaluator_name: Name
    third_party: bool = False
    grades: Literal["default", "long"] = "default"  # 优/良/中/差 or 优秀/良好/中/差


class RecordSummary(Struct, forbid_unknown_fields=True):
    achieved: Text


class AdoptTemplate(Struct, forbid_unknown_fields=True):
    template_tenant: Code
    template_name: Name
    revision: Annotated[int, Meta(ge=1)] | None = None


class RecordActual(Struct, forbid_unknown_fields=True):
    actual: Text | None = None
    given: RuleInput | None = None


class ApplyDeduction(Struct, forbid_unknown_fields=True):
    """A deduction on an indicator; without ``deduction_id`` the command chooses the next free
    ``<indicator key>-D<n>`` (``services/app/commands/evaluations.py``, ``next_deduction_id``)."""

    indicator: Annotated[str, Meta(min_length=1, max_length=64)]
    points: Points
    reason: Reason
    deduction_id: Annotated[str, Meta(min_length=1, max_length=64)] | None = None


class JudgeScore(Struct, forbid_unknown_fields=True):
    """酌情给分: ``points`` (the score, for a judgement rule) or ``adjustment`` (added to the
    rule's result, within the rule's discretion); neither withdraws the decision. Always a reason."""

    reason: Reason
    points: Points | None = None
    adjustment: Points | None = None


class ReviseDeduction(Struct, forbid_unknown_fields=True):
    points: Points
    reason: Reason


class WithReason(Struct, forbid_unknown_fields=True):
    reason: Reason


class NoteDeviation(Struct, forbid_unknown_fields=True):
    note: Text


class RecordStatedScore(Struct, forbid_unknown_fields=True):
    score: Points


class RecordStatedTotal(Struct, forbid_unknown_fields=True):
    total: Points | None = None
    grade: Annotated[str, Meta(max_length=20)] | None = None


# ---- accounts ------------------------------------------------------------------------------
Password = Annotated[
    str,
    Meta(min_length=1, max_length=256, description="密码（不少于 10 位，含大写、小写、数字、符号中的三类）"),
]


class ChangeRoles(Struct, forbid_unknown_fields=True):
    roles: Annotated[list[Role], Meta(min_length=1)]
    reason: Reason


class SetPassword(Struct, forbid_unknown_fields=True):
    password: Password
    reason: Reason = "管理员重置密码"


class ChangeOwnPassword(Struct, forbid_unknown_fields=True):
    current: Password
    password: Password


class IssueToken(Struct, forbid_unknown_fields=True):
    label: Annotated[str, Meta(min_length=1, max_length=200, description="令牌用途，如“财政预算系统对接”")]
    days: Annotated[int, Meta(ge=1, le=366)] = 90


class SignIn(Struct, forbid_unknown_fields=True):
    tenant: Code
    username: Annotated[str, Meta(min_length=1, max_length=64)]
    password: Password


class ChangeContact(Struct, forbid_unknown_fields=True):
    """A person's name and telephone number (both sealed with their own key)."""

    display_name: Name
    phone: Annotated[str, Meta(pattern=r"^[0-9+() -]{5,30}$")] | None = None
