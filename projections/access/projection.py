"""The access read model: accounts (for the administrators' screens and the API's checks),
service tokens, and ended sessions.

Every row carries the log position that last changed it (``position``): an API worker keeps the
revocations in memory and asks only for rows past the position it has seen
(``queries.revocations_since``), once a second.
"""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from projections.core.folding import Folder
from services.eventlog.stream import Envelope

USER_TOPIC = "domain.tenants:User."


class AccessProjection:
    name = "access"
    version = 2  # v2: the sealed name and the erasure

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.accounts (
                tenant text NOT NULL, username text NOT NULL, display_name text NOT NULL, kind text NOT NULL,
                roles text[] NOT NULL, disabled boolean NOT NULL, has_password boolean NOT NULL,
                failures int NOT NULL, locked_until timestamptz, not_before timestamptz, last_sign_in timestamptz,
                version int NOT NULL, position bigint NOT NULL, name_sealed text, erased boolean NOT NULL DEFAULT false,
                PRIMARY KEY (tenant, username));
            CREATE INDEX IF NOT EXISTS accounts_position ON {schema}.accounts (position);
            CREATE TABLE IF NOT EXISTS {schema}.tokens (
                token_id text PRIMARY KEY, tenant text NOT NULL, username text NOT NULL, label text NOT NULL,
                issued_at timestamptz NOT NULL, expires timestamptz NOT NULL, revoked boolean NOT NULL,
                position bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS tokens_position ON {schema}.tokens (position);
            CREATE TABLE IF NOT EXISTS {schema}.ended_sessions (
                session text PRIMARY KEY, tenant text NOT NULL, username text NOT NULL, ended_at timestamptz NOT NULL,
                position bigint NOT NULL);
            CREATE INDEX IF NOT EXISTS ended_position ON {schema}.ended_sessions (position);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if not env.topic.startswith(USER_TOPIC):
                continue
            u = self.folder.apply(cur, env)
            cur.execute(
                f"INSERT INTO {schema}.accounts VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (tenant, username) DO UPDATE SET display_name = excluded.display_name, "
                "kind = excluded.kind, roles = excluded.roles, disabled = excluded.disabled, "
                "has_password = excluded.has_password, failures = excluded.failures, "
                "locked_until = excluded.locked_until, not_before = excluded.not_before, "
                "last_sign_in = excluded.last_sign_in, version = excluded.version, position = excluded.position, "
                "name_sealed = excluded.name_sealed, erased = excluded.erased",
                (
                    u.tenant,
                    u.username,
                    u.display_name,
                    u.kind.value,
                    [r.value for r in u.roles],
                    u.disabled,
                    u.has_password,
                    u.failures,
                    u.locked_until,
                    u.sessions_not_before,
                    u.last_sign_in,
                    u.version,
                    env.position,
                    None if u.name is None else msgspec.json.encode(u.name).decode(),
                    u.erased,
                ),
            )
            kind = env.type_name
            if kind in ("User.TokenIssued", "User.TokenRevoked"):
                token_id = env.event.token_id
                label, expires, revoked = u.tokens[token_id]
                cur.execute(
                    f"INSERT INTO {schema}.tokens VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (token_id) "
                    "DO UPDATE SET revoked = excluded.revoked, position = excluded.position",
                    (token_id, u.tenant, u.username, label, env.timestamp, expires, revoked, env.position),
                )
            elif kind == "User.SignedOut":
                cur.execute(
                    f"INSERT INTO {schema}.ended_sessions VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING",
                    (env.event.session, u.tenant, u.username, env.timestamp, env.position),
                )

    def reset(self) -> None:
        self.folder.forget()
