"""Tenants (bureaus), users and indicator templates as tables."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from projections.core.folding import Folder
from services.eventlog.stream import Envelope

TOPICS = ("domain.tenants:Tenant.", "domain.tenants:User.", "domain.templates:IndicatorTemplate.")


class TenantsProjection:
    name = "tenants"
    version = 2  # v2: templates carry description, year and the template they were made from

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.tenants (
                code text PRIMARY KEY, name text NOT NULL, level text NOT NULL, parent text, version int NOT NULL);
            CREATE TABLE IF NOT EXISTS {schema}.users (
                tenant text NOT NULL, username text NOT NULL, display_name text NOT NULL, roles text[] NOT NULL,
                version int NOT NULL, PRIMARY KEY (tenant, username));
            CREATE TABLE IF NOT EXISTS {schema}.templates (
                template_id uuid PRIMARY KEY, tenant text NOT NULL, name text NOT NULL, revision int NOT NULL,
                description text NOT NULL, year int, based_on uuid, based_on_revision int, indicators int NOT NULL);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if not env.topic.startswith(TOPICS):
                continue
            a = self.folder.apply(cur, env)
            if env.topic.startswith(TOPICS[0]):
                cur.execute(
                    f"INSERT INTO {schema}.tenants VALUES (%s, %s, %s, %s, %s) ON CONFLICT (code) DO UPDATE "
                    "SET name = excluded.name, level = excluded.level, parent = excluded.parent, version = excluded.version",
                    (a.code, a.name, a.level.value, a.parent, a.version),
                )
            elif env.topic.startswith(TOPICS[1]):
                cur.execute(
                    f"INSERT INTO {schema}.users VALUES (%s, %s, %s, %s, %s) ON CONFLICT (tenant, username) DO UPDATE "
                    "SET display_name = excluded.display_name, roles = excluded.roles, version = excluded.version",
                    (a.tenant, a.username, a.display_name, [r.value for r in a.roles], a.version),
                )
            else:
                basis = a.based_on
                cur.execute(
                    f"INSERT INTO {schema}.templates VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (template_id) DO UPDATE "
                    "SET revision = excluded.revision, indicators = excluded.indicators",
                    (
                        a.id,
                        a.tenant,
                        a.name,
                        a.revision,
                        a.description,
                        a.year,
                        None if basis is None else basis.template_id,
                        None if basis is None else basis.revision,
                        len(a.specs_at(a.revision)),
                    ),
                )

    def reset(self) -> None:
        self.folder.forget()
