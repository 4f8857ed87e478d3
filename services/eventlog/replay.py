"""Folding events into an aggregate: the one fold the application, time travel and projections share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from eventsourcing.domain import OriginatorVersionError


def replay(aggregate: Any, events: Iterable[Any]) -> Any:
    """Fold events into an aggregate (None: start from the creation event), in order.

    The library's default projector checks every event against a runtime-checkable Protocol
    and then goes through property setters; loading an evaluation of 1,000 events spent most
    of its time there. The events come from one originator's ordered query, so this fold
    checks only the version sequence and sets version and time once at the end.
    """
    last = None
    for event in events:
        if aggregate is None:
            aggregate = event.mutate(None)
            continue
        expected = aggregate.__dict__["_version"] + 1
        if event.originator_version != expected:
            raise OriginatorVersionError(event.originator_version, expected)
        event.apply(aggregate)
        aggregate.__dict__["_version"] = expected
        last = event
    if last is not None:
        aggregate.__dict__["_modified_on"] = last.timestamp
    return aggregate
