"""The national level on real nats-servers: two provinces (JetStream domains p360000 and p340000)
dial a national server as leaf nodes; the national server sources each province's stream into
its own — 360000's published by the real relay from PostgreSQL, 340000's by a stand-in with the
relay's headers — and reads them all itself. The national server is SIGKILLed and restarted while
both provinces keep publishing: sourcing resumes with nothing missing or twice. Across the link
the national side can neither publish into a province's stream nor delete it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import nats
import pytest
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from projections.core.runner import wait_until
from services.compose import build_application
from services.relay.jetstream import EXPECTED_LAST, MSG_ID, POSITION, TENANT, StreamSettings, ensure_stream
from services.relay.national import Province, ensure_national_streams, national_stream
from services.relay.permissions import STREAM, Credentials
from services.relay.topology import NATIONAL_DOMAIN, National, Topology, province_domain
from tests.conftest import free_port
from tests.integration.relay_support import (
    PATHS,
    evaluations,
    event_positions,
    relay_thread,
    relayed_position,
    write_notes,
)
from tests.integration.topology_support import Server, running, write_server
from tests.relay_events import register_tree

JIANGXI, ANHUI = "360000", "340000"


def topology(tmp_path: Path) -> tuple[Server, Server, Server]:
    credentials = Credentials(tmp_path / "nats-credentials.json")
    leaf = free_port()
    hub = Topology(server_name="national", domain=NATIONAL_DOMAIN, leaf_port=leaf, provinces=(JIANGXI, ANHUI))
    national = write_server(tmp_path / "national", "national", {}, credentials, hub)

    def province(code: str, tenants: dict[str, tuple[str, ...]]) -> Server:
        link = National(f"nats://127.0.0.1:{leaf}", code, credentials.password(f"p{code}"))
        where = Topology(server_name=f"s{code}", domain=province_domain(code), national=link)
        return write_server(tmp_path / code, code, tenants, credentials, where)

    return national, province(JIANGXI, PATHS), province(ANHUI, {ANHUI: (ANHUI,)})


async def publish_as_relay(server: Server, first: int, last: int) -> None:
    """What the relay publishes for a province tenant's events ``first..last`` (headers and all)."""
    nc = await nats.connect(server.url())
    try:
        js = nc.jetstream()
        await ensure_stream(js, StreamSettings(max_age=3600.0))
        for position in range(first, last + 1):
            headers = {MSG_ID: str(position), EXPECTED_LAST: str(position - 1), POSITION: str(position)}
            headers[TENANT] = ANHUI
            await js.publish(f"jixiao.{ANHUI}._._.evaluation.deviation_noted", b"{}", headers=headers)
    finally:
        await nc.close()


async def national_positions(national: Server, code: str) -> list[int]:
    """Every position in the province's national stream, in stream order, read on the national server."""
    nc = await nats.connect(national.url())
    try:
        js = nc.jetstream()
        config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
        sub = await js.pull_subscribe(f"jixiao.{code}.>", stream=national_stream(code), config=config)
        out: list[int] = []
        while True:
            try:
                msgs = await sub.fetch(batch=500, timeout=1.0)
            except TimeoutError:  # nats-py's subclass, or asyncio's when the deadline passes first
                return out
            out += [int((m.headers or {})[POSITION]) for m in msgs if m.headers and POSITION in m.headers]
    finally:
        await nc.close()


async def sourced(national: Server) -> dict[str, int]:
    async def create() -> dict[str, int]:
        nc = await nats.connect(national.url())
        try:
            js = nc.jetstream(timeout=5)
            await ensure_national_streams(js, [Province.parse(JIANGXI), Province.parse(ANHUI)])
            return {c: (await js.stream_info(national_stream(c))).state.messages for c in (JIANGXI, ANHUI)}
        finally:
            await nc.close()

    return await create()


def holds(national: Server, counts: dict[str, int]) -> bool:
    try:
        got = asyncio.run(sourced(national))
    except Exception:  # the national server is starting
        return False
    return got == counts


async def meddle(national: Server) -> None:
    """From the national side: publish into Jiangxi's subjects, delete and purge its stream."""
    nc = await nats.connect(national.url())
    try:
        await nc.publish(f"jixiao.{JIANGXI}._._.evaluation.deviation_noted", b"forged")
        for api in ("STREAM.DELETE", "STREAM.PURGE"):
            with pytest.raises((nats.errors.NoRespondersError, nats.errors.TimeoutError)):
                await nc.request(f"$JS.{province_domain(JIANGXI)}.API.{api}.{STREAM}", b"", timeout=1)
        await nc.flush()
    finally:
        await nc.close()


def test_the_national_server_sources_every_province_and_resumes_after_a_kill(
    database_url: str, tmp_path: Path
) -> None:
    national, jiangxi, anhui = topology(tmp_path)
    app = build_application(database_url, pool_size=2)
    register_tree(app)
    ids = evaluations(app)
    with running([national, jiangxi, anhui]):
        with relay_thread(database_url, jiangxi.url(), stream=StreamSettings(max_age=3600.0)):
            asyncio.run(publish_as_relay(anhui, 1, 200))
            write_notes(app, ids[0], saves=5, per_save=10)
            head = max(event_positions(database_url))
            assert wait_until(lambda: relayed_position(database_url) == head, 30)
            assert wait_until(lambda: holds(national, {JIANGXI: head, ANHUI: 200}), 30)
            national.kill()  # the link goes with it; the provinces carry on alone
            write_notes(app, ids[1], saves=5, per_save=10)
            asyncio.run(publish_as_relay(anhui, 201, 400))
            head = max(event_positions(database_url))
            assert wait_until(lambda: relayed_position(database_url) == head, 30)
            national.start()
            # its first source-consumer request went out before the leaf nodes were back: ~30 s to retry
            assert wait_until(lambda: holds(national, {JIANGXI: head, ANHUI: 400}), 60), national.log_tail()
            asyncio.run(meddle(national))
            write_notes(app, ids[0], saves=1, per_save=5)
            head = max(event_positions(database_url))
            assert wait_until(lambda: holds(national, {JIANGXI: head, ANHUI: 400}), 30)
        app.close()
        # a province's events are the province's own, in its order: every one once
        jiangxi_tree = sorted(p for p, t in event_positions(database_url).items() if t != "000000")
        assert asyncio.run(national_positions(national, JIANGXI)) == jiangxi_tree
        assert asyncio.run(national_positions(national, ANHUI)) == list(range(1, 401))
        # the forged message never reached Jiangxi's stream, which still exists
        assert asyncio.run(_province_count(jiangxi)) >= len(event_positions(database_url))
        assert asyncio.run(_forged(jiangxi)) == 0


async def _province_count(server: Server) -> int:
    nc = await nats.connect(server.url())
    try:
        return int((await nc.jetstream().stream_info(STREAM)).state.messages)
    finally:
        await nc.close()


async def _forged(server: Server) -> int:
    nc = await nats.connect(server.url())
    try:
        js = nc.jetstream()
        config = ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL)
        sub = await js.pull_subscribe("jixiao.>", stream=STREAM, config=config)
        forged = 0
        while True:
            try:
                msgs = await sub.fetch(batch=500, timeout=1.0)
            except TimeoutError:  # nats-py's subclass, or asyncio's when the deadline passes first
                return forged
            forged += sum(m.data == b"forged" for m in msgs)
    finally:
        await nc.close()
