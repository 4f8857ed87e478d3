"""Integration contracts: every internal event maps to a message, messages validate against their
JSON Schema and decode back, an older message still decodes, subjects follow the tenant tree."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema_rs
import msgspec
import pytest

from services.compose import build_in_memory
from services.eventlog.stream import Envelope
from services.eventlog.topics import TOPICS
from services.relay import contracts
from services.relay.subjects import UNKNOWN, TenantTree, checkpoint_subject, subtree
from services.relay.translate import Outgoing, Translator, internal_event_classes, type_name_of
from tests.relay_events import every_kind_of_event

GOLDEN = Path(__file__).parent / "data" / "messages-v1.jsonl"


def published() -> list[Outgoing]:
    app = build_in_memory()
    every_kind_of_event(app)
    translator = Translator(TenantTree(lambda code: UNKNOWN))  # every tenant is learned from the events
    decode = app.log.mapper.decode_row
    out = []
    for position, oid, version, topic, state in app.log.read(after=0, limit=10_000):
        event = decode(oid, version, topic, state)
        env = Envelope(position, oid, version, topic, state, event)
        out.append(translator.outgoing(env))
    return out


@pytest.fixture(scope="module")
def messages() -> list[Outgoing]:
    return published()


def test_every_internal_event_class_maps_to_an_integration_message() -> None:
    classes = internal_event_classes()
    assert len(classes) == len(TOPICS.events)
    names = {type_name_of(c) for c in classes}
    assert names == set(contracts.EVENT_TYPES), names ^ set(contracts.EVENT_TYPES)
    assert len(names) == len(classes)  # no two classes share a message type


def test_the_sample_history_publishes_every_message_type(messages: list[Outgoing]) -> None:
    assert {m.type_name for m in messages} == set(contracts.EVENT_TYPES)


def test_the_fast_path_from_stored_rows_gives_the_same_bytes(messages: list[Outgoing]) -> None:
    app = build_in_memory()
    every_kind_of_event(app)
    translator = Translator(TenantTree(lambda code: UNKNOWN))
    rows = app.log.read(after=0, limit=10_000)
    fast = [translator.outgoing_row(row) for row in rows]
    assert [(f.subject, _comparable(f.data)) for f in fast] == [
        (m.subject, _comparable(m.data)) for m in messages
    ]  # two separate histories: only times, ids, correlation ids and random session ids differ
    same = Translator(TenantTree(lambda code: UNKNOWN))
    for row in rows:
        stored = app.log.read(after=row[0] - 1, limit=1)[0]
        env = Envelope(*row, app.log.mapper.decode_row(*stored[1:]))
        assert same.outgoing_row(row) == Translator(same.tree).outgoing(env)


RANDOM = ("session", "expires", "until", "token_id")  # made at random or from the clock, per history


def _comparable(data: bytes) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(data) | {"occurred_at": "", "aggregate_id": "", "correlation_id": ""}
    payload = found.get("payload")
    if isinstance(payload, dict):
        found["payload"] = {k: ("" if k in RANDOM else v) for k, v in payload.items()}
    return found


def test_published_messages_validate_against_their_json_schema(messages: list[Outgoing]) -> None:
    schemas = contracts.schemas()
    validators = {name: jsonschema_rs.validator_for(schema) for name, schema in schemas.items()}
    for m in messages:
        document = json.loads(m.data)
        errors = [e.message for e in validators[m.type_name].iter_errors(document)]
        assert not errors, (m.type_name, errors)
        assert document["type"] == m.type_name and document["position"] == m.position
    changed = next(m for m in messages if m.type_name == "evaluation.status_changed")
    wrong = json.loads(changed.data)
    wrong["payload"] = {"status": 3}
    assert not validators[changed.type_name].is_valid(wrong)  # the schemas do reject


def test_messages_decode_back_with_decimals_as_strings(messages: list[Outgoing]) -> None:
    for m in messages:
        decoded = contracts.decode(m.data)
        assert contracts.ENCODER.encode(decoded) == m.data
    deduction = next(m for m in messages if m.type_name == "evaluation.deduction_revised")
    raw = json.loads(deduction.data)
    assert raw["payload"]["points"] == "1" and raw["payload"]["previous_points"] == "0.5"
    assert raw["reason"] == "复核后加重" and raw["tenant_path"] == ["360000", "360100", "360102"]
    assert isinstance(contracts.decode(deduction.data).payload.points, Decimal)  # type: ignore[attr-defined]


def test_an_older_message_still_decodes_and_a_newer_one_too(messages: list[Outgoing]) -> None:
    # version 2 of a contract may only add fields with defaults: a v1 message decodes with it
    class DeductionAppliedV2(contracts.DeductionApplied, frozen=True, kw_only=True):
        indicator_name: str = ""

    v2 = contracts.event_message_class("evaluation.deduction_applied", DeductionAppliedV2)
    v1_bytes = next(m.data for m in messages if m.type_name == "evaluation.deduction_applied")
    old = msgspec.json.decode(v1_bytes, type=v2)
    assert old.payload.indicator_name == "" and old.version == 1  # type: ignore[attr-defined]
    newer = msgspec.json.decode(v1_bytes)
    newer["version"], newer["payload"]["indicator_name"], newer["added_later"] = 2, "资金到位率", True
    assert contracts.decode(json.dumps(newer).encode()).version == 2  # today's reader ignores the new fields


def test_messages_recorded_at_version_1_keep_decoding() -> None:
    """The golden file holds one message of every type as version 1 published it; a change to a
    contract that breaks any of them breaks downstream readers and must be a new field instead."""
    lines = GOLDEN.read_bytes().splitlines()
    assert {json.loads(line)["type"] for line in lines} == set(contracts.EVENT_TYPES)
    for line in lines:
        contracts.decode(line)


def test_subjects_follow_the_tenant_tree() -> None:
    parents: dict[str, str | None] = {
        "360000": None,
        "360100": "360000",
        "360102": "360100",
        "360103": "360100",
    }
    asked: list[str] = []

    def lookup(code: str) -> str | None:
        asked.append(code)
        return parents.get(code, UNKNOWN)

    tree = TenantTree(lookup)
    assert tree.path("360102") == ("360000", "360100", "360102")
    assert tree.path("360000") == ("360000",)
    assert tree.path("000000") == ("000000",)
    assert tree.path("999999") == ("999999",)  # never registered: its own root …
    tree.learn("999999", "360100")  # … until it is
    assert tree.path("999999") == ("360000", "360100", "999999")
    calls = len(asked)
    tree.path("360102")
    assert len(asked) == calls  # cached
    assert checkpoint_subject(("360000", "360100")) == "jixiao.360000.360100._.integrity.checkpoint"
    county, sibling, city = (tree.path(c) for c in ("360102", "360103", "360100"))
    own = f"jixiao.{'.'.join(county)}.evaluation.started"
    other = f"jixiao.{'.'.join(sibling)}.evaluation.started"
    assert matches(own, subtree(county)) and not matches(other, subtree(county))
    assert matches(own, subtree(city)) and matches(other, subtree(city))
    assert matches("jixiao.360000.360100._.project.registered", subtree(city))
    assert not matches("jixiao.360000.360100._.project.registered", subtree(county))


def test_every_message_subject_has_six_tokens(messages: list[Outgoing]) -> None:
    for m in messages:
        tokens = m.subject.split(".")
        assert len(tokens) == 6 and tokens[0] == "jixiao", m.subject
        assert ".".join(tokens[4:]) == m.type_name


def matches(subject: str, pattern: str) -> bool:
    """NATS subject matching: ``*`` one token, ``>`` the rest."""
    s, p = subject.split("."), pattern.split(".")
    for i, token in enumerate(p):
        if token == ">":
            return len(s) > i
        if i >= len(s) or (token != "*" and token != s[i]):
            return False
    return len(s) == len(p)


def write_golden(messages: list[Outgoing]) -> None:  # pragma: no cover - run once by hand per version
    seen: dict[str, Any] = {}
    for m in messages:
        seen.setdefault(m.type_name, m.data)
    GOLDEN.write_bytes(b"\n".join(seen.values()) + b"\n")


def test_the_schemas_in_docs_are_the_ones_the_code_prints() -> None:
    published_in_docs = json.loads(
        (Path(__file__).parents[2] / "docs" / "schemas" / "events.json").read_text()
    )
    assert published_in_docs == contracts.schemas(), "run: jixiao schema events > docs/schemas/events.json"
