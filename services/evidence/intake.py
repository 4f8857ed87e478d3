"""An uploaded file, from the wire to the object store — before any event is appended.

The order is the design: receive into a temporary file (the size limit enforced while reading,
the SHA-256 computed on the way), check the name and the bytes (``kinds``), store the blob under
its hash, and only then run the command whose event carries the hash. A refusal at any step
stores nothing. A blob stored for a command that is then refused (the caller may not attach to
that target, the target does not exist) stays as an orphan: harmless — content-addressed, never
listed or served without an event naming it — and documented in ``docs/evidence.md``.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from services.evidence.kinds import Refused, check_content, check_declared, display_name, kind_of_name
from services.evidence.port import ObjectStore

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES

    @property
    def label(self) -> str:
        return f"{self.max_bytes / (1024 * 1024):g} MB"


@dataclass(frozen=True)
class Accepted:
    """A file checked and stored: what the event records."""

    sha256: str
    size: int
    media_type: str
    name: str


class Receiver:
    """A temporary file that a body is streamed into: ``feed`` chunks, then ``finish``."""

    def __init__(self, limits: Limits, directory: Path | None = None) -> None:
        self.limits = limits
        fd, name = tempfile.mkstemp(prefix="evidence-", suffix=".upload", dir=directory)
        self.path = Path(name)
        self._file = os.fdopen(fd, "wb")
        self._hash = hashlib.sha256()
        self.size = 0

    def feed(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limits.max_bytes:
            raise Refused(f"文件超过大小限制（{self.limits.label}），未保存", "evidence.too_large", 413)
        self._hash.update(chunk)
        self._file.write(chunk)

    def finish(self) -> str:
        self._file.close()
        return self._hash.hexdigest()

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


async def receive(chunks: AsyncIterator[bytes], limits: Limits) -> tuple[Path, str, int]:
    """A whole body into a temporary file: (path, sha256, size). The caller removes the file."""
    receiver = Receiver(limits)
    try:
        async for chunk in chunks:
            receiver.feed(chunk)
        sha = receiver.finish()
    except BaseException:
        receiver.discard()
        raise
    return receiver.path, sha, receiver.size


def accept(
    store: ObjectStore, path: Path, sha256: str, size: int, filename: str, declared: str | None
) -> Accepted:
    """Check a received file and store it (blocking I/O: call it on a worker thread)."""
    name = display_name(filename)
    kind = kind_of_name(name)
    check_declared(kind, declared)
    check_content(kind, path)
    store.put(sha256, path)
    return Accepted(sha256, size, kind.media_type, name)
