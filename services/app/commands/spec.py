"""What a command is, as data: its policy action, the aggregate it acts on, the I/O it needs
before deciding (*prepare*) and the decision itself (*decide*, pure).

``JixiaoApplication`` runs these; the modules beside this one define one constant per command.
Keeping commands as data is what lets one definition run both on a calling thread
(``JixiaoApplication.execute``) and on a server's event loop (``execute_async``), with the
decision never doing I/O and the event loop never blocking.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.evaluation import Evaluation
from domain.ids import tenant_id
from domain.tenants import Tenant
from services.app.policy import Caller, Relation, Target

A = TypeVar("A", bound=Aggregate)
B = TypeVar("B")
P = TypeVar("P")
R = TypeVar("R")
T = TypeVar("T", bound=Aggregate)


class Loader(Protocol):
    """Loads an aggregate of the given class (``NotFound`` if there is none): what a prepare
    step may read. It runs on a worker thread, never on the event loop."""

    def __call__(self, cls: type[T], aggregate_id: UUID, /) -> T: ...


def no_prepare(load: Loader, aggregate: Any, body: Any) -> None:
    return None


@dataclass(frozen=True)
class Change(Generic[A, B, P, R]):
    """A command on an existing aggregate of class ``aggregate``.

    ``prepare(load, aggregate, body)`` fetches what the decision needs from other aggregates
    (run on a worker thread; leave it out when nothing is needed, so that the command never
    leaves a server's event loop); ``decide(aggregate, body, prepared)`` changes the aggregate
    and returns what the caller is told, besides the aggregate itself."""

    action: str
    aggregate: type[A]
    decide: Callable[[A, B, P], R]
    prepare: Callable[[Loader, A, B], P] | None = None


@dataclass(frozen=True)
class Create(Generic[A, B, P]):
    """A command that creates an aggregate.

    ``prepare(load, body)`` reads what the new aggregate needs (a parent bureau, a project);
    ``target(caller, body, prepared)`` says whose data it becomes, for the policy;
    ``make(caller, relation, body, prepared)`` creates it (pure)."""

    action: Callable[[B], str]
    prepare: Callable[[Loader, B], P]
    target: Callable[[Caller, B, P], Target]
    make: Callable[[Caller, Relation, B, P], A]


@dataclass(frozen=True)
class Done(Generic[A, R]):
    """A command's outcome: the aggregate as the command left it, and what the decision returned."""

    aggregate: A
    result: R


def target_of(aggregate: Any) -> Target:
    """The facts of an existing aggregate the policy decides on."""
    if isinstance(aggregate, Evaluation):
        # the writer: the evaluating bureau, or (an evaluation recorded with no evaluating bureau,
        # from a file of a firm's report) the evaluated bureau, which commissioned it
        return Target(aggregate.tenant, str(aggregate.id), aggregate.evaluator.tenant or aggregate.tenant)
    if hasattr(aggregate, "evaluator_tenant") and hasattr(aggregate, "evaluation_id"):  # a 评价报告
        return Target(aggregate.tenant, str(aggregate.evaluation_id), aggregate.evaluator_tenant)
    demander = getattr(aggregate, "demander", None)  # a 整改: the bureau that demands it
    return Target(str(aggregate.tenant), None, demander)


def lineage(load: Loader, tenant: str) -> tuple[str, ...]:
    """The bureau, then its ancestors up to the province (read from the tenants' aggregates: a
    prepare step's view of the tree)."""
    chain: list[str] = []
    current: str | None = tenant
    while current is not None and current not in chain:
        chain.append(current)
        current = load(Tenant, tenant_id(current)).parent
    return tuple(chain)
