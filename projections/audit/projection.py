"""The audit-trail projection: one row per event, with who, when, what, before → after and why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import msgspec
from psycopg import Cursor

from projections.audit.changes import Value, change_of
from projections.core.folding import Folder
from services.eventlog.mapper import split_topic
from services.eventlog.stream import Envelope

_JSON = msgspec.json.Encoder()


class _Kind(NamedTuple):
    """What the audit trail needs to know of one event type, worked out once per topic."""

    aggregate_type: str
    action: str
    subject_of: Callable[[Any], str]
    value: Value


def _kind(topic: str) -> _Kind:
    type_name = split_topic(topic)[0].rpartition(":")[2]
    aggregate_type, _, action = type_name.partition(".")
    subject_of, value = change_of(type_name)
    return _Kind(aggregate_type, action, subject_of, value)


def _indicator_of(event: Any, before: Any, after: Any) -> str | None:
    """The indicator a change concerns (a deduction's indicator, a definition's key)."""
    for value in (after, before):
        if value.__class__ is dict and value.get("indicator").__class__ is str:
            return str(value["indicator"])
    key = getattr(event, "key", None)
    if key is not None:
        return str(key)
    spec = getattr(event, "spec", None)
    return None if spec is None else str(spec.key)


class AuditProjection:
    name = "audit"
    version = 1
    partitioned = True  # rows depend only on the event's own aggregate: parallel rebuild

    def __init__(self) -> None:
        self.folder = Folder()
        self._kinds: dict[str, _Kind] = {}

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.changes (
                position bigint NOT NULL, tenant text NOT NULL, aggregate_type text NOT NULL,
                aggregate_id uuid NOT NULL, version int NOT NULL, at timestamptz NOT NULL, actor_id text NOT NULL,
                role text NOT NULL, actor_tenant text NOT NULL, correlation_id text NOT NULL, reason text NOT NULL,
                action text NOT NULL, subject text NOT NULL, indicator text, before jsonb, after jsonb);
            """
        )

    def indexes(self, cur: Cursor[Any], schema: str) -> None:
        """Secondary indexes: a rebuild creates them once, after the bulk load."""
        cur.execute(
            f"""
            CREATE UNIQUE INDEX IF NOT EXISTS changes_position ON {schema}.changes (position);
            CREATE INDEX IF NOT EXISTS changes_aggregate ON {schema}.changes (aggregate_id, version);
            CREATE INDEX IF NOT EXISTS changes_subject ON {schema}.changes (aggregate_id, subject);
            CREATE INDEX IF NOT EXISTS changes_tenant ON {schema}.changes (tenant, at);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        kinds, folder, encode = self._kinds, self.folder, _JSON.encode
        rows = []  # built before the COPY starts: a cache miss reads the log on this connection
        for env in batch:
            kind = kinds.get(env.topic)
            if kind is None:
                kind = kinds[env.topic] = _kind(env.topic)
            event = env.event
            agg = folder.before(cur, env)
            before = kind.value(agg, event)  # read before the fold: it mutates the aggregate
            after = kind.value(folder.advance(env, agg), event)
            meta = event.meta
            rows.append(
                (
                    env.position,
                    meta.tenant,
                    kind.aggregate_type,
                    env.originator_id,
                    env.version,
                    event.timestamp,
                    meta.actor_id,
                    meta.role,
                    meta.actor_tenant,
                    meta.correlation_id,
                    meta.reason,
                    kind.action,
                    kind.subject_of(event),
                    _indicator_of(event, before, after),
                    None if before is None else encode(before).decode(),
                    None if after is None else encode(after).decode(),
                )
            )
        with cur.copy(
            f"COPY {schema}.changes (position, tenant, aggregate_type, aggregate_id, version, at, actor_id, role, "
            "actor_tenant, correlation_id, reason, action, subject, indicator, before, after) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)

    def reset(self) -> None:
        self.folder.forget()
