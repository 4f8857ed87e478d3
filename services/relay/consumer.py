"""The example downstream consumer (docs/events.md): a durable pull consumer with explicit acks.

A finance bureau's budget system connects as its tenant's downstream user (``t<code>``), reads
its subtree, handles each message and only then acknowledges it. After a crash, JetStream
redelivers what was not acknowledged, so ``handle`` must be idempotent: skip a ``position``
already applied (positions only grow). Nothing here imports the platform's internals except
the contract decoder — a consumer in another language decodes the JSON by the published schemas.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.relay.contracts import Message, decode
from services.relay.jetstream import server_urls
from services.relay.permissions import STREAM, consumer_names, downstream_user, inbox_prefix
from services.relay.subjects import subtree


async def consume(
    nats_url: str,
    tenant: str,
    path: tuple[str, ...],
    handle: Callable[[Message], Awaitable[None]],
    should_stop: Callable[[], bool],
    *,
    batch: int = 100,
) -> None:
    """Run until ``should_stop``; ``nats_url`` carries the downstream user's credentials."""
    user = downstream_user(tenant)
    durable = consumer_names(user)[0]
    # replies to this user's own inbox prefix: its permissions allow no other
    nc = await nats.connect(server_urls(nats_url), inbox_prefix=inbox_prefix(user))
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            subtree(path),
            durable=durable,
            stream=STREAM,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=30.0,
                max_ack_pending=batch * 10,
            ),
        )
        while not should_stop():
            try:
                msgs = await sub.fetch(batch=batch, timeout=1.0)
            except TimeoutError:  # nats-py raises its own subclass, or asyncio's (= TimeoutError) when the deadline passes first
                continue
            for msg in msgs:
                await handle(decode(msg.data))
                await msg.ack()  # only after the message was handled
    finally:
        await nc.close()
