"""The scorecards read model's twin: the same rows, folded from events in memory.

It folds each evaluation's events with the domain's own ``apply`` and presents it with the same
row function as the projection (``scorecard_of``), so its answers are the projection's.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from domain.evaluation import Evaluation
from projections.scorecards.rows import Scorecard, decode_scorecard, encode_scorecard, scorecard_of
from services.eventlog.replay import replay
from services.eventlog.stream import Envelope

_COLUMNS = ("evaluation_id", "project_id", "year", "kind", "evaluator", "status", "total", "grade", "flags")


class InMemoryScorecards:
    def __init__(self) -> None:
        self._aggregates: dict[UUID, Any] = {}
        self._rows: dict[UUID, tuple[Scorecard, bytes, UUID]] = {}

    def apply(self, envelopes: Iterable[Envelope]) -> None:
        for env in envelopes:
            folded = replay(self._aggregates.get(env.originator_id), (env.event,))
            self._aggregates[env.originator_id] = folded
            if isinstance(folded, Evaluation):
                card = scorecard_of(folded)
                self._rows[folded.id] = (card, encode_scorecard(card), folded.project_id)

    def document(self, evaluation_id: UUID) -> tuple[int, bytes] | None:
        found = self._rows.get(evaluation_id)
        return None if found is None else (found[0].version, found[1])

    def scorecard(self, evaluation_id: UUID) -> Scorecard | None:
        found = self._rows.get(evaluation_id)
        return None if found is None else decode_scorecard(found[1])

    def list(self, tenant: str, year: int | None = None) -> list[dict[str, Any]]:
        rows = [
            (eid, project, c)
            for eid, (c, _, project) in self._rows.items()
            if c.tenant == tenant and (year is None or c.year == year)
        ]
        rows.sort(key=lambda r: (r[2].year, r[1], r[2].kind))
        return [
            dict(
                zip(
                    _COLUMNS,
                    (eid, project, c.year, c.kind, c.evaluator, c.status, c.total, c.grade, len(c.flags)),
                    strict=True,
                )
            )
            for eid, project, c in rows
        ]
