"""The engagements projection: one row per engagement (its evaluations, period, staff, whether
accepted or revoked — what the API's engagement book reads each second) and per firm record."""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from domain.engagements import Engagement, FirmRecord
from projections.core.folding import Folder
from services.eventlog.stream import Envelope

ENGAGEMENT = "domain.engagements:Engagement."
FIRM = "domain.engagements:FirmRecord."


class EngagementsProjection:
    name = "engagements"
    version = 1
    partitioned = True  # a row depends only on its own aggregate

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.engagements (
                engagement_id uuid PRIMARY KEY, tenant text NOT NULL, firm_code text NOT NULL,
                firm_name text NOT NULL, name text NOT NULL, evaluations uuid[] NOT NULL, start_on date NOT NULL,
                end_on date NOT NULL, staff text[] NOT NULL, accepted_by text NOT NULL, declaration text NOT NULL,
                revoked boolean NOT NULL, version int NOT NULL);
            CREATE INDEX IF NOT EXISTS engagements_tenant ON {schema}.engagements (tenant);
            CREATE TABLE IF NOT EXISTS {schema}.firms (
                firm_id uuid PRIMARY KEY, tenant text NOT NULL, firm_code text NOT NULL, name text NOT NULL,
                related jsonb NOT NULL, version int NOT NULL);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if env.topic.startswith(ENGAGEMENT):
                e: Engagement = self.folder.apply(cur, env)
                cur.execute(
                    f"INSERT INTO {schema}.engagements VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (engagement_id) DO UPDATE SET staff = excluded.staff, "
                    "accepted_by = excluded.accepted_by, declaration = excluded.declaration, "
                    "revoked = excluded.revoked, version = excluded.version",
                    (
                        e.id,
                        e.tenant,
                        e.firm_code,
                        e.firm_name,
                        e.name,
                        list(e.evaluations),
                        e.start,
                        e.end,
                        list(e.staff),
                        e.accepted_by,
                        e.declaration,
                        e.revoked,
                        e.version,
                    ),
                )
            elif env.topic.startswith(FIRM):
                f: FirmRecord = self.folder.apply(cur, env)
                cur.execute(
                    f"INSERT INTO {schema}.firms VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (firm_id) DO UPDATE "
                    "SET related = excluded.related, version = excluded.version",
                    (f.id, f.tenant, f.firm_code, f.name, msgspec.json.encode(f.related).decode(), f.version),
                )

    def reset(self) -> None:
        self.folder.forget()
