"""The object store in any S3-compatible service (AWS S3, MinIO, Ceph, a cloud's OSS/COS with
its S3 interface): used when ``JIXIAO_S3_BUCKET`` is set.

Keys are ``<prefix><sha256>``. An upload is a single PUT (S3 makes an object visible whole or not
at all), skipped when the key exists already; the content's SHA-256 is checked before sending.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped]
from botocore.config import Config  # type: ignore[import-untyped]
from botocore.exceptions import ClientError  # type: ignore[import-untyped]

from services.evidence.port import CHUNK, BlobCorrupt, BlobMissing, check_sha256, sha256_of

_MISSING = ("404", "NoSuchKey", "NotFound")


@dataclass(frozen=True)
class S3Config:
    bucket: str
    endpoint: str | None = None  # None: AWS itself
    region: str = "us-east-1"
    access_key: str | None = None
    secret_key: str | None = None
    prefix: str = "evidence/"


class S3Objects:
    def __init__(self, config: S3Config, client: Any = None) -> None:
        self.config = config
        self.name = f"s3://{config.bucket}/{config.prefix}"
        self.client = client or boto3.client(
            "s3",
            endpoint_url=config.endpoint,
            region_name=config.region,
            aws_access_key_id=config.access_key,
            aws_secret_access_key=config.secret_key,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=30
            ),
        )

    def key_of(self, sha256: str) -> str:
        return self.config.prefix + check_sha256(sha256)

    def put(self, sha256: str, source: Path) -> bool:
        if self.exists(sha256):
            return False
        if sha256_of(source) != sha256:
            raise BlobCorrupt(f"文件内容与哈希 {sha256} 不符")
        with source.open("rb") as f:
            self.client.put_object(
                Bucket=self.config.bucket,
                Key=self.key_of(sha256),
                Body=f,
                ContentType="application/octet-stream",
                Metadata={"sha256": sha256},
            )
        return True

    def exists(self, sha256: str) -> bool:
        try:
            self.client.head_object(Bucket=self.config.bucket, Key=self.key_of(sha256))
        except ClientError as e:
            if str(e.response.get("Error", {}).get("Code")) in _MISSING:
                return False
            raise
        return True

    def read(self, sha256: str) -> Iterator[bytes]:
        try:
            answer = self.client.get_object(Bucket=self.config.bucket, Key=self.key_of(sha256))
        except ClientError as e:
            if str(e.response.get("Error", {}).get("Code")) in _MISSING:
                raise BlobMissing(sha256) from None
            raise
        body = answer["Body"]
        return _chunks(body)

    def size(self, sha256: str) -> int:
        try:
            answer = self.client.head_object(Bucket=self.config.bucket, Key=self.key_of(sha256))
        except ClientError as e:
            if str(e.response.get("Error", {}).get("Code")) in _MISSING:
                raise BlobMissing(sha256) from None
            raise
        return int(answer["ContentLength"])


def _chunks(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(CHUNK)
    finally:
        body.close()
