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
        """A fast copy for the repository's cache: immutable values (frozen Structs, str,
        Decimal, tuples) are shared; containers and mutable parts are copied by ``_copy``.
        The library deep-copies every cached aggregate before a command, so this matters."""
        clone = object.__new__(type(self))
        clone.__dict__.update({k: _copy(v) for k, v in self.__dict__.items()})
        return clone

    def _emit(self, event_class: type[Any], *, reason: str = "", **kwargs: Any) -> None:
        self.trigger_event(event_class, meta=stamp(self.tenant, reason), **kwargs)


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    clone = getattr(value, "clone", None)
    return clone() if clone is not None else value
