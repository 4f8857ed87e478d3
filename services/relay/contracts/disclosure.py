"""Integration payloads of 信息公开: a project's publication register opened, an item published
(with the frozen content exactly as the public page shows it) or withdrawn (撤回, the reason in the
envelope), and a project marked 涉密 or the mark lifted.

A national or provincial dashboard follows ``disclosure.published`` and ``disclosure.withdrawn``
under the tenant's subject; the content carries no personal data (``domain/disclosure/rules.py``).
Scores and money are decimal strings.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from services.relay.contracts.payloads import _Payload


class ScoreRowData(_Payload, frozen=True, kw_only=True):
    key: str
    name: str
    level: int
    weight: Decimal
    score: Decimal
    parent: str | None = None


class TargetRowData(_Payload, frozen=True, kw_only=True):
    key: str
    name: str
    level: int
    parent: str | None = None
    value: str = ""
    nature: str = ""
    unit: str = ""


class GradeShareData(_Payload, frozen=True, kw_only=True):
    grade: str
    count: int
    count_share: Decimal
    money: Decimal
    money_share: Decimal


class SummaryData(_Payload, frozen=True, kw_only=True):
    projects: int
    evaluated: int
    money: Decimal
    money_evaluated: Decimal
    money_share: Decimal
    grades: list[GradeShareData] = []  # noqa: RUF012


class ContentData(_Payload, frozen=True, kw_only=True):
    kind: str  # evaluation_result | targets | self_evaluation_summary
    bureau: str
    bureau_name: str
    project_code: str
    project_name: str
    year: int
    department: str = ""
    implementing_unit: str = ""
    evaluation_kind: str = ""
    evaluator: str = ""
    total: Decimal | None = None
    grade: str = ""
    scores: list[ScoreRowData] = []  # noqa: RUF012
    targets_version: int | None = None
    approved_on: datetime.date | None = None
    annual_goal: str = ""
    funds_total: Decimal | None = None
    targets: list[TargetRowData] = []  # noqa: RUF012
    summary: SummaryData | None = None  # version 2: the 自评结果汇总's figures


class DisclosureOpened(_Payload, frozen=True, kw_only=True):
    project_id: UUID
    year: int


class DisclosurePublished(_Payload, frozen=True, kw_only=True):
    kind: str
    source_id: UUID
    source_version: int
    content: ContentData


class DisclosureWithdrawn(_Payload, frozen=True, kw_only=True):
    key: str  # "<kind>:<source id>"


class ProjectClassificationChanged(_Payload, frozen=True, kw_only=True):
    classified: bool  # 涉密


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "disclosure.opened": (DisclosureOpened, 1),
    "disclosure.published": (DisclosurePublished, 2),  # v2 adds content.summary
    "disclosure.withdrawn": (DisclosureWithdrawn, 1),
    "project.classification_changed": (ProjectClassificationChanged, 1),
}
