"""The engagements as the API admits a firm's people: per engagement its evaluations, period,
staff and whether it was accepted or revoked. A token naming an engagement is let in only while
the engagement stands (``resolve``), and then reaches exactly its evaluations.

Kept in step with the engagements read model once a second by the platform's follower (with the
token revocations, ``Platform.follow_revocations``) and at once by the worker that records a grant,
an acceptance, a staff change or a revocation: a revocation takes effect on that worker's next
request, and on every worker within about a second.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, replace
from typing import Any

from domain.engagements import Engagement
from projections.engagements.queries import EngagementRow
from services.api.auth import AuthError
from services.app.policy import Caller


@dataclass(frozen=True)
class Standing:
    evaluations: frozenset[str]
    start: datetime.date
    end: datetime.date
    staff: frozenset[str]
    accepted: bool
    revoked: bool


class EngagementBook:
    def __init__(self) -> None:
        self._state: dict[str, Standing] = {}
        self._lock = threading.Lock()

    def replace_all(self, rows: list[EngagementRow]) -> None:
        fresh = {
            str(r.engagement_id): Standing(
                frozenset(str(e) for e in r.evaluations),
                r.start_on,
                r.end_on,
                frozenset(r.staff),
                bool(r.accepted_by),
                r.revoked,
            )
            for r in rows
        }
        with self._lock:
            self._state = fresh

    def learn(self, e: Engagement) -> None:
        standing = Standing(
            frozenset(str(x) for x in e.evaluations),
            e.start,
            e.end,
            frozenset(e.staff),
            bool(e.accepted_by),
            e.revoked,
        )
        with self._lock:
            self._state = {**self._state, str(e.id): standing}

    def resolve(self, caller: Caller, today: datetime.date) -> Caller:
        """The caller with the engagement's evaluations, or ``AuthError`` when it does not stand."""
        s = self._state.get(caller.engagement)
        if s is None or s.revoked:
            raise AuthError("委托已撤销或不存在，请与委托单位联系", code="auth.engagement")
        if caller.user not in s.staff:
            raise AuthError("您不在该委托的评价机构人员名单中", code="auth.engagement")
        if not s.accepted:  # may accept it (and read who they are), nothing else
            return replace(caller, evaluations=frozenset())
        if not s.start <= today <= s.end:
            raise AuthError(f"委托的有效期为 {s.start} 至 {s.end}，当前不在有效期内", code="auth.engagement")
        return replace(caller, evaluations=s.evaluations)


def learn_from(book: EngagementBook, aggregate: Any) -> None:
    if isinstance(aggregate, Engagement):
        book.learn(aggregate)
