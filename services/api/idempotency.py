"""Idempotency keys: a retried command returns the first result and stores nothing new.

The first request with a key takes a PostgreSQL advisory lock on (caller, key), runs the
command and records the response; concurrent retries wait on that lock and then read the
recorded response. A key reused for a *different* request is refused (422), so a client bug
cannot silently return someone else's result. Keys are kept for ``RETENTION``.

``Idempotency`` is the port; ``PostgresIdempotency`` the product's store, ``InMemoryIdempotency``
its twin for unit tests (``tests/contracts/test_idempotency.py`` runs one suite on both).
"""

from __future__ import annotations

import datetime
import hashlib
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from psycopg_pool import ConnectionPool

RETENTION = datetime.timedelta(days=7)

CREATE_SQL = """
CREATE TABLE IF NOT EXISTS api_idempotency (
    principal text NOT NULL,
    key text NOT NULL,
    request_hash text NOT NULL,
    status int NOT NULL,
    body bytea NOT NULL,
    etag text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (principal, key)
)
"""


@dataclass(frozen=True)
class Recorded:
    status: int
    body: bytes
    etag: str | None


class KeyReused(Exception):
    pass


def request_hash(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


class Idempotency(Protocol):
    def run(
        self, principal: str, key: str, fingerprint: str, execute: Callable[[], Recorded]
    ) -> tuple[Recorded, bool]:
        """(response, replayed): the recorded response of the first request with this key, or
        ``execute()``'s (recorded unless it is a server error). ``KeyReused`` when the key was
        used for another request. Concurrent requests with one key run ``execute`` once."""


class PostgresIdempotency:
    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    def run(
        self, principal: str, key: str, fingerprint: str, execute: Callable[[], Recorded]
    ) -> tuple[Recorded, bool]:
        """(response, replayed): the recorded response of the first request with this key."""
        lock = zlib.crc32(f"{principal}\x00{key}".encode())
        with self.pool.connection() as conn:
            conn.autocommit = True
            conn.execute("SELECT pg_advisory_lock(%s)", (lock,))
            try:
                row = conn.execute(
                    "SELECT request_hash, status, body, etag FROM api_idempotency "
                    "WHERE principal = %s AND key = %s AND created_at > now() - %s",
                    (principal, key, RETENTION),
                ).fetchone()
                if row is not None:
                    if row[0] != fingerprint:
                        raise KeyReused
                    return Recorded(int(row[1]), bytes(row[2]), row[3]), True
                result = execute()
                if result.status < 500:  # a server error may succeed on retry: do not pin it
                    conn.execute(
                        "INSERT INTO api_idempotency (principal, key, request_hash, status, body, etag) "
                        "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (principal, key) DO UPDATE SET "
                        "request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, body = EXCLUDED.body, "
                        "etag = EXCLUDED.etag, created_at = now()",
                        (principal, key, fingerprint, result.status, result.body, result.etag),
                    )
                return result, False
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (lock,))


class InMemoryIdempotency:
    """The twin: records in a dict, one lock per key (as the advisory lock)."""

    def __init__(self, retention: datetime.timedelta = RETENTION) -> None:
        self._retention = retention.total_seconds()
        self._records: dict[tuple[str, str], tuple[str, Recorded, float]] = {}
        self._locks: dict[tuple[str, str], threading.Lock] = {}
        self._guard = threading.Lock()

    def run(
        self, principal: str, key: str, fingerprint: str, execute: Callable[[], Recorded]
    ) -> tuple[Recorded, bool]:
        with self._guard:
            lock = self._locks.setdefault((principal, key), threading.Lock())
        with lock:
            found = self._records.get((principal, key))
            if found is not None and time.monotonic() - found[2] < self._retention:
                if found[0] != fingerprint:
                    raise KeyReused
                return found[1], True
            result = execute()
            if result.status < 500:
                self._records[(principal, key)] = (fingerprint, result, time.monotonic())
            return result, False
