"""Who is acting: the metadata every event carries.

The application service opens ``acting(Actor(...))`` around a command; aggregates stamp
each event they trigger with the tenant, actor, role, correlation id and (where one
applies) the reason — handlers never fill these in by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import msgspec

from domain.errors import DomainError


class Actor(msgspec.Struct, frozen=True):
    """The person or system issuing commands, and the request they belong to."""

    actor_id: str
    role: str
    tenant: str  # the actor's own tenant code (may differ from the aggregate's tenant)
    correlation_id: str


class Meta(msgspec.Struct, frozen=True, omit_defaults=True):
    """Stamped on every event: 谁、以什么角色、为哪个租户、因何。"""

    tenant: str
    actor_id: str
    role: str
    actor_tenant: str
    correlation_id: str
    reason: str = ""


SYSTEM = Actor(actor_id="system", role="admin", tenant="000000", correlation_id="system")

_current: ContextVar[Actor | None] = ContextVar("jixiao_actor", default=None)


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def current_actor() -> Actor:
    actor = _current.get()
    if actor is None:
        raise DomainError("未指明操作人：命令必须在 acting(...) 上下文中执行", code="actor.missing")
    return actor


def stamp(tenant: str, reason: str = "") -> Meta:
    actor = current_actor()
    return Meta(
        tenant=tenant,
        actor_id=actor.actor_id,
        role=actor.role,
        actor_tenant=actor.tenant,
        correlation_id=actor.correlation_id,
        reason=reason,
    )
