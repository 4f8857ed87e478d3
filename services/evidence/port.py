"""The object store's port: blobs named by the SHA-256 of their content, nothing else.

A blob's key is its hash in lower-case hex and only that: no name a user chose ever reaches a
path or an object key (``check_sha256`` refuses anything but 64 hex digits). Storing is
idempotent (the same content is one blob however often it is attached) and atomic (a reader sees
the whole blob or none). Blobs are never deleted or overwritten by the platform: detaching a
file is an event, and the file stays for the history that names it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobMissing(LookupError):
    """No blob under this hash."""


class BlobCorrupt(ValueError):
    """The bytes offered do not hash to the key they are offered under."""


def check_sha256(sha256: str) -> str:
    if not isinstance(sha256, str) or not _SHA256.match(sha256):
        raise ValueError("SHA-256 应为 64 位小写十六进制字符")
    return sha256


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def digest_chunks(chunks: Iterator[bytes]) -> str:
    h = hashlib.sha256()
    for chunk in chunks:
        h.update(chunk)
    return h.hexdigest()


class ObjectStore(Protocol):
    """Where evidence files live. Implementations: ``LocalObjects``, ``S3Objects``, ``MemoryObjects``."""

    name: str  # where, for messages (a folder, a bucket)

    def put(self, sha256: str, source: Path) -> bool:
        """Store the file at ``source`` under its hash (checked: ``BlobCorrupt`` when the content
        hashes otherwise). True when it was stored now, False when it was there already."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def read(self, sha256: str) -> Iterator[bytes]:
        """The blob's bytes in chunks (``BlobMissing`` if there is none)."""
        ...

    def size(self, sha256: str) -> int:
        """The blob's size in bytes (``BlobMissing`` if there is none)."""
        ...


def stored_digest(store: ObjectStore, sha256: str) -> str | None:
    """The SHA-256 of what is stored under ``sha256`` now (None: nothing is): what ``jixiao
    verify`` compares with the hash in the event."""
    try:
        return digest_chunks(store.read(sha256))
    except BlobMissing:
        return None
