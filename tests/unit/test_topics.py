"""Stored topics do not depend on where classes live: events written by an earlier release are
read, replayed and written again byte for byte by the current code."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from domain.evaluation import Evaluation
from domain.ledger import Project
from services.eventlog.mapper import MsgspecMapper
from services.eventlog.replay import replay
from services.eventlog.topics import TOPICS, Topics, UnknownTopic
from services.relay.translate import internal_event_classes

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "events-release-1.jsonl"


def _rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


def test_every_event_class_is_registered() -> None:
    classes = internal_event_classes()
    assert classes, "no event classes found"
    missing = [c.__qualname__ for c in classes if not TOPICS.knows(c)]
    assert missing == []
    assert set(TOPICS.events.values()) == set(classes)


def test_the_fixture_covers_every_registered_event() -> None:
    assert {r["topic"] for r in _rows()} == set(TOPICS.events)


def test_events_of_an_earlier_release_decode_replay_and_encode_the_same() -> None:
    mapper = MsgspecMapper()
    by_aggregate: dict[UUID, list[Any]] = defaultdict(list)
    for row in _rows():
        oid = UUID(row["originator_id"])
        state = row["state"].encode()
        event = mapper.decode_row(oid, row["originator_version"], row["topic"], state)
        again = mapper.to_stored_event(event)
        assert again.topic == row["topic"]
        assert again.state == state, row["topic"]
        by_aggregate[oid].append(event)
    folded = {oid: replay(None, events) for oid, events in by_aggregate.items()}
    evaluations = [a for a in folded.values() if isinstance(a, Evaluation)]
    projects = [a for a in folded.values() if isinstance(a, Project)]
    assert len(evaluations) == 11 and len(projects) == 11
    nanchang = next(e for e in evaluations if e.tenant == "360100" and e.stated_total is not None)
    assert str(nanchang.total()) == "99.74" and nanchang.grade() == "优秀"


def test_an_unregistered_class_is_refused_when_stored() -> None:
    empty = MsgspecMapper(Topics(aggregates={}, events={}))
    event = next(iter(TOPICS.events.values()))
    with pytest.raises(UnknownTopic):
        empty.topics.name_of(event)
