"""Subject permissions on a real nats-server: a county's user reads its own subtree only — by core
subscriptions and by JetStream consumers — while its parent's user reads both counties."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import nats
import pytest

from projections.core.runner import wait_until
from services.compose import build_application
from services.relay.consumer import consume
from services.relay.contracts import Message
from services.relay.permissions import STREAM, downstream_user, inbox_prefix
from services.relay.subjects import subtree
from services.runtime.nats import EmbeddedNats
from tests.integration.relay_support import (
    PATHS,
    evaluations,
    event_positions,
    relay_thread,
    relayed_position,
    start_server,
    write_notes,
)
from tests.relay_events import every_kind_of_event

COUNTY, SIBLING, CITY = "360102", "360103", "360100"


@pytest.fixture
def published(database_url: str, tmp_path: Path) -> Any:
    server = start_server(tmp_path)
    app = build_application(database_url)
    every_kind_of_event(app)
    for ev in evaluations(app):
        write_notes(app, ev, saves=2, per_save=5)
    app.close()
    with relay_thread(database_url, server.url):
        assert wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)))
    try:
        yield server, event_positions(database_url)
    finally:
        server.stop()


def url_of(server: EmbeddedNats, tenant: str) -> str:
    return server.credentials.url(f"nats://127.0.0.1:{server.port}", downstream_user(tenant))


async def connect_as(server: EmbeddedNats, tenant: str, errors: list[str]) -> nats.NATS:
    async def record(e: Exception) -> None:
        errors.append(str(e))

    return await nats.connect(
        url_of(server, tenant), inbox_prefix=inbox_prefix(downstream_user(tenant)), error_cb=record
    )


async def drain_durable(server: EmbeddedNats, tenant: str) -> list[Message]:
    """The documented example consumer, until it has gone a second without news."""
    got: list[Message] = []
    last = [asyncio.get_running_loop().time()]

    async def handle(message: Message) -> None:
        got.append(message)
        last[0] = asyncio.get_running_loop().time()

    await consume(
        url_of(server, tenant),
        tenant,
        PATHS[tenant],
        handle,
        lambda: asyncio.get_running_loop().time() - last[0] > 2.0,
    )
    return got


def test_a_parent_receives_both_counties_and_a_county_only_itself(published: Any) -> None:
    server, positions = published
    city = asyncio.run(drain_durable(server, CITY))
    county = asyncio.run(drain_durable(server, COUNTY))
    in_city = {p for p, t in positions.items() if t in (CITY, COUNTY, SIBLING)}
    assert sorted(m.position for m in city if m.tenant_path[:2] == ["360000", CITY]) == sorted(in_city)
    assert {m.tenant for m in city} >= {COUNTY, SIBLING}
    assert {m.tenant for m in county} == {COUNTY}
    assert sorted(m.position for m in county) == sorted(p for p, t in positions.items() if t == COUNTY)
    again = asyncio.run(drain_durable(server, COUNTY))  # acknowledged: a durable consumer resumes after them
    assert again == []


async def _county_cannot_read_its_sibling(server: EmbeddedNats) -> None:
    errors: list[str] = []
    nc = await connect_as(server, COUNTY, errors)
    own_path, sibling = PATHS[COUNTY], subtree(PATHS[SIBLING])
    try:
        # core subscriptions: the sibling's subtree, the whole stream, other users' inboxes
        received: list[str] = []

        async def keep(msg: Any) -> None:
            received.append(msg.subject)

        for forbidden in (sibling, "jixiao.>", "_INBOX.>", subtree(PATHS[CITY])):
            await nc.subscribe(forbidden, cb=keep)
        await nc.flush()
        await asyncio.sleep(0.3)
        assert sum("permissions violation for subscription" in e.lower() for e in errors) == 4, errors
        # JetStream: a consumer filtered on the sibling, under its own consumer name or another
        api = "$JS.API.CONSUMER"
        for subject in (
            f"{api}.CREATE.{STREAM}.t{COUNTY}.{sibling}",
            f"{api}.CREATE.{STREAM}.spy.{subtree(own_path)}",
            f"{api}.CREATE.{STREAM}",
            f"{api}.DURABLE.CREATE.{STREAM}.t{COUNTY}",
            f"{api}.MSG.NEXT.{STREAM}.t{CITY}",
            f"$JS.API.STREAM.MSG.GET.{STREAM}",
        ):
            with pytest.raises((nats.errors.TimeoutError, nats.errors.NoRespondersError)):
                await nc.request(subject, b"{}", timeout=0.5)
        assert sum("permissions violation for publish" in e.lower() for e in errors) == 6, errors
        # an allowed create subject whose body asks for the sibling's subtree is refused by the server
        for config in ({"filter_subject": sibling}, {"filter_subjects": [sibling]}):
            body = {
                "stream_name": STREAM,
                "config": {"name": f"t{COUNTY}_cli", "ack_policy": "none", **config},
            }
            reply = await nc.request(
                f"{api}.CREATE.{STREAM}.t{COUNTY}_cli.{subtree(own_path)}",
                json.dumps(body).encode(),
                timeout=2,
            )
            assert "error" in json.loads(reply.data), reply.data
        assert received == []
    finally:
        await nc.close()


def test_a_county_cannot_read_its_sibling_by_subscription_or_consumer(published: Any) -> None:
    server, _ = published
    asyncio.run(_county_cannot_read_its_sibling(server))


def test_anonymous_and_wrong_password_connections_are_refused(published: Any) -> None:
    server, _ = published

    async def attempt(url: str) -> None:
        async def quiet(e: Exception) -> None:
            pass

        await nats.connect(
            url, allow_reconnect=False, max_reconnect_attempts=1, reconnect_time_wait=0.05, error_cb=quiet
        )

    for url in (f"nats://127.0.0.1:{server.port}", f"nats://t{COUNTY}:wrong@127.0.0.1:{server.port}"):
        with pytest.raises(nats.errors.Error):
            asyncio.run(attempt(url))
