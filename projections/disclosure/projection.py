"""The disclosure projection: every publication of every bureau (``publications``, live and
withdrawn, for the bureau's own list), and — apart — only what is public now (``public``: the
frozen content of live publications of projects not marked 涉密).

The public page reads ``public`` and nothing else, so a bug in its query cannot show anything
unpublished: withdrawn items and classified projects are deleted from it, never filtered at read
time. Both tables carry ``tenant`` and so the readers' row-level security.
"""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from domain.disclosure import ProjectDisclosure
from projections.core.folding import Folder
from services.eventlog.stream import Envelope

REGISTER = "domain.disclosure:ProjectDisclosure."
CLASSIFIED = "domain.ledger:Project.ClassificationChanged"
_JSON = msgspec.json.Encoder(decimal_format="string")


class DisclosureProjection:
    name = "disclosure"
    version = 1
    # not partitioned: a project's 涉密 mark (its own aggregate) removes another aggregate's rows
    partitioned = False

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.publications (
                register_id uuid NOT NULL, key text NOT NULL, tenant text NOT NULL, project_id uuid NOT NULL,
                year int NOT NULL, kind text NOT NULL, source_id uuid NOT NULL, source_version int NOT NULL,
                project_code text NOT NULL, project_name text NOT NULL, published_at timestamptz NOT NULL,
                withdrawn boolean NOT NULL, withdrawn_reason text NOT NULL, content jsonb NOT NULL,
                version int NOT NULL, PRIMARY KEY (register_id, key));
            CREATE INDEX IF NOT EXISTS publications_tenant ON {schema}.publications (tenant, year);
            CREATE TABLE IF NOT EXISTS {schema}.public (
                register_id uuid NOT NULL, key text NOT NULL, tenant text NOT NULL, project_id uuid NOT NULL,
                year int NOT NULL, kind text NOT NULL, project_code text NOT NULL, project_name text NOT NULL,
                published_at timestamptz NOT NULL, content jsonb NOT NULL, PRIMARY KEY (register_id, key));
            CREATE INDEX IF NOT EXISTS public_tenant ON {schema}.public (tenant, year);
            CREATE TABLE IF NOT EXISTS {schema}.classified (project_id uuid PRIMARY KEY, tenant text NOT NULL);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if env.topic == CLASSIFIED:
                self._classified(cur, schema, env)
            elif env.topic.startswith(REGISTER):
                self._register(cur, schema, self.folder.apply(cur, env))

    def _classified(self, cur: Cursor[Any], schema: str, env: Envelope) -> None:
        if env.event.classified:
            cur.execute(
                f"INSERT INTO {schema}.classified VALUES (%s, %s) ON CONFLICT DO NOTHING",
                (env.originator_id, env.event.meta.tenant),
            )
            cur.execute(f"DELETE FROM {schema}.public WHERE project_id = %s", (env.originator_id,))
        else:
            cur.execute(f"DELETE FROM {schema}.classified WHERE project_id = %s", (env.originator_id,))

    def _register(self, cur: Cursor[Any], schema: str, d: ProjectDisclosure) -> None:
        classified = cur.execute(
            f"SELECT 1 FROM {schema}.classified WHERE project_id = %s", (d.project_id,)
        ).fetchone()
        for item in d.items.values():
            c = item.content
            content = _JSON.encode(c).decode()
            cur.execute(
                f"INSERT INTO {schema}.publications VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (register_id, key) DO UPDATE SET source_version = excluded.source_version, "
                "project_name = excluded.project_name, published_at = excluded.published_at, "
                "withdrawn = excluded.withdrawn, withdrawn_reason = excluded.withdrawn_reason, "
                "content = excluded.content, version = excluded.version",
                (
                    d.id,
                    item.key,
                    d.tenant,
                    d.project_id,
                    d.year,
                    item.kind.value,
                    item.source_id,
                    item.source_version,
                    c.project_code,
                    c.project_name,
                    item.published_at,
                    item.withdrawn,
                    item.withdrawn_reason,
                    content,
                    d.version,
                ),
            )
            if item.withdrawn or classified:
                cur.execute(
                    f"DELETE FROM {schema}.public WHERE register_id = %s AND key = %s", (d.id, item.key)
                )
                continue
            cur.execute(
                f"INSERT INTO {schema}.public VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (register_id, key) DO UPDATE SET project_name = excluded.project_name, "
                "published_at = excluded.published_at, content = excluded.content",
                (
                    d.id,
                    item.key,
                    d.tenant,
                    d.project_id,
                    d.year,
                    item.kind.value,
                    c.project_code,
                    c.project_name,
                    item.published_at,
                    content,
                ),
            )

    def reset(self) -> None:
        self.folder.forget()
