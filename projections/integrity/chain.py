"""The hash chain: each tenant's events in their global order, hashed in a canonical encoding.

    event_hash = SHA-256(position ‖ originator id ‖ version ‖ topic ‖ stored JSON)
    chain_hash = SHA-256(previous chain_hash of the tenant ‖ event_hash)      (genesis: 32 zero bytes)

The stored JSON is itself canonical (msgspec writes fields in declaration order), so the hash
covers exactly the bytes the platform decodes.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

import msgspec

GENESIS = bytes(32)


def event_hash(position: int, originator_id: UUID, version: int, topic: str, state: bytes) -> bytes:
    h = hashlib.sha256()
    h.update(b"%d\x00%s\x00%d\x00" % (position, originator_id.bytes.hex().encode(), version))
    h.update(topic.encode())
    h.update(b"\x00")
    h.update(state)
    return h.digest()


def link(previous: bytes, this_event: bytes) -> bytes:
    return hashlib.sha256(previous + this_event).digest()


class _Meta(msgspec.Struct):
    tenant: str


class _Tenanted(msgspec.Struct):
    meta: _Meta


_TENANT = msgspec.json.Decoder(_Tenanted)


def tenant_of(state: bytes | Any) -> str:
    return _TENANT.decode(bytes(state)).meta.tenant
