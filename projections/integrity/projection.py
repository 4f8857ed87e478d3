"""The integrity projection: extends each tenant's hash chain and writes periodic checkpoints."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from projections.integrity.chain import GENESIS, content_hash, link
from services.eventlog.stream import Envelope

CHECKPOINT_EVERY = 1000  # events of one tenant between checkpoints


class IntegrityProjection:
    name = "integrity"
    version = 1

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.chain (
                position bigint PRIMARY KEY, tenant text NOT NULL, content_hash bytea NOT NULL, chain_hash bytea NOT NULL);
            CREATE INDEX IF NOT EXISTS chain_tenant ON {schema}.chain (tenant, position);
            CREATE TABLE IF NOT EXISTS {schema}.heads (
                tenant text PRIMARY KEY, position bigint NOT NULL, chain_hash bytea NOT NULL, count bigint NOT NULL);
            CREATE TABLE IF NOT EXISTS {schema}.checkpoints (
                tenant text NOT NULL, position bigint NOT NULL, chain_hash bytea NOT NULL, count bigint NOT NULL,
                at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant, position));
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        tenants = sorted({env.tenant for env in batch})
        heads: dict[str, tuple[int, bytes, int]] = {t: (0, GENESIS, 0) for t in tenants}
        for tenant, position, chain_hash, count in cur.execute(
            f"SELECT tenant, position, chain_hash, count FROM {schema}.heads WHERE tenant = ANY(%s)",
            (tenants,),
        ).fetchall():
            heads[tenant] = (position, bytes(chain_hash), count)
        rows = []
        checkpoints = []
        for env in batch:
            _, previous, count = heads[env.tenant]
            h = content_hash(env.originator_id, env.version, env.topic, env.state)
            chained = link(previous, env.position, h)
            heads[env.tenant] = (env.position, chained, count + 1)
            rows.append((env.position, env.tenant, h, chained))
            if (count + 1) % CHECKPOINT_EVERY == 0:
                checkpoints.append((env.tenant, env.position, chained, count + 1))
        with cur.copy(f"COPY {schema}.chain (position, tenant, content_hash, chain_hash) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.executemany(
            f"INSERT INTO {schema}.heads VALUES (%s, %s, %s, %s) ON CONFLICT (tenant) DO UPDATE "
            "SET position = excluded.position, chain_hash = excluded.chain_hash, count = excluded.count",
            [(t, p, c, n) for t, (p, c, n) in heads.items()],
        )
        if checkpoints:
            cur.executemany(
                f"INSERT INTO {schema}.checkpoints (tenant, position, chain_hash, count) VALUES (%s, %s, %s, %s)",
                checkpoints,
            )

    def reset(self) -> None:
        pass
