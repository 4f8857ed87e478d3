"""The object store's in-memory twin, for unit tests (same contract: ``tests/contracts``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from services.evidence.port import CHUNK, BlobCorrupt, BlobMissing, check_sha256, sha256_of


class MemoryObjects:
    name = "内存"

    def __init__(self) -> None:
        self.blobs: dict[str, bytes] = {}

    def put(self, sha256: str, source: Path) -> bool:
        check_sha256(sha256)
        if sha256 in self.blobs:
            return False
        if sha256_of(source) != sha256:
            raise BlobCorrupt(f"文件内容与哈希 {sha256} 不符")
        self.blobs[sha256] = source.read_bytes()
        return True

    def exists(self, sha256: str) -> bool:
        return check_sha256(sha256) in self.blobs

    def read(self, sha256: str) -> Iterator[bytes]:
        try:
            data = self.blobs[check_sha256(sha256)]
        except KeyError:
            raise BlobMissing(sha256) from None
        return iter([data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""])

    def size(self, sha256: str) -> int:
        try:
            return len(self.blobs[check_sha256(sha256)])
        except KeyError:
            raise BlobMissing(sha256) from None
