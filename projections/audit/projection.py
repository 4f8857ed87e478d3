"""The audit-trail projection: one row per event, with who, when, what, before → after and why."""

from __future__ import annotations

from functools import partial
from typing import Any

import msgspec
from psycopg import Cursor

from projections.audit.changes import Value, change_of
from projections.core.folding import Folder
from projections.core.stream import Envelope

_JSON = msgspec.json.Encoder()


def _peek(value: Value, event: Any, aggregate: Any) -> Any:
    return value(aggregate, event)


def _indicator_of(event: Any, before: Any, after: Any) -> str | None:
    """The indicator a change concerns (a deduction's indicator, a definition's key)."""
    for value in (after, before):
        if isinstance(value, dict) and isinstance(value.get("indicator"), str):
            return str(value["indicator"])
    if hasattr(event, "key"):
        return str(event.key)
    spec = getattr(event, "spec", None)
    return None if spec is None else str(spec.key)


class AuditProjection:
    name = "audit"
    version = 1

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.changes (
                position bigint PRIMARY KEY, tenant text NOT NULL, aggregate_type text NOT NULL,
                aggregate_id uuid NOT NULL, version int NOT NULL, at timestamptz NOT NULL, actor_id text NOT NULL,
                role text NOT NULL, actor_tenant text NOT NULL, correlation_id text NOT NULL, reason text NOT NULL,
                action text NOT NULL, subject text NOT NULL, indicator text, before jsonb, after jsonb);
            """
        )

    def indexes(self, cur: Cursor[Any], schema: str) -> None:
        """Secondary indexes: a rebuild creates them once, after the bulk load."""
        cur.execute(
            f"""
            CREATE INDEX IF NOT EXISTS changes_aggregate ON {schema}.changes (aggregate_id, version);
            CREATE INDEX IF NOT EXISTS changes_subject ON {schema}.changes (aggregate_id, subject);
            CREATE INDEX IF NOT EXISTS changes_tenant ON {schema}.changes (tenant, at);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        rows = []
        for env in batch:
            type_name = env.type_name
            subject_of, value = change_of(type_name)
            event = env.event
            before, after_agg = self.folder.apply(cur, env, partial(_peek, value, event))
            after = value(after_agg, event)
            indicator = _indicator_of(event, before, after)
            meta = event.meta
            aggregate_type, _, action = type_name.partition(".")
            rows.append(
                (
                    env.position,
                    meta.tenant,
                    aggregate_type,
                    env.originator_id,
                    env.version,
                    env.timestamp,
                    meta.actor_id,
                    meta.role,
                    meta.actor_tenant,
                    meta.correlation_id,
                    meta.reason,
                    action,
                    subject_of(event),
                    indicator,
                    None if before is None else _JSON.encode(before).decode(),
                    None if after is None else _JSON.encode(after).decode(),
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
