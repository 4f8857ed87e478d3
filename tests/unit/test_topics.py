"""Stored topics do not depend on where classes live: events written by an earlier release are
read, replayed and written again byte for byte by the current code."""

from __future__ import annotations

import dataclasses
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

FIXTURES = sorted((Path(__file__).resolve().parents[1] / "fixtures").glob("events-release-*.jsonl"))


def _rows(fixture: Path | None = None) -> list[dict[str, Any]]:
    files = [fixture] if fixture is not None else FIXTURES
    return [json.loads(line) for f in files for line in f.read_text(encoding="utf-8").splitlines()]


def test_every_event_class_is_registered() -> None:
    classes = internal_event_classes()
    assert classes, "no event classes found"
    missing = [c.__qualname__ for c in classes if not TOPICS.knows(c)]
    assert missing == []
    assert set(TOPICS.events.values()) == set(classes)


def test_the_fixtures_cover_every_registered_event() -> None:
    for fixture in FIXTURES:  # every topic ever stored is still registered
        assert {r["topic"] for r in _rows(fixture)} <= set(TOPICS.events), fixture.name
    assert {r["topic"] for r in _rows()} == set(TOPICS.events)  # and every registered one was stored


def test_events_of_an_earlier_release_decode_replay_and_encode_the_same() -> None:
    mapper = MsgspecMapper()
    by_aggregate: dict[UUID, list[Any]] = defaultdict(list)
    for row in _rows(FIXTURES[0]) + _rows(FIXTURES[1]):
        oid = UUID(row["originator_id"])
        state = row["state"].encode()
        event = mapper.decode_row(oid, row["originator_version"], row["topic"], state)
        again = mapper.to_stored_event(event)
        assert again.topic == row["topic"]
        if again.state != state:  # only fields added since, each at its default, may differ
            now, then = json.loads(again.state), json.loads(state)
            added = {k: v for k, v in now.items() if k not in then}
            assert {k: v for k, v in now.items() if k in then} == then, row["topic"]
            defaults = {f.name: f.default for f in dataclasses.fields(type(event))}
            assert all(defaults.get(k) == v for k, v in added.items()), (row["topic"], added)
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
