"""One contract for every object store of 佐证材料: the local folder, an S3-compatible store and
the in-memory twin.

The S3 implementation runs against moto's server (``moto[server]``, from PyPI), started here as a
subprocess on a free loopback port: a local S3-compatible server standing in for a real S3,
MinIO or a cloud's OSS/COS — the same HTTP API, the same client (boto3), no account needed.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from services.evidence.local import LocalObjects
from services.evidence.memory import MemoryObjects
from services.evidence.port import BlobCorrupt, BlobMissing, ObjectStore, stored_digest
from services.evidence.s3 import S3Config, S3Objects


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                assert server.poll() is None, "moto server exited"
                assert time.monotonic() < deadline, "moto server did not start"
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(params=["memory", "local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    if request.param == "memory":
        return MemoryObjects()
    if request.param == "local":
        return LocalObjects(tmp_path / "objects")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = f"jixiao-{tmp_path.name.lower().replace('_', '-')[-40:]}"
    s3 = S3Objects(S3Config(bucket, endpoint, access_key="test", secret_key="test", prefix="evidence/"))
    s3.client.create_bucket(Bucket=bucket)
    return s3


def _file(tmp_path: Path, data: bytes, name: str = "f.bin") -> tuple[Path, str]:
    path = tmp_path / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


def test_a_blob_is_stored_under_its_hash_and_read_back(store: ObjectStore, tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 1000  # several chunks
    path, sha = _file(tmp_path, data)
    assert not store.exists(sha)
    assert store.put(sha, path) is True
    assert store.exists(sha)
    assert b"".join(store.read(sha)) == data
    assert store.size(sha) == len(data)
    assert stored_digest(store, sha) == sha


def test_storing_is_idempotent_by_hash(store: ObjectStore, tmp_path: Path) -> None:
    path, sha = _file(tmp_path, b"same bytes")
    assert store.put(sha, path) is True
    assert store.put(sha, path) is False
    assert b"".join(store.read(sha)) == b"same bytes"


def test_content_that_does_not_hash_to_its_key_is_refused(store: ObjectStore, tmp_path: Path) -> None:
    path, _ = _file(tmp_path, b"one thing")
    other = hashlib.sha256(b"another").hexdigest()
    with pytest.raises(BlobCorrupt):
        store.put(other, path)
    assert not store.exists(other)


def test_a_missing_blob(store: ObjectStore) -> None:
    sha = "0" * 64
    assert not store.exists(sha)
    with pytest.raises(BlobMissing):
        b"".join(store.read(sha))
    with pytest.raises(BlobMissing):
        store.size(sha)
    assert stored_digest(store, sha) is None


@pytest.mark.parametrize("key", ["../../etc/passwd", "A" * 64, "g" * 64, "", "ab/cd", "0" * 63])
def test_only_a_hex_hash_names_a_blob(store: ObjectStore, tmp_path: Path, key: str) -> None:
    path, _ = _file(tmp_path, b"x")
    for call in (lambda: store.put(key, path), lambda: store.exists(key), lambda: store.size(key)):
        with pytest.raises(ValueError):
            call()


def test_the_local_folder_writes_atomically_and_read_only(tmp_path: Path) -> None:
    store = LocalObjects(tmp_path / "objects")
    path, sha = _file(tmp_path, b"%PDF-1.4 atomic")
    store.put(sha, path)
    target = store.path_of(sha)
    assert target.parent.name == sha[:2] and target.name == sha
    assert not target.stat().st_mode & 0o222  # read-only once stored
    assert list((tmp_path / "objects" / "tmp").iterdir()) == []  # no partial file left


def test_an_object_altered_in_the_bucket_no_longer_hashes_to_its_key(
    s3_endpoint: str, tmp_path: Path
) -> None:
    """What ``jixiao verify`` relies on with S3: the digest of what is stored, not of what was sent."""
    store = S3Objects(S3Config("jixiao-tamper", s3_endpoint, access_key="test", secret_key="test"))
    store.client.create_bucket(Bucket="jixiao-tamper")
    path, sha = _file(tmp_path, b"%PDF-1.4 original")
    store.put(sha, path)
    store.client.put_object(Bucket="jixiao-tamper", Key=store.key_of(sha), Body=b"%PDF-1.4 forged")
    assert stored_digest(store, sha) == hashlib.sha256(b"%PDF-1.4 forged").hexdigest() != sha
