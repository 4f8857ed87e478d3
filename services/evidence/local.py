"""The object store in a local folder (the default: ``$JIXIAO_DATA_DIR/evidence``).

Layout: ``<root>/<first two hex digits>/<sha256>``, so no directory holds more than 1/256 of the
blobs. A blob is written to a temporary file in ``<root>/tmp`` (same file system), flushed to
disk and renamed into place: a crash leaves at most a stray temporary file, never a partial blob
under a hash. Files are made read-only once stored.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from services.evidence.port import CHUNK, BlobCorrupt, BlobMissing, check_sha256, sha256_of


class LocalObjects:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.name = str(root)

    def path_of(self, sha256: str) -> Path:
        sha256 = check_sha256(sha256)  # the only part of the path not chosen here
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, source: Path) -> bool:
        target = self.path_of(sha256)
        if target.exists():
            return False
        temporary = self.root / "tmp"
        temporary.mkdir(parents=True, exist_ok=True)
        partial = temporary / f"{uuid.uuid4().hex}.part"
        try:
            with source.open("rb") as src, partial.open("xb") as dst:
                shutil.copyfileobj(src, dst, CHUNK)
                dst.flush()
                os.fsync(dst.fileno())
            if sha256_of(partial) != sha256:
                raise BlobCorrupt(f"文件内容与哈希 {sha256} 不符")
            partial.chmod(0o444)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(partial, target)  # atomic; a concurrent writer of the same hash wrote the same bytes
        finally:
            partial.unlink(missing_ok=True)
        return True

    def exists(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def read(self, sha256: str) -> Iterator[bytes]:
        path = self.path_of(sha256)
        try:
            f = path.open("rb")
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        return _chunks(f)

    def size(self, sha256: str) -> int:
        try:
            return self.path_of(sha256).stat().st_size
        except FileNotFoundError:
            raise BlobMissing(sha256) from None


def _chunks(f: BinaryIO) -> Iterator[bytes]:
    with f:
        while chunk := f.read(CHUNK):
            yield chunk
