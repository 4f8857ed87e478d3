"""Stored-event mapping with msgspec: events are frozen dataclasses, encoded straight to JSON.

Decimal travels as a string, UUID as text, datetimes in ISO 8601 with their zone. Every class is
stored under its registered name (``topics.py``), never under its module path; the topic carries
the event's class version when it is above 1 (``name#v2``); an older stored version is decoded
to a dict and upcast step by step with the event class's ``upcast_vN_vN+1`` methods — stored
events are never rewritten.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent, Transcoder
from eventsourcing.utils import resolve_topic

from services.eventlog.topics import TOPICS, Topics

_ENCODER = msgspec.json.Encoder(decimal_format="string")
_VERSION_MARK = "#v"


class _NoTranscoder(Transcoder):
    """The base Mapper wants a transcoder; msgspec does the work, so this one is never used."""

    def encode(self, obj: Any) -> bytes:  # pragma: no cover - never called
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:  # pragma: no cover - never called
        raise NotImplementedError


def split_topic(topic: str) -> tuple[str, int]:
    """``module:Class#v2`` → (``module:Class``, 2)."""
    base, _, version = topic.partition(_VERSION_MARK)
    return base, int(version) if version else 1


def encode_event(event: Any) -> bytes:
    """The canonical JSON of an event, originator id and version included.

    The id and version duplicate the row's columns on purpose: a row decodes in one call,
    and a row whose JSON disagrees with its columns is refused when read."""
    return _ENCODER.encode(event)


class MsgspecMapper(Mapper[UUID]):
    def __init__(self, topics: Topics = TOPICS) -> None:
        super().__init__(transcoder=_NoTranscoder())
        self.topics = topics
        self._decoders: dict[str, tuple[type[Any], msgspec.json.Decoder[Any], bool]] = {}
        self._stored_topics: dict[type[Any], str] = {}

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        cls = type(domain_event)
        topic = self._stored_topics.get(cls)
        if topic is None:
            version = getattr(cls, "class_version", 1)
            topic = self.topics.name_of(cls) + (f"{_VERSION_MARK}{version}" if version > 1 else "")
            self._stored_topics[cls] = topic
        state = encode_event(domain_event)
        created_by = getattr(domain_event, "originator_topic", None)
        if created_by is not None:
            state = self._pin_aggregate_name(created_by, state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=state,
        )

    def _pin_aggregate_name(self, created_by: str, state: bytes) -> bytes:
        """A creation event names its aggregate class by the library's topic of it, which is the
        module path; stored, it must be the registered name (the same until a class moves)."""
        name = self.topics.name_of(resolve_topic(created_by))
        if name == created_by:
            return state
        old = b'"originator_topic":' + _ENCODER.encode(created_by)
        return state.replace(old, b'"originator_topic":' + _ENCODER.encode(name), 1)

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        oid = stored_event.originator_id
        return self.decode_row(
            oid if isinstance(oid, UUID) else UUID(oid),
            stored_event.originator_version,
            stored_event.topic,
            stored_event.state,
        )

    def decode_row(self, originator_id: UUID, version: int, topic: str, state: bytes) -> Any:
        entry = self._decoders.get(topic)
        if entry is None:
            entry = self._decoder_for(topic)
        cls, decoder, current = entry
        try:
            if not current:
                return _upcast(cls, split_topic(topic)[1], originator_id, version, state)
            try:
                event = decoder.decode(state)
            except msgspec.ValidationError:
                # rows written before id and version were part of the JSON
                event = decoder.decode(_with_origin(originator_id, version, state))
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError) as e:
            msg = f"Failed to decode stored event {topic} of {originator_id} v{version}: {e}"
            raise MapperDeserialisationError(msg) from e
        if event.originator_version != version or event.originator_id != originator_id:
            msg = f"Stored event {originator_id} v{version} disagrees with its row (JSON says v{event.originator_version})"
            raise MapperDeserialisationError(msg)
        return event

    def _decoder_for(self, topic: str) -> tuple[type[Any], msgspec.json.Decoder[Any], bool]:
        base, stored_version = split_topic(topic)
        try:
            cls = self.topics.class_of(base)
        except LookupError as e:
            raise MapperDeserialisationError(str(e)) from e
        entry = (cls, msgspec.json.Decoder(type=cls), stored_version == getattr(cls, "class_version", 1))
        self._decoders[topic] = entry
        return entry


def _with_origin(originator_id: UUID, version: int, state: bytes) -> bytes:
    head = b'{"originator_id":"%s","originator_version":%d' % (str(originator_id).encode(), version)
    state = bytes(state)
    return head + (b"}" if state == b"{}" else b"," + state[1:])


def _upcast(cls: type[Any], from_version: int, originator_id: UUID, version: int, state: bytes) -> Any:
    data: dict[str, Any] = msgspec.json.decode(state)
    while from_version < getattr(cls, "class_version", 1):
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(data)
        from_version += 1
    data["originator_id"] = str(originator_id)
    data["originator_version"] = version
    return msgspec.convert(data, cls, strict=False)
