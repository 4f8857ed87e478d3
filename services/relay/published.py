"""The signed checkpoints the relay has published: each tenant's latest, read back from the stream.

The stream is outside the database superuser's reach (another server, its own users, and
``deny_delete``), so ``jixiao verify`` checks the event log against what was signed there — a rewrite
or a removal of anything the latest checkpoint covers shows, even when the attacker rebuilt the
hash chain inside the database. A checkpoint whose signature does not verify with the platform's
key is not used, and is reported: someone with publish rights but without the key wrote it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from dataclasses import dataclass, field

import msgspec
import nats
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from projections.integrity.checkpoints import Checkpoint, claim, raw_public_key
from services.relay import contracts
from services.relay.jetstream import server_urls
from services.relay.permissions import STREAM
from services.relay.subjects import CHECKPOINT_SUFFIX, DEPTH, PREFIX

EVERY_TENANT = ".".join([PREFIX, *["*"] * DEPTH, CHECKPOINT_SUFFIX])


@dataclass
class Published:
    checkpoints: list[Checkpoint] = field(default_factory=list)
    untrusted: list[str] = field(default_factory=list)  # Chinese descriptions, one per refused message


def trusted_checkpoint(data: bytes, trusted: Ed25519PublicKey) -> Checkpoint | str:
    """The checkpoint a message carries, or why it cannot be trusted."""
    try:
        message = contracts.decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError) as e:
        return f"无法解码的检查点消息（{e}）"
    if not isinstance(message, contracts.CheckpointMessage):
        return f"检查点主题上出现了 {type(message).__name__} 消息"
    cp = message.payload
    where = f"单位 {message.tenant} 位置 {message.position}"
    if cp.public_key != raw_public_key(trusted):
        return f"{where} 的检查点不是由平台密钥签名的"
    try:
        chain = bytes.fromhex(cp.chain_hash)
        trusted.verify(
            base64.b64decode(cp.signature), claim(message.tenant, message.position, cp.count, cp.chain_hash)
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return f"{where} 的检查点签名无效"
    return Checkpoint(message.tenant, message.position, cp.count, chain, message.occurred_at)


async def _quiet(error: Exception) -> None:
    """The caller reports a failed connection once, in Chinese (nats-py would log a traceback)."""


async def latest_published(nats_url: str, trusted: Ed25519PublicKey, *, timeout: float = 5.0) -> Published:
    """Each tenant's newest checkpoint in the stream (JetStream keeps the last one per subject
    reachable in one ordered pass: ``DeliverPolicy.LAST_PER_SUBJECT``)."""
    nc = await asyncio.wait_for(  # nats-py keeps trying a server that is down, even without reconnects
        nats.connect(server_urls(nats_url), connect_timeout=timeout, allow_reconnect=False, error_cb=_quiet),
        timeout,
    )
    try:
        js = nc.jetstream(timeout=timeout)
        config = ConsumerConfig(
            deliver_policy=DeliverPolicy.LAST_PER_SUBJECT, ack_policy=AckPolicy.NONE, inactive_threshold=30.0
        )
        sub = await js.pull_subscribe(EVERY_TENANT, stream=STREAM, config=config)
        pending = (await sub.consumer_info()).num_pending or 0
        out = Published()
        newest: dict[str, Checkpoint] = {}
        while pending > 0:
            msgs = await sub.fetch(batch=min(pending, 500), timeout=timeout)
            pending -= len(msgs)
            for msg in msgs:
                got = trusted_checkpoint(msg.data, trusted)
                if isinstance(got, str):
                    out.untrusted.append(got)
                elif got.tenant not in newest or got.position > newest[got.tenant].position:
                    newest[got.tenant] = got
        out.checkpoints = sorted(newest.values(), key=lambda c: c.tenant)
        await sub.unsubscribe()
        return out
    finally:
        await nc.close()
