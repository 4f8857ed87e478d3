"""Current aggregate state for projections that present it (scorecards, ledgers, audit).

Projections fold events with the domain's own ``apply`` so a view shows exactly what the
aggregate — and time travel — would compute. Folded aggregates are kept in a bounded cache; a
miss (or a gap) is filled by folding the aggregate's earlier rows from the log in the same
transaction.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Cursor

from services.eventlog.mapper import MsgspecMapper
from services.eventlog.replay import replay
from services.eventlog.stream import EVENTS_TABLE, Envelope

_MAPPER = MsgspecMapper()


class Folder:
    """Keyed by the id's integer (``UUID.__hash__`` is Python code, called for every event);
    evicts the oldest entry when full — a rebuild meets aggregates in runs, so recency order
    bought nothing but a ``move_to_end`` per event."""

    def __init__(self, maxsize: int = 20_000) -> None:
        self.maxsize = maxsize
        self._cache: dict[int, Any] = {}

    def before(self, cur: Cursor[Any], env: Envelope) -> Any:
        """The aggregate as it stood just before ``env`` (None for a creation event)."""
        agg = self._cache.get(env.originator_id.int)
        if agg is not None and agg.version == env.version - 1:
            return agg
        if env.version == 1:
            return None
        return self._load(cur, env.originator_id, env.version - 1)

    def advance(self, env: Envelope, agg: Any) -> Any:
        """Fold ``env`` into ``agg`` (from ``before``; mutated in place) and remember the result."""
        after = replay(agg, (env.event,))  # a creation event makes a new aggregate
        key = env.originator_id.int
        if self._cache.get(key) is not after:
            self._cache[key] = after
            if len(self._cache) > self.maxsize:
                del self._cache[next(iter(self._cache))]
        return after

    def apply(self, cur: Cursor[Any], env: Envelope) -> Any:
        """The aggregate right after ``env``."""
        return self.advance(env, self.before(cur, env))

    def _load(self, cur: Cursor[Any], originator_id: UUID, upto: int) -> Any:
        rows = cur.execute(
            f"SELECT originator_version, topic, state FROM {EVENTS_TABLE} "
            "WHERE originator_id = %s AND originator_version <= %s ORDER BY originator_version",
            (originator_id, upto),
            prepare=True,
        ).fetchall()
        return replay(None, (_MAPPER.decode_row(originator_id, v, t, s) for v, t, s in rows))

    def forget(self) -> None:
        """After a rolled-back batch the cache may hold state the database does not: drop it."""
        self._cache.clear()
