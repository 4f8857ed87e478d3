"""The reader's scope: which bureaus' rows a read-model query may see (row-level security),
set in a way the reader role itself cannot forge.

Every read-model table has a policy for the role ``jixiao_reader`` admitting the rows whose
tenant is in ``jixiao_scope()``. That function (``SECURITY DEFINER``: it runs as the tables'
owner) reads two session settings — ``jixiao.scope`` (``tree:<code>``: a bureau and everything
below it, or ``list:<code>,<code>…``) and ``jixiao.scope_sig`` — and honours the scope only if the
signature is the HMAC-SHA-256 of it under the platform's scope key. The key lives in
``jixiao_scope_key``, which the reader role cannot read; the API holds it (read as the
application's role) and signs each caller's scope. SQL that runs as the reader — through a bug
or an injection — can set the settings but cannot sign them: an unsigned or altered scope shows
no rows at all. The function is evaluated once per statement (an init plan in the policy).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from psycopg import Connection, Cursor

KEY_TABLE = "jixiao_scope_key"
_BLOCK = 64  # SHA-256's block size: the HMAC pads


@dataclass(frozen=True)
class ScopeKey:
    """The HMAC key as its two pads (what the SQL function needs: PostgreSQL has no XOR of bytea)."""

    ipad: bytes
    opad: bytes

    @classmethod
    def generate(cls) -> ScopeKey:
        key = secrets.token_bytes(32).ljust(_BLOCK, b"\0")
        return cls(bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key))

    def sign(self, scope: str) -> str:
        inner = hashlib.sha256(self.ipad + scope.encode()).digest()
        return hashlib.sha256(self.opad + inner).hexdigest()


SCOPE_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION jixiao_scope() RETURNS text[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    scope text := current_setting('jixiao.scope', true);
    sig text := current_setting('jixiao.scope_sig', true);
    k record;
    found text[];
BEGIN
    IF scope IS NULL OR scope = '' OR sig IS NULL THEN
        RETURN '{{}}'::text[];
    END IF;
    SELECT ipad, opad INTO k FROM public.{KEY_TABLE} WHERE id = 1;
    IF k IS NULL OR encode(sha256(k.opad || sha256(k.ipad || convert_to(scope, 'UTF8'))), 'hex') <> sig THEN
        RETURN '{{}}'::text[];
    END IF;
    IF left(scope, 5) = 'tree:' THEN
        WITH RECURSIVE tree AS (
            SELECT substr(scope, 6) AS code
            UNION SELECT t.code FROM rm_tenants.tenants t JOIN tree ON t.parent = tree.code
        )
        SELECT array_agg(code) INTO found FROM tree;
        RETURN found;
    END IF;
    RETURN string_to_array(substr(scope, 6), ',');
END $$
"""

# one statement at the start of every read (services/api/plumbing.py, read_models)
SET_SCOPE_SQL = "SELECT set_config('jixiao.scope', %s, false), set_config('jixiao.scope_sig', %s, false)"
POLICY_EXPRESSION = "{column} = ANY ((SELECT jixiao_scope())::text[])"


def install(cur: Cursor[Any]) -> None:
    """The key table (a key made once), and the function the policies call. Idempotent."""
    cur.execute(
        f"CREATE TABLE IF NOT EXISTS public.{KEY_TABLE} "
        "(id int PRIMARY KEY CHECK (id = 1), ipad bytea NOT NULL, opad bytea NOT NULL)"
    )
    cur.execute(f"REVOKE ALL ON public.{KEY_TABLE} FROM PUBLIC")
    key = ScopeKey.generate()
    cur.execute(
        f"INSERT INTO public.{KEY_TABLE} (id, ipad, opad) VALUES (1, %s, %s) ON CONFLICT (id) DO NOTHING",
        (key.ipad, key.opad),
    )
    cur.execute(SCOPE_FUNCTION_SQL)
    cur.execute("REVOKE ALL ON FUNCTION jixiao_scope() FROM PUBLIC")
    cur.execute("GRANT EXECUTE ON FUNCTION jixiao_scope() TO jixiao_reader")


def load_key(conn: Connection[Any]) -> ScopeKey:
    """The key, read as the application's role (the reader role cannot)."""
    row = conn.execute(f"SELECT ipad, opad FROM public.{KEY_TABLE} WHERE id = 1").fetchone()
    if row is None:
        raise RuntimeError("scope key missing: run services.compose.install first")
    return ScopeKey(bytes(row[0]), bytes(row[1]))


def subtree(code: str) -> str:
    return f"tree:{code}"


def listed(codes: list[str]) -> str:
    return "list:" + ",".join(codes)
