"""Exported checkpoints: each tenant's latest chain hash, signed with Ed25519.

The file is meant to leave the database's reach (handed to the auditor, published over NATS
later): whoever rewrites events *and* chain inside the database cannot make the recomputed
chain match a checkpoint signed before the rewrite.
"""

from __future__ import annotations

import base64
import datetime
from pathlib import Path
from typing import Any

import msgspec
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from psycopg import Connection

SCHEMA = "rm_integrity"


class Checkpoint(msgspec.Struct, frozen=True):
    tenant: str
    position: int
    count: int
    chain_hash: bytes
    at: datetime.datetime


class CheckpointFile(msgspec.Struct, frozen=True):
    format: str
    exported_at: datetime.datetime
    public_key: str  # base64 raw Ed25519 key, so a reader can see which key signed
    checkpoints: list[Checkpoint]
    signature: str = ""  # base64 Ed25519 signature over the file without this field


class CheckpointError(Exception):
    """The file cannot be trusted: bad signature, unknown key, unreadable."""


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise CheckpointError(f"{path} 不是 Ed25519 私钥")
        return key
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)
    return key


def claim(tenant: str, position: int, count: int, chain_hash_hex: str) -> bytes:
    """What a published checkpoint's signature covers (``docs/events.md``, integrity.checkpoint)."""
    return f"jixiao-checkpoint:v1:{tenant}:{position}:{count}:{chain_hash_hex}".encode()


def raw_public_key(public: Ed25519PublicKey) -> str:
    return base64.b64encode(
        public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ).decode()


def latest_checkpoints(conn: Connection[Any]) -> list[Checkpoint]:
    """Each tenant's current chain head (a checkpoint of everything chained so far)."""
    with conn.cursor() as cur:
        rows = cur.execute(
            f"SELECT tenant, position, count, chain_hash, now() FROM {SCHEMA}.heads ORDER BY tenant"
        ).fetchall()
    return [Checkpoint(t, int(p), int(n), bytes(h), at) for t, p, n, h, at in rows]


def export(conn: Connection[Any], key: Ed25519PrivateKey, path: Path) -> CheckpointFile:
    unsigned = CheckpointFile(
        format="jixiao/checkpoints@1",
        exported_at=datetime.datetime.now(datetime.UTC),
        public_key=raw_public_key(key.public_key()),
        checkpoints=latest_checkpoints(conn),
    )
    signature = base64.b64encode(key.sign(msgspec.json.encode(unsigned))).decode()
    signed = msgspec.structs.replace(unsigned, signature=signature)
    path.write_bytes(msgspec.json.encode(signed))
    return signed


def read_verified(path: Path, trusted: Ed25519PublicKey) -> list[Checkpoint]:
    try:
        signed = msgspec.json.decode(path.read_bytes(), type=CheckpointFile)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as e:
        raise CheckpointError(f"无法读取检查点文件 {path}：{e}") from None
    if signed.public_key != raw_public_key(trusted):
        raise CheckpointError("检查点文件不是由受信任的密钥签名的")
    unsigned = msgspec.structs.replace(signed, signature="")
    try:
        trusted.verify(base64.b64decode(signed.signature), msgspec.json.encode(unsigned))
    except (InvalidSignature, ValueError):
        raise CheckpointError("检查点文件签名无效：文件被修改过") from None
    return signed.checkpoints
