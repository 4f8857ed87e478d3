"""Passwords: hashed with Argon2id (argon2-cffi), kept outside the event log.

The event log is immutable and replayed by every projection; a password hash in it could never
be removed. So the hash lives in ``jixiao_credentials`` (one row per account, overwritten when
the password changes), which only the application's role can read, and the log records that a
password was set, by whom and why (``User.PasswordSet``).

``Credentials`` is the port; ``PostgresCredentials`` the product's store, ``InMemoryCredentials``
its twin (``tests/contracts/test_credentials.py`` runs one suite on both).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from psycopg_pool import ConnectionPool

CREATE_SQL = """
CREATE TABLE IF NOT EXISTS jixiao_credentials (
    user_id uuid PRIMARY KEY, hash text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now()
);
REVOKE ALL ON jixiao_credentials FROM PUBLIC;
"""

HASHER = PasswordHasher()  # Argon2id with the library's recommended parameters


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """The hash of a new password (``hasher``: the recommended parameters unless a test asks for
    cheaper ones; a hash records its own parameters, so any of them verifies later)."""
    return hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash is checked against a dummy one, so that an
    account without a password takes as long to refuse as a wrong password."""
    try:
        return HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


_DUMMY = HASHER.hash("jixiao-dummy-password-never-used")


class Credentials(Protocol):
    def get(self, user_id: UUID) -> str | None:
        """The stored hash, or None."""

    def put(self, user_id: UUID, password_hash: str) -> None: ...


class PostgresCredentials:
    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    def get(self, user_id: UUID) -> str | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                "SELECT hash FROM jixiao_credentials WHERE user_id = %s", (user_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def put(self, user_id: UUID, password_hash: str) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                "INSERT INTO jixiao_credentials (user_id, hash) VALUES (%s, %s) ON CONFLICT (user_id) "
                "DO UPDATE SET hash = excluded.hash, updated_at = now()",
                (user_id, password_hash),
            )


class InMemoryCredentials:
    def __init__(self) -> None:
        self._hashes: dict[UUID, str] = {}
        self._lock = threading.Lock()

    def get(self, user_id: UUID) -> str | None:
        with self._lock:
            return self._hashes.get(user_id)

    def put(self, user_id: UUID, password_hash: str) -> None:
        with self._lock:
            self._hashes[user_id] = password_hash
