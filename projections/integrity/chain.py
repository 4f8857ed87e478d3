"""The hash chain: each tenant's events in their global order, hashed in a canonical encoding.

    content    = SHA-256(originator id ‖ version ‖ topic ‖ stored JSON)          (what the event says)
    chain_hash = SHA-256(previous chain_hash of the tenant ‖ position ‖ content)  (genesis: 32 zero bytes)

The content hash does not depend on the position, so a verifier can tell an event that moved
(reordered) from one that changed (altered).

The stored JSON is itself canonical (msgspec writes fields in declaration order), so the hash
covers exactly the bytes the platform decodes.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import msgspec

GENESIS = bytes(32)


def content_hash(originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    h = hashlib.sha256()
    h.update(b"%s\x00%d\x00" % (originator_id.bytes.hex().encode(), version))
    h.update(topic.encode())
    h.update(b"\x00")
    h.update(state)
    return h.digest()


def link(previous: bytes, position: int, content: bytes) -> bytes:
    return hashlib.sha256(previous + position.to_bytes(8, "big") + content).digest()


class _Meta(msgspec.Struct):
    tenant: str


class _Tenanted(msgspec.Struct):
    meta: _Meta


_TENANT = msgspec.json.Decoder(_Tenanted)


def tenant_of(state: bytes | Any) -> str:
    return _TENANT.decode(bytes(state)).meta.tenant
