"""Integration messages: the versioned contracts downstream systems receive over NATS JetStream.

These are deliberately *not* the internal event classes: a budget system or a provincial
dashboard decodes them without jixiao's code, and the internal events may change shape
(with upcasting) without breaking them. Every message is one JSON object:

    {"type": "evaluation.deduction_applied", "version": 1, "position": 1234, "tenant": "360102",
     "tenant_path": ["360000", "360100", "360102"], "occurred_at": "…", …envelope…, "payload": {…}}

Evolution rule (the same as for stored events): a new version may only *add* fields, each
with a default; a field never changes type or meaning; readers ignore fields they do not
know. So an older message decodes with a newer reader and a newer one with an older reader.
Money and scores are decimal strings, never floats.
"""

from __future__ import annotations

import datetime
from typing import Any, Union, cast
from uuid import UUID

import msgspec

from services.relay.contracts import (
    accounts,
    cycle,
    disclosure,
    engagements,
    evidence,
    payloads,
    rectification,
    reporting,
    results,
)
from services.relay.contracts.payloads import (
    DeductionApplied,
    IntegrityCheckpoint,
    TenantRegistered,
    _Payload,
)


# ---- envelopes ---------------------------------------------------------------------------------
class Message(msgspec.Struct, frozen=True, kw_only=True, tag_field="type"):
    """What every message carries. ``version`` is the version of this message type's contract."""

    version: int
    position: int  # the event's global position (for checkpoints: the last event they cover)
    tenant: str
    tenant_path: list[str]  # ancestors first, the tenant last
    occurred_at: datetime.datetime


class EventMessage(Message, frozen=True, kw_only=True):
    aggregate_type: str
    aggregate_id: UUID
    aggregate_version: int
    actor: str
    role: str
    actor_tenant: str
    correlation_id: str
    reason: str = ""


class CheckpointMessage(Message, frozen=True, kw_only=True, tag="integrity.checkpoint"):
    payload: IntegrityCheckpoint


# message type → (payload, contract version). Bump a version only by adding defaulted fields.
EVENT_TYPES: dict[str, tuple[type[_Payload], int]] = {
    **payloads.TYPES,
    **accounts.TYPES,
    **cycle.TYPES,
    **rectification.TYPES,
    **results.TYPES,
    **reporting.TYPES,
    **engagements.TYPES,
    **disclosure.TYPES,
    **evidence.TYPES,
}


def _class_name(type_name: str) -> str:
    return "".join(part.title() for part in type_name.replace(".", "_").split("_")) + "Message"


def event_message_class(type_name: str, payload: type[_Payload]) -> type[EventMessage]:
    """The envelope for one message type: ``EventMessage`` plus a typed ``payload``."""
    made = msgspec.defstruct(
        _class_name(type_name),
        [("payload", payload)],
        bases=(EventMessage,),
        tag=type_name,
        frozen=True,
        kw_only=True,
        module=__name__,
    )
    return cast(type[EventMessage], made)


EVENT_MESSAGES: dict[str, type[EventMessage]] = {
    name: event_message_class(name, payload) for name, (payload, _) in EVENT_TYPES.items()
}
MESSAGES: dict[str, type[Message]] = {**EVENT_MESSAGES, "integrity.checkpoint": CheckpointMessage}

ENCODER = msgspec.json.Encoder(decimal_format="string")
_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(Union[tuple(MESSAGES.values())])  # noqa: UP007


def decode(data: bytes) -> Message:
    """Any integration message, by its ``type`` (unknown fields are ignored)."""
    message: Message = _DECODER.decode(data)
    return message


def schemas() -> dict[str, Any]:
    """One JSON Schema (draft 2020-12) per message type, keyed by type."""
    out: dict[str, Any] = {}
    for name, cls in MESSAGES.items():
        schema = msgspec.json.schema(cls)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"urn:jixiao:message:{name}:v{version_of(name)}"
        out[name] = schema
    return out


def version_of(type_name: str) -> int:
    if type_name == "integrity.checkpoint":
        return 1
    return EVENT_TYPES[type_name][1]


__all__ = ["DeductionApplied", "IntegrityCheckpoint", "TenantRegistered"]
