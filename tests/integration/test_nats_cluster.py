"""A province's three-server NATS cluster (configurations from ``jixiao nats config``'s generator):
the relay publishes to a stream replicated three times and carries on while a follower and then
the stream's leader are SIGKILLed; every event is in the stream once and in log order, and a
tenant's downstream user reads its events through any member."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import nats
from nats.js.api import StreamInfo

from projections.core.runner import wait_until
from services.compose import build_application
from services.relay.consumer import consume
from services.relay.contracts import Message
from services.relay.jetstream import StreamSettings
from services.relay.permissions import STREAM, downstream_user
from services.relay.subscribe import subscribe
from tests.integration.relay_support import (
    PATHS,
    assert_exactly_once_in_order,
    evaluations,
    event_positions,
    read_stream,
    relay_thread,
    relayed_position,
    write_notes,
)
from tests.integration.topology_support import Server, cluster, running
from tests.relay_events import register_tree

COUNTY = "360102"


def stream_info(server: Server) -> StreamInfo | None:
    async def ask() -> StreamInfo:
        nc = await nats.connect(server.url(), allow_reconnect=False, max_reconnect_attempts=1)
        try:
            return await nc.jetstream(timeout=1).stream_info(STREAM)
        finally:
            await nc.close()

    try:
        return asyncio.run(ask())
    except Exception:  # no leader yet, or the server is down
        return None


def replicated(server: Server, members: int) -> StreamInfo | None:
    """The stream's info once it has a leader and ``members - 1`` current followers."""
    info = stream_info(server)
    if info is None or info.cluster is None or not info.cluster.leader:
        return None
    current = [p for p in info.cluster.replicas or [] if p.current and not p.offline]
    return info if len(current) == members - 1 else None


def by_name(servers: list[Server], name: str) -> Server:
    return next(s for s in servers if s.name == name)


def longest_stall(database_url: str, seconds: float) -> float:
    """Over ``seconds``, the longest time the relay's tracked position did not move."""
    last, since, worst = relayed_position(database_url), time.monotonic(), 0.0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.05)
        now, position = time.monotonic(), relayed_position(database_url)
        if position != last:
            worst, last, since = max(worst, now - since), position, now
    return max(worst, time.monotonic() - since)


async def drain(server: Server, tenant: str) -> list[Message]:
    got: list[Message] = []
    last = [time.monotonic()]

    async def handle(message: Message) -> None:
        got.append(message)
        last[0] = time.monotonic()

    await consume(
        server.url(downstream_user(tenant)),
        tenant,
        PATHS[tenant],
        handle,
        lambda: time.monotonic() - last[0] > 2,
    )
    return got


def test_the_relay_carries_on_while_a_follower_then_the_leader_of_the_stream_dies(
    database_url: str, tmp_path: Path
) -> None:
    servers = cluster(tmp_path / "nats", PATHS)
    with running(servers):
        app = build_application(database_url, pool_size=2)
        register_tree(app)
        ids = evaluations(app)
        stop = threading.Event()

        def write() -> None:  # a steady trickle of commands the whole time
            while not stop.is_set():
                for ev in ids:
                    write_notes(app, ev, saves=1, per_save=3)
                time.sleep(0.05)

        writer = threading.Thread(target=write, daemon=True)
        urls = ",".join(s.url() for s in servers)
        settings = StreamSettings(max_age=3600.0, replicas=3)
        with relay_thread(database_url, urls, stream=settings, batch=200, window=64, ack_timeout=2.0):
            writer.start()
            assert wait_until(lambda: replicated(servers[0], 3) is not None, 30), "never replicated"
            info: Any = replicated(servers[0], 3)
            assert info.config.num_replicas == 3 and len(info.cluster.replicas) == 2
            follower = by_name(servers, info.cluster.replicas[0].name)
            follower.kill()
            assert longest_stall(database_url, 3.0) < 2.0  # a follower's death is not noticed
            follower.start()
            assert wait_until(lambda: replicated(servers[0], 3) is not None, 30), "follower never caught up"
            leader = by_name(servers, replicated(servers[0], 3).cluster.leader)
            survivor = next(s for s in servers if s is not leader)
            leader.kill()
            interruption = longest_stall(database_url, 15.0)
            print(f"\nrelay interrupted {interruption:.1f} s when the stream leader died")
            info = stream_info(survivor)
            assert info is not None and info.cluster is not None and info.cluster.leader != leader.name
            leader.start()
            stop.set()
            writer.join(timeout=30)
            head = max(event_positions(database_url))
            assert wait_until(lambda: relayed_position(database_url) == head, 60), "relay never caught up"
        app.close()
        assert interruption < 12.0
        expected = event_positions(database_url)
        for server in (leader, survivor):  # every member holds the same stream
            received = asyncio.run(read_stream(server.url()))
            assert_exactly_once_in_order(received, expected)
            events = [r.position for r in received if r.type_name != "integrity.checkpoint"]
            assert events == sorted(expected)  # the log's order, not only per tenant
        county = sorted(p for p, t in expected.items() if t == COUNTY)
        assert [m.position for m in asyncio.run(drain(leader, COUNTY))] == county
        assert asyncio.run(drain(survivor, COUNTY)) == []  # its acknowledgements live in the cluster
        replayed: list[bytes] = []
        asyncio.run(
            subscribe(database_url, urls, COUNTY, replayed.append, from_position=1, count=len(county))
        )
        assert len(replayed) == len(county)
