"""Current aggregate state for projections that present it (scorecards, ledgers, audit).

Projections fold events with the domain's own ``apply`` so a view shows exactly what the
aggregate — and time travel — would compute. Aggregates are kept in an LRU; a miss (or a
gap) is filled by folding the aggregate's earlier rows from the log in the same transaction.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar
from uuid import UUID

from psycopg import Cursor

from projections.core.stream import EVENTS_TABLE, Envelope
from services.app.application import replay
from services.app.mapper import MsgspecMapper

_MAPPER = MsgspecMapper()
T = TypeVar("T")


class Folder:
    def __init__(self, maxsize: int = 20_000) -> None:
        self.maxsize = maxsize
        self._cache: OrderedDict[UUID, Any] = OrderedDict()

    def before(self, cur: Cursor[Any], env: Envelope) -> Any:
        """The aggregate as it stood just before ``env`` (None for a creation event)."""
        agg = self._cache.get(env.originator_id)
        if agg is not None and agg.version == env.version - 1:
            self._cache.move_to_end(env.originator_id)
            return agg
        if env.version == 1:
            return None
        return self._load(cur, env.originator_id, env.version - 1)

    def apply(
        self, cur: Cursor[Any], env: Envelope, peek: Callable[[Any], T] | None = None
    ) -> tuple[T | None, Any]:
        """Fold ``env``; ``peek`` reads the aggregate before the event (it is then mutated in place)."""
        agg = self.before(cur, env)
        seen = peek(agg) if peek is not None else None
        after = replay(agg, (env.event,))  # folds in place; a creation event makes a new aggregate
        if agg is None or self._cache.get(env.originator_id) is not after:
            self._remember(env.originator_id, after)
        return seen, after

    def _load(self, cur: Cursor[Any], originator_id: UUID, upto: int) -> Any:
        rows = cur.execute(
            f"SELECT originator_version, topic, state FROM {EVENTS_TABLE} "
            "WHERE originator_id = %s AND originator_version <= %s ORDER BY originator_version",
            (originator_id, upto),
            prepare=True,
        ).fetchall()
        return replay(None, (_MAPPER.decode_row(originator_id, v, t, s) for v, t, s in rows))

    def _remember(self, originator_id: UUID, aggregate: Any) -> None:
        self._cache[originator_id] = aggregate
        self._cache.move_to_end(originator_id)
        while len(self._cache) > self.maxsize:
            self._cache.popitem(last=False)

    def forget(self) -> None:
        """After a rolled-back batch the cache may hold state the database does not: drop it."""
        self._cache.clear()
