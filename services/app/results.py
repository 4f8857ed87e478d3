"""The application's named commands of 结果应用 (results applied to the budget).

A mixin of ``JixiaoApplication``, like ``cycle.py`` and ``rectifying.py``: each method runs one
command of ``services/app/commands/results.py`` through the one command path.
"""

from __future__ import annotations

from uuid import UUID

from domain.errors import NotFound
from domain.ids import policy_id, recommendation_id
from domain.results import Recommendation, ResultPolicy
from services.app.commandpath import CommandPath
from services.app.commands import results as c
from services.app.commands.spec import Done
from services.app.policy import Caller


class Results(CommandPath):
    """Needs ``execute``, ``create_with``, ``authorize`` and ``load`` (the application)."""

    def load_policy(self, tenant: str, version: int | None = None) -> ResultPolicy:
        return self.load(ResultPolicy, policy_id(tenant), version)

    def load_recommendation(self, recommendation: UUID, version: int | None = None) -> Recommendation:
        return self.load(Recommendation, recommendation, version)

    def adopt_policy(self, caller: Caller, tenant: str, body: c.AdoptPolicy) -> ResultPolicy:
        adopted: ResultPolicy = self.create_with(caller, c.ADOPT_POLICY, (tenant, body))
        return adopted

    def revise_policy(
        self, caller: Caller, tenant: str, body: c.RevisePolicy, expected_version: int | None = None
    ) -> Done[ResultPolicy, None]:
        return self.execute(caller, c.REVISE_POLICY, policy_id(tenant), body, expected_version)

    def recommend(self, caller: Caller, evaluation: UUID) -> Recommendation | None:
        """The evaluation's recommendation, made or made again from its current inputs; None when
        they have not changed since the last one."""
        rid = recommendation_id(evaluation)
        try:
            self.load(Recommendation, rid)
        except NotFound:
            made: Recommendation = self.create_with(caller, c.MAKE, evaluation)
            return made
        done = self.execute(caller, c.REMAKE, rid, evaluation)
        return done.aggregate if done.result else None

    def decide_recommendation(
        self,
        caller: Caller,
        recommendation: UUID,
        body: c.DecideRecommendation,
        expected_version: int | None = None,
    ) -> Done[Recommendation, None]:
        return self.execute(caller, c.DECIDE, recommendation, body, expected_version)
