"""Sealing personal data with per-person keys (AES-256-GCM, ``cryptography``), and erasing them.

The keys live in ``jixiao_person_keys``, readable by the application's role only (not by the
read models' reader role); erasing a person deletes their row and records the erasure as an
event. An external KMS would be another implementation of ``KeyStore`` (not built: the table is
the default and the only one today).

``PostgresKeyStore`` is the product's; ``InMemoryKeyStore`` its twin
(``tests/contracts/test_personal.py`` runs one suite on both).
"""

from __future__ import annotations

import base64
import os
import threading
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from psycopg_pool import ConnectionPool

from domain.personal import ERASED, Sealed

CREATE_SQL = """
CREATE TABLE IF NOT EXISTS jixiao_person_keys (
    subject text PRIMARY KEY, key bytea, created_at timestamptz NOT NULL DEFAULT now(), erased_at timestamptz
);
REVOKE ALL ON jixiao_person_keys FROM PUBLIC;
"""


class ErasedSubject(Exception):
    """New personal data for a person whose data was erased: refused (their key is gone for good)."""


class KeyStore(Protocol):
    def key(self, subject: str, *, create: bool) -> bytes | None:
        """The subject's key (made when ``create`` and never made before), or None: none yet, or
        erased — an erased subject never gets a key again (``ErasedSubject`` when asked to create)."""

    def erase(self, subject: str) -> bool:
        """Destroy the subject's key; whether there was one."""


class Personal:
    """Seal and reveal with a ``KeyStore``."""

    def __init__(self, keys: KeyStore) -> None:
        self.keys = keys

    def seal(self, subject: str, text: str) -> Sealed:
        key = self.keys.key(subject, create=True)
        if key is None:  # pragma: no cover - create=True gives one or raises
            raise ErasedSubject(subject)
        nonce = os.urandom(12)
        box = nonce + AESGCM(key).encrypt(nonce, text.encode(), subject.encode())
        return Sealed(subject, base64.b64encode(box).decode())

    def reveal(self, sealed: Sealed | None, default: str = "") -> str:
        if sealed is None:
            return default
        key = self.keys.key(sealed.subject, create=False)
        if key is None:
            return ERASED
        box = base64.b64decode(sealed.box)
        try:
            return AESGCM(key).decrypt(box[:12], box[12:], sealed.subject.encode()).decode()
        except InvalidTag:  # another subject's box, or altered: say so rather than guess
            return "（无法解密）"

    def erase(self, subject: str) -> bool:
        return self.keys.erase(subject)


class PostgresKeyStore:
    def __init__(self, pool: ConnectionPool[Any]) -> None:
        self.pool = pool

    def key(self, subject: str, *, create: bool) -> bytes | None:
        with self.pool.connection() as conn:
            if create:
                conn.execute(
                    "INSERT INTO jixiao_person_keys (subject, key) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (subject, AESGCM.generate_key(bit_length=256)),
                )
            row = conn.execute(
                "SELECT key, erased_at FROM jixiao_person_keys WHERE subject = %s", (subject,)
            ).fetchone()
        if row is not None and row[1] is not None and create:
            raise ErasedSubject(subject)
        return None if row is None or row[0] is None else bytes(row[0])

    def erase(self, subject: str) -> bool:
        """The key overwritten by NULL and the row kept as a tombstone (so it is never made
        again). PostgreSQL keeps the old row version until VACUUM; the operator's backups keep it
        until they expire — docs/api.md says what that means for a request to erase."""
        with self.pool.connection() as conn:
            gone = conn.execute(
                "UPDATE jixiao_person_keys SET key = NULL, erased_at = now() WHERE subject = %s AND key IS NOT NULL",
                (subject,),
            )
            conn.execute(
                "INSERT INTO jixiao_person_keys (subject, key, erased_at) VALUES (%s, NULL, now()) ON CONFLICT DO NOTHING",
                (subject,),
            )
            return bool(gone.rowcount > 0)


class InMemoryKeyStore:
    def __init__(self) -> None:
        self._keys: dict[str, bytes] = {}
        self._erased: set[str] = set()
        self._lock = threading.Lock()

    def key(self, subject: str, *, create: bool) -> bytes | None:
        with self._lock:
            if create and subject in self._erased:
                raise ErasedSubject(subject)
            if subject not in self._keys and create:
                self._keys[subject] = AESGCM.generate_key(bit_length=256)
            return self._keys.get(subject)

    def erase(self, subject: str) -> bool:
        with self._lock:
            self._erased.add(subject)
            return self._keys.pop(subject, None) is not None
