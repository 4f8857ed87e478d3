"""Stored-event mapping with msgspec: events are frozen dataclasses, encoded straight to JSON.

Decimal travels as a string, UUID as text, datetimes in ISO 8601 with their zone. The topic
carries the event's class version when it is above 1 (``module:Class#v2``); an older stored
version is decoded to a dict and upcast step by step with the event class's
``upcast_vN_vN+1`` methods — stored events are never rewritten.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent, Transcoder
from eventsourcing.utils import get_topic, resolve_topic

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
    """The canonical JSON of an event's state (without originator id and version)."""
    state = msgspec.to_builtins(event, enc_hook=None, builtin_types=None, order=None)
    state.pop("originator_id", None)
    state.pop("originator_version", None)
    return _ENCODER.encode(state)


class MsgspecMapper(Mapper[UUID]):
    def __init__(self) -> None:
        super().__init__(transcoder=_NoTranscoder())
        self._decoders: dict[str, tuple[type[Any], msgspec.json.Decoder[Any], bool]] = {}

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        cls = type(domain_event)
        version = getattr(cls, "class_version", 1)
        topic = get_topic(cls) + (f"{_VERSION_MARK}{version}" if version > 1 else "")
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=topic,
            state=encode_event(domain_event),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        entry = self._decoders.get(stored_event.topic)
        if entry is None:
            entry = self._decoder_for(stored_event.topic)
        cls, decoder, current = entry
        try:
            if current:
                return decoder.decode(_with_origin(stored_event))
            return _upcast(cls, split_topic(stored_event.topic)[1], stored_event)
        except (msgspec.DecodeError, msgspec.ValidationError, TypeError) as e:
            msg = (
                f"Failed to decode stored event {stored_event.topic} of "
                f"{stored_event.originator_id} v{stored_event.originator_version}: {e}"
            )
            raise MapperDeserialisationError(msg) from e

    def _decoder_for(self, topic: str) -> tuple[type[Any], msgspec.json.Decoder[Any], bool]:
        base, stored_version = split_topic(topic)
        cls = resolve_topic(base)
        entry = (cls, msgspec.json.Decoder(type=cls), stored_version == getattr(cls, "class_version", 1))
        self._decoders[topic] = entry
        return entry


_last_id: list[Any] = [None, b""]


def _with_origin(stored: StoredEvent) -> bytes:
    """Splice originator id and version into the stored JSON object (cheaper than re-encoding).

    An aggregate's events share one id: its text form is kept from the previous call."""
    if stored.originator_id != _last_id[0]:
        _last_id[0], _last_id[1] = stored.originator_id, str(stored.originator_id).encode()
    head = b'{"originator_id":"%s","originator_version":%d' % (_last_id[1], stored.originator_version)
    state = bytes(stored.state)
    return head + (b"}" if state == b"{}" else b"," + state[1:])


def _upcast(cls: type[Any], from_version: int, stored: StoredEvent) -> Any:
    state: dict[str, Any] = msgspec.json.decode(stored.state)
    while from_version < getattr(cls, "class_version", 1):
        getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
        from_version += 1
    state["originator_id"] = str(stored.originator_id)
    state["originator_version"] = stored.originator_version
    return msgspec.convert(state, cls, strict=False)
