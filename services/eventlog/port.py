"""The event log as the application service sees it: a port with two implementations.

``PostgresEventLog`` (``postgres.py``) is the product's; ``InMemoryEventLog`` (``memory.py``) is
its twin for unit tests. One contract suite (``tests/contracts/test_event_log.py``) runs against
both, so a unit test on the twin exercises the behaviour the real log has.

A *save* is the events of one command (one or more aggregates), stored together or not at all:
a save whose versions exist already (another writer was first) is refused as a whole
(``Conflict``) and leaves the log as it was.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from services.eventlog.mapper import MsgspecMapper

A = TypeVar("A")
R = TypeVar("R")
Row = tuple[int, UUID, int, str, bytes]  # position, originator id, version, topic, stored JSON


class Conflict(Exception):
    """A save found one of its versions taken: nothing of it was stored."""


class NotInLog(LookupError):
    """No such aggregate (or none yet at the requested version or instant)."""


class EventLog(Protocol):
    mapper: MsgspecMapper

    def exists(self, aggregate_id: UUID) -> bool:
        """Whether the aggregate has any event."""

    def load(
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        until: datetime.datetime | None = None,
        start: Any = None,
        use_snapshots: bool = True,
    ) -> Any:
        """The aggregate as of ``version`` / the instant ``until`` (default: now), folded from the
        newest snapshot at or before that point — or from ``start``, a state of it the caller
        gives up (only the events after it are read). Raises ``NotInLog``."""

    def append(self, events: Sequence[Any]) -> list[int]:
        """Store one save's domain events; their positions in the global order. ``Conflict``
        when one of the versions exists."""

    async def append_group(self, saves: Sequence[Sequence[StoredEvent]]) -> list[list[int] | None]:
        """Store many saves at once (group commit): per save its positions, or None for a save
        refused because one of its versions exists (the others are stored)."""

    def current_version(self, aggregate_id: UUID) -> int | None:
        """The aggregate's newest version (None: no such aggregate): one index probe."""

    def decide_locked(self, behind: A, decide: Callable[[A], R]) -> tuple[A, R]:
        """Bring ``behind`` up to date, ``decide`` on it and store its events, all while holding
        the log's write lock, so nobody saves in between. ``decide`` must only change the
        aggregate; its refusal stores nothing."""

    def read(self, after: int, limit: int) -> list[Row]:
        """Stored rows after the position ``after``, in the global order."""

    def save_snapshots(self, aggregates: Sequence[Any]) -> None:
        """Snapshots of these aggregates (derived data: a lost one costs only speed)."""

    def stale_snapshots(self, tenant: str | None = None) -> list[tuple[UUID, int]]:
        """Snapshots that differ from a fold of their events: (id, version)."""

    async def aclose(self) -> None:
        """Release what the asynchronous group writer holds (on its event loop)."""

    def close(self) -> None:
        """Release connections and threads."""
