"""Request and response bodies (msgspec Structs). Decimals travel as strings; names are snake_case."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from msgspec import Meta, Struct

from domain.evaluation import EvaluationKind
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import RuleInput
from domain.tenants import Role, TenantLevel

Code = Annotated[str, Meta(pattern=r"^\d{6}$", description="六位行政区划代码，如 360100")]
Text = Annotated[str, Meta(max_length=2000)]
Name = Annotated[str, Meta(min_length=1, max_length=200)]
Reason = Annotated[str, Meta(min_length=1, max_length=2000, description="原因（必填）")]
Points = Annotated[Decimal, Meta(description='分值，十进制字符串，如 "0.5"')]
Amount = Annotated[Decimal, Meta(description='金额（元），十进制字符串，如 "12345.67"')]
Year = Annotated[int, Meta(ge=2000, le=2100)]


class TenantIn(Struct, forbid_unknown_fields=True):
    code: Code
    name: Name
    level: TenantLevel
    parent: Code | None = None


class UserIn(Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(pattern=r"^[A-Za-z0-9._-]{1,64}$")]
    display_name: Name
    roles: Annotated[list[Role], Meta(min_length=1)]


class TemplateIn(Struct, forbid_unknown_fields=True):
    name: Name
    indicators: Annotated[list[IndicatorSpec], Meta(min_length=1, max_length=500)]
    description: Text = ""


class ProjectIn(Struct, forbid_unknown_fields=True):
    code: Annotated[str, Meta(min_length=1, max_length=64)]
    name: Name
    year: Year
    department: Text = ""
    implementing_unit: Text = ""
    goal: Text = ""


class EntryIn(Struct, forbid_unknown_fields=True):
    kind: EntryKind
    source: FundingSource
    amount: Amount
    date: datetime.date
    document: Text = ""
    purpose: Text = ""
    corrects: str | None = None
    reason: Text = ""
    entry_id: Annotated[str, Meta(min_length=1, max_length=64)] | None = None


class EvaluationIn(Struct, forbid_unknown_fields=True):
    kind: EvaluationKind
    evaluator_name: Name
    third_party: bool = False
    grades: Literal["default", "long"] = "default"  # 优/良/中/差 or 优秀/良好/中/差


class SummaryIn(Struct, forbid_unknown_fields=True):
    achieved: Text


class TemplateUse(Struct, forbid_unknown_fields=True):
    template_tenant: Code
    template_name: Name
    revision: Annotated[int, Meta(ge=1)] | None = None


class ActualIn(Struct, forbid_unknown_fields=True):
    actual: Text | None = None
    given: RuleInput | None = None


class DeductionIn(Struct, forbid_unknown_fields=True):
    deduction_id: Annotated[str, Meta(min_length=1, max_length=64)]
    indicator: Annotated[str, Meta(min_length=1, max_length=64)]
    points: Points
    reason: Reason


class RevisionIn(Struct, forbid_unknown_fields=True):
    points: Points
    reason: Reason


class ReasonIn(Struct, forbid_unknown_fields=True):
    reason: Reason


class NoteIn(Struct, forbid_unknown_fields=True):
    note: Text


class StatedScoreIn(Struct, forbid_unknown_fields=True):
    score: Points


class StatedTotalIn(Struct, forbid_unknown_fields=True):
    total: Points | None = None
    grade: Annotated[str, Meta(max_length=20)] | None = None


class Done(Struct):
    """A command's result: the resource and its new version (also in the ETag header)."""

    id: str
    version: int
    total: Decimal | None = None
    grade: str | None = None
    flags: list[dict[str, Any]] | None = None


class Me(Struct):
    user: str
    tenant: str
    roles: list[str]
    evaluations: list[str]
