"""Integration payloads of 结果应用: a finance side's policy adopted or revised, and each finalized
evaluation's budget recommendation for the next cycle — made, made again when its inputs change,
and the finance system's decision recorded back.

A finance bureau's budget system subscribes to ``recommendation.made`` and ``recommendation.remade``
under its region's subjects (``jixiao.<province>.<city>.>``); each carries the advice (priority |
keep | cut | suspend | cancel, with ``cut_pct`` for a cut), the grade and total it came from, the
policy version and the rectification state. Shares and totals are decimal strings.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

from services.relay.contracts.payloads import _Payload


class BandData(_Payload, frozen=True, kw_only=True):
    grade: str  # 优 | 良 | 中 | 差
    advice: str
    cut_pct: Decimal = Decimal(0)


class RulesData(_Payload, frozen=True, kw_only=True):
    bands: list[BandData]
    unrectified: str = "suspend"
    open_rectification: str | None = None


class PolicyAdopted(_Payload, frozen=True, kw_only=True):
    rules: RulesData


class PolicyRevised(_Payload, frozen=True, kw_only=True):
    rules: RulesData


class InputsData(_Payload, frozen=True, kw_only=True):
    grade: str
    total: Decimal
    policy_tenant: str  # "" : the platform's default policy
    policy_version: int
    rectification: str = ""  # "" | open | overdue | closed


class OutcomeData(_Payload, frozen=True, kw_only=True):
    advice: str  # priority | keep | cut | suspend | cancel
    cut_pct: Decimal = Decimal(0)


class RecommendationMade(_Payload, frozen=True, kw_only=True):
    evaluation_id: UUID
    project_id: UUID
    project_name: str
    year: int
    inputs: InputsData
    outcome: OutcomeData


class RecommendationRemade(_Payload, frozen=True, kw_only=True):
    inputs: InputsData
    outcome: OutcomeData


class RecommendationDecided(_Payload, frozen=True, kw_only=True):
    decision: str  # accepted | changed
    outcome: OutcomeData  # what the budget applies
    decided_on: datetime.date


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "result_policy.adopted": (PolicyAdopted, 1),
    "result_policy.revised": (PolicyRevised, 1),
    "recommendation.made": (RecommendationMade, 1),
    "recommendation.remade": (RecommendationRemade, 1),
    "recommendation.decided": (RecommendationDecided, 1),
}
