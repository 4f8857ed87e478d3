"""Base aggregate: every event carries ``meta`` (tenant, actor, role, correlation id, reason).

Commands decide, events record: public methods validate and then call ``_emit``; each
event's ``apply`` only assigns. Timestamps come from the library at trigger time.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.context import Meta, stamp


class TenantAggregate(Aggregate):
    """An aggregate owned by one tenant (bureau)."""

    tenant: str

    class Event(Aggregate.Event):
        meta: Meta

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _start(cls, event_class: type[Any], *, id: UUID, tenant: str, reason: str = "", **kwargs: Any) -> Any:
        return cls._create(event_class, id=id, meta=stamp(tenant, reason), **kwargs)

    def _emit(self, event_class: type[Any], *, reason: str = "", **kwargs: Any) -> None:
        self.trigger_event(event_class, meta=stamp(self.tenant, reason), **kwargs)
