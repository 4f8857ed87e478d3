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

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """A fast copy for the repository's cache, which copies every cached aggregate
        before a command. House rule that makes it correct: aggregate state holds only
        immutable values (frozen Structs, str, Decimal, tuples) or one level of list/dict
        of them, so copying the containers is a deep copy."""
        clone = object.__new__(type(self))
        clone.__dict__.update(
            {k: (v.copy() if type(v) is dict or type(v) is list else v) for k, v in self.__dict__.items()}
        )
        return clone

    def _emit(self, event_class: type[Any], *, reason: str = "", **kwargs: Any) -> None:
        self.trigger_event(event_class, meta=stamp(self.tenant, reason), **kwargs)
