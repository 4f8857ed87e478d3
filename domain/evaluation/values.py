"""The evaluation's values: kinds, lifecycle states, the evaluator, a deduction."""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Any

import msgspec

from domain.scorecard import ZERO


class EvaluationKind(enum.StrEnum):
    SELF = "self"  # 单位自评
    DEPARTMENT = "department"  # 部门评价
    FINANCE = "finance"  # 财政评价


class Status(enum.StrEnum):
    DRAFT = "draft"  # 草稿
    SUBMITTED = "submitted"  # 已提交
    RETURNED = "returned"  # 已退回
    FINALIZED = "finalized"  # 已定稿


EDITABLE = (Status.DRAFT, Status.RETURNED)


class Evaluator(msgspec.Struct, frozen=True, omit_defaults=True):
    """The evaluating organisation: the bureau itself, its supervisor, or a third party."""

    name: str
    third_party: bool = False
    tenant: str | None = None  # the evaluating bureau's code when it is a bureau


class Deduction(msgspec.Struct, frozen=True, omit_defaults=True):
    deduction_id: str
    key: str
    points: Decimal
    reason: str
    active: bool = True


TAKEN = "_taken"  # the aggregate's memo of deducted_by_key, kept in step by the deduction events


def taken_moves(aggregate: Any, key: str, delta: Decimal) -> None:
    """A deduction event moved ``key``'s active points by ``delta``: the memo follows (when there
    is one). Points are positive, so a sum back at zero means no active deduction is left, and
    the key goes, as in a fresh count."""
    taken: dict[str, Decimal] | None = aggregate.__dict__.get(TAKEN)
    if taken is None or not delta:
        return
    now = taken.get(key, ZERO) + delta
    if now:
        taken[key] = now
    else:
        del taken[key]


STATUS_LABEL = {
    Status.DRAFT: "草稿",
    Status.SUBMITTED: "已提交",
    Status.RETURNED: "已退回",
    Status.FINALIZED: "已定稿",
}
