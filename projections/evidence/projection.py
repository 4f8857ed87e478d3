"""The evidence projection: one row per attached file. The events carry everything a row needs
(the target, the hash, the name), so nothing is folded; a removal marks its row, never deletes
it. Row-level security by the ``tenant`` column, as every read model (``projections/core``)."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from services.eventlog.stream import Envelope

PREFIX = "domain.evidence:EvidenceFile."


class EvidenceProjection:
    name = "evidence"
    version = 1
    partitioned = True  # rows depend only on the event's own aggregate

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.files (
                evidence_id uuid NOT NULL, attachment_id text NOT NULL, tenant text NOT NULL,
                kind text NOT NULL, owner uuid NOT NULL, key text NOT NULL, sha256 text NOT NULL,
                size bigint NOT NULL, media_type text NOT NULL, name text NOT NULL, note text NOT NULL,
                attached_at timestamptz NOT NULL, attached_by text NOT NULL, detached boolean NOT NULL,
                detached_at timestamptz, detached_by text, detach_reason text NOT NULL, position bigint NOT NULL,
                PRIMARY KEY (evidence_id, attachment_id));
            CREATE INDEX IF NOT EXISTS files_owner ON {schema}.files (owner, kind, key);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if not env.topic.startswith(PREFIX):
                continue
            e, action = env.event, env.topic[len(PREFIX) :].partition("#")[0]
            if action == "Attached":
                t = e.target
                cur.execute(
                    f"INSERT INTO {schema}.files VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                    "false, NULL, NULL, '', %s) ON CONFLICT DO NOTHING",
                    (
                        env.originator_id,
                        e.attachment_id,
                        e.meta.tenant,
                        t.kind.value,
                        t.owner,
                        t.key,
                        e.sha256,
                        e.size,
                        e.media_type,
                        e.name,
                        e.meta.reason,
                        e.timestamp,
                        e.meta.actor_id,
                        env.position,
                    ),
                )
            elif action == "Detached":
                cur.execute(
                    f"UPDATE {schema}.files SET detached = true, detached_at = %s, detached_by = %s, "
                    "detach_reason = %s WHERE evidence_id = %s AND attachment_id = %s",
                    (e.timestamp, e.meta.actor_id, e.meta.reason, env.originator_id, e.attachment_id),
                )

    def reset(self) -> None:
        return None
