"""Internal events → integration messages (``contracts``), and their subjects.

The payload is taken from the event field by field, by name: an internal field the contract does
not name is simply not published, and a contract field the event lacks falls back to its default.
The relay's fast path decodes the stored JSON straight into the contract's payload (one msgspec
call, no domain objects); rows of an event class at a later class version, whose stored JSON
needs upcasting, go the general way through the decoded domain event. A test checks that both
ways give the same bytes.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec

from domain.base import TenantAggregate
from domain.context import Meta
from domain.disclosure import ProjectDisclosure
from domain.engagements import Engagement, FirmRecord
from domain.evaluation import Evaluation
from domain.evidence import EvidenceFile
from domain.ledger import Project
from domain.monitoring import MonitoringReport, MonitoringRound
from domain.rectification import Rectification
from domain.reporting import EvaluationReport
from domain.results import Recommendation, ResultPolicy
from domain.targets import TargetDeclaration
from domain.templates import IndicatorTemplate
from domain.tenants import Tenant
from domain.users import User
from services.eventlog.mapper import split_topic
from services.eventlog.stream import Envelope, Row, decode_rows
from services.eventlog.topics import TOPICS
from services.relay import contracts
from services.relay.subjects import TenantTree, event_subject

AGGREGATES: dict[type[Any], str] = {
    Tenant: "tenant",
    User: "user",
    Project: "project",
    IndicatorTemplate: "template",
    Evaluation: "evaluation",
    TargetDeclaration: "targets",
    MonitoringRound: "monitoring_round",
    MonitoringReport: "monitoring_report",
    EvidenceFile: "evidence",
    Rectification: "rectification",
    FirmRecord: "firm",
    Engagement: "engagement",
    EvaluationReport: "evaluation_report",
    ResultPolicy: "result_policy",
    Recommendation: "recommendation",
    ProjectDisclosure: "disclosure",
}
_NATIVE = (Decimal, datetime.date, datetime.datetime, UUID)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


# The library gives every aggregate class its own ``Event`` and ``Created`` bases; jixiao's
# aggregates never trigger them (each has its own creation event), so they are not messages.
_LIBRARY_BASES = ("Event", "Created")


def internal_event_classes() -> list[type[Any]]:
    """Every event class under ``TenantAggregate.Event`` (what the relay must be able to publish),
    wherever it is defined: a test checks that each is registered (``TOPICS``) and has a contract."""
    found: dict[str, type[Any]] = {}
    pending = list(TenantAggregate.Event.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__qualname__.rpartition(".")[2] not in _LIBRARY_BASES:
            found[f"{cls.__module__}:{cls.__qualname__}"] = cls
    return [found[k] for k in sorted(found)]


def type_name_of(event_class: type[Any]) -> str:
    """``Evaluation.DeductionApplied`` (its registered topic's name) → ``evaluation.deduction_applied``."""
    area, _, qualified = TOPICS.name_of(event_class).partition(":")
    owner, _, name = qualified.partition(".")
    return f"{AGGREGATES[TOPICS.class_of(f'{area}:{owner}')]}.{_snake(name)}"


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message ready to publish."""

    position: int
    subject: str
    data: bytes
    tenant: str
    type_name: str
    version: int
    correlation_id: str
    msg_id: str


class _Head(msgspec.Struct):
    meta: Meta
    timestamp: datetime.datetime


_HEAD = msgspec.json.Decoder(_Head)
_Fast = tuple[str, msgspec.json.Decoder[Any], type[contracts.EventMessage], int]


class Translator:
    def __init__(self, tree: TenantTree) -> None:
        self.tree = tree
        self._routes: dict[type[Any], tuple[str, type[Any], type[contracts.EventMessage], int]] = {}
        self._fast: dict[str, _Fast | None] = {}

    def _fast_route(self, topic: str) -> _Fast | None:
        if topic not in self._fast:
            base, stored_version = split_topic(topic)
            cls = TOPICS.class_of(base)
            current = stored_version == getattr(cls, "class_version", 1)
            name, payload, message_type, version = self._route(cls)
            self._fast[topic] = (
                (name, msgspec.json.Decoder(payload), message_type, version) if current else None
            )
        return self._fast[topic]

    def outgoing_row(self, row: Row) -> Outgoing:
        """The fast path, from a stored row."""
        position, originator_id, aggregate_version, topic, state = row
        route = self._fast_route(topic)
        if route is None:  # stored at an older class version: upcast through the domain event
            return self.outgoing(decode_rows([row])[0])
        name, decoder, message_type, version = route
        head, payload = _HEAD.decode(state), decoder.decode(state)
        if isinstance(payload, contracts.TenantRegistered):
            self.tree.learn(payload.code, payload.parent)
        return self._pack(
            message_type(  # type: ignore[call-arg]  # payload is added per type by defstruct
                version=version,
                position=position,
                tenant=head.meta.tenant,
                tenant_path=list(self.tree.path(head.meta.tenant)),
                occurred_at=head.timestamp,
                aggregate_type=name.partition(".")[0],
                aggregate_id=originator_id,
                aggregate_version=aggregate_version,
                actor=head.meta.actor_id,
                role=head.meta.role,
                actor_tenant=head.meta.actor_tenant,
                correlation_id=head.meta.correlation_id,
                reason=head.meta.reason,
                payload=payload,
            )
        )

    def _route(self, event_class: type[Any]) -> tuple[str, type[Any], type[contracts.EventMessage], int]:
        route = self._routes.get(event_class)
        if route is None:
            name = type_name_of(event_class)
            payload, version = contracts.EVENT_TYPES[name]
            route = (name, payload, contracts.EVENT_MESSAGES[name], version)
            self._routes[event_class] = route
        return route

    def message(self, env: Envelope) -> contracts.EventMessage:
        event = env.event
        if isinstance(event, Tenant.Registered):
            self.tree.learn(event.code, event.parent)
        name, payload_type, message_type, version = self._route(type(event))
        fields = msgspec.to_builtins(event, builtin_types=_NATIVE)
        payload = msgspec.convert(fields, payload_type, strict=False)
        meta = event.meta
        message = message_type(  # type: ignore[call-arg]  # payload is added per type by defstruct
            version=version,
            position=env.position,
            tenant=meta.tenant,
            tenant_path=list(self.tree.path(meta.tenant)),
            occurred_at=event.timestamp,
            aggregate_type=name.partition(".")[0],
            aggregate_id=env.originator_id,
            aggregate_version=env.version,
            actor=meta.actor_id,
            role=meta.role,
            actor_tenant=meta.actor_tenant,
            correlation_id=meta.correlation_id,
            reason=meta.reason,
            payload=payload,
        )
        return message

    def outgoing(self, env: Envelope) -> Outgoing:
        """The general path, from a decoded domain event."""
        return self._pack(self.message(env))

    @staticmethod
    def _pack(message: contracts.EventMessage) -> Outgoing:
        tag = _tag(message)
        return Outgoing(
            position=message.position,
            subject=event_subject(message.tenant_path, tag),
            data=contracts.ENCODER.encode(message),
            tenant=message.tenant,
            type_name=tag,
            version=message.version,
            correlation_id=message.correlation_id,
            msg_id=str(message.position),
        )


def _tag(message: contracts.Message) -> str:
    tag: str = type(message).__struct_config__.tag  # type: ignore[assignment]
    return tag
