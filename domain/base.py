"""Base aggregate: every event carries ``meta`` (tenant, actor, role, correlation id, reason).

Commands decide, events record: public methods validate and then call ``_emit``; each
event's ``apply`` only assigns. Timestamps come from the library at trigger time.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.context import Meta, stamp
from domain.errors import DomainError


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, tuple | list | frozenset | set):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    fields = getattr(value, "__struct_fields__", None)
    return fields is not None and any(_has_nul(getattr(value, f)) for f in fields)


def refuse_nul(value: Any) -> None:
    """Text with U+0000 is refused before any event exists: PostgreSQL's text and jsonb cannot
    hold it, so such an event would be stored but could never be shown in a read model."""
    if _has_nul(value):
        raise DomainError("文本中含有空字符（U+0000），请删除后重试", code="text.nul")


class TenantAggregate(Aggregate):
    """An aggregate owned by one tenant (bureau)."""

    tenant: str

    class Event(Aggregate.Event):
        meta: Meta

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _start(cls, event_class: type[Any], *, id: UUID, tenant: str, reason: str = "", **kwargs: Any) -> Any:
        refuse_nul((reason, kwargs))
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
        refuse_nul((reason, kwargs))
        self.trigger_event(event_class, meta=stamp(self.tenant, reason), **kwargs)
