"""结果应用: a finance side's policy (versioned) and each finalized evaluation's recommendation for
the next cycle's budget, with the finance system's decision recorded back.

A **policy** (``ResultPolicy``, one per bureau: ``policy_id(tenant)``) is adopted and revised by the
finance side of a bureau; each revision is a new version, with a reason. A bureau's projects are
judged by the nearest policy on its line (its own, then its ancestors'), else the platform's
default (``DEFAULT_RULES``, version 0).

A **recommendation** (``Recommendation``, one per evaluation) belongs to the evaluated bureau. It is
made when the evaluation is finalized and made again when its inputs change (the evaluation's
rectification closed, failed, or the evaluation re-finalized with another grade); each carries the
policy version and the inputs it came from. The finance bureau's budget system records its
decision back: accepted, or changed with a reason.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError, InvalidState
from domain.ids import policy_id, recommendation_id
from domain.results.values import Advice, Decision, Inputs, Outcome, Rules


class ResultPolicy(TenantAggregate):
    class Adopted(TenantAggregate.Created):
        rules: Rules

    class Revised(TenantAggregate.Event):
        rules: Rules

        def apply(self, aggregate: Any) -> None:
            aggregate.rules = self.rules
            aggregate.revision += 1

    def __init__(self, meta: Meta, rules: Rules) -> None:
        self.tenant = meta.tenant
        self.rules = rules
        self.revision = 1

    @classmethod
    def adopt(cls, tenant: str, rules: Rules, reason: str = "") -> ResultPolicy:
        rules.check()
        adopted: ResultPolicy = cls._start(
            cls.Adopted, id=policy_id(tenant), tenant=tenant, reason=reason, rules=rules
        )
        return adopted

    def revise(self, rules: Rules, reason: str) -> None:
        rules.check()
        if not reason.strip():
            raise DomainError("修订结果应用政策须说明原因", code="reason.missing")
        if rules == self.rules:
            raise InvalidState("政策内容未变化", code="results.unchanged")
        self._emit(self.Revised, reason=reason.strip(), rules=rules)


class Recommendation(TenantAggregate):
    class Made(TenantAggregate.Created):
        evaluation_id: UUID
        project_id: UUID
        project_name: str
        year: int  # the evaluated year; the advice is for the next cycle's budget
        inputs: Inputs
        outcome: Outcome

    class Remade(TenantAggregate.Event):
        inputs: Inputs
        outcome: Outcome

        def apply(self, aggregate: Any) -> None:
            aggregate.inputs = self.inputs
            aggregate.outcome = self.outcome
            aggregate.decision = None
            aggregate.history.append((self.inputs, self.outcome))

    class Decided(TenantAggregate.Event):
        decision: Decision
        outcome: Outcome  # what the budget system applies (the recommendation's, or changed)
        decided_on: datetime.date

        def apply(self, aggregate: Any) -> None:
            aggregate.decision = (self.decision, self.outcome, self.decided_on)

    def __init__(
        self,
        meta: Meta,
        evaluation_id: UUID,
        project_id: UUID,
        project_name: str,
        year: int,
        inputs: Inputs,
        outcome: Outcome,
    ) -> None:
        self.tenant = meta.tenant
        self.evaluation_id = evaluation_id
        self.project_id = project_id
        self.project_name = project_name
        self.year = year
        self.inputs = inputs
        self.outcome = outcome
        self.decision: tuple[Decision, Outcome, datetime.date] | None = None
        self.history: list[tuple[Inputs, Outcome]] = [(inputs, outcome)]

    @classmethod
    def make(
        cls,
        tenant: str,
        evaluation: UUID,
        project: tuple[UUID, str, int],
        inputs: Inputs,
        outcome: Outcome,
        reason: str,
    ) -> Recommendation:
        project_id, name, year = project
        made: Recommendation = cls._start(
            cls.Made,
            id=recommendation_id(evaluation),
            tenant=tenant,
            reason=reason,
            evaluation_id=evaluation,
            project_id=project_id,
            project_name=name,
            year=year,
            inputs=inputs,
            outcome=outcome,
        )
        return made

    def remake(self, inputs: Inputs, outcome: Outcome, reason: str) -> bool:
        """A new recommendation when its inputs changed; False (nothing recorded) when not."""
        if inputs == self.inputs:
            return False
        self._emit(self.Remade, reason=reason, inputs=inputs, outcome=outcome)
        return True

    def decide(self, decision: Decision, outcome: Outcome | None, reason: str, on: datetime.date) -> None:
        if decision is Decision.ACCEPTED:
            applied = self.outcome
        else:
            if outcome is None:
                raise DomainError("调整采纳须给出调整后的建议", code="results.outcome_missing")
            if not reason.strip():
                raise DomainError("调整采纳须说明原因", code="reason.missing")
            if (outcome.advice is Advice.CUT) != (outcome.cut_pct > 0) or not 0 <= outcome.cut_pct <= 100:
                raise DomainError(
                    "压减须给出 0–100 之间大于 0 的比例，其他建议不填比例", code="results.cut_invalid"
                )
            applied = outcome
        self._emit(self.Decided, reason=reason.strip(), decision=decision, outcome=applied, decided_on=on)
