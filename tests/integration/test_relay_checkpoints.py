"""The relay publishes the integrity projection's checkpoints and each tenant's chain head, signed,
after the events they cover;
a tenant registered while the relay runs gets its NATS user at once (config rewritten, reloaded)."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import nats
import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from domain.tenants import TenantLevel
from projections.core.runner import Projector, wait_until
from projections.integrity import projection as integrity
from projections.registry import projection
from services.app.commands.inputs import RegisterTenant
from services.compose import build_application
from services.relay.jetstream import POSITION
from services.relay.permissions import STREAM, downstream_user, inbox_prefix
from tests.integration.relay_support import (
    evaluations,
    event_positions,
    relay_thread,
    relayed_position,
    start_server,
    write_notes,
)
from tests.relay_events import ADMIN, register_tree


async def stream_messages(url: str) -> list[tuple[int, dict[str, object]]]:
    nc = await nats.connect(url)
    try:
        sub = await nc.jetstream().pull_subscribe("jixiao.>", stream=STREAM)
        out = []
        while True:
            try:
                msgs = await sub.fetch(batch=500, timeout=1.0)
            except TimeoutError:  # nats-py's subclass, or asyncio's when the deadline passes first
                return out
            out += [(int((m.headers or {})[POSITION]), json.loads(m.data)) for m in msgs]
    finally:
        await nc.close()


def test_checkpoints_are_published_signed_after_their_events(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(integrity, "CHECKPOINT_EVERY", 10)
    server = start_server(tmp_path)
    try:
        app = build_application(database_url)
        register_tree(app)
        for ev in evaluations(app):
            write_notes(app, ev, saves=3, per_save=10)
        app.close()
        with Projector(database_url, projection("integrity")) as p:
            p.ensure()
            p.catch_up()
        with psycopg.connect(database_url) as conn:
            rows = conn.execute(
                "SELECT tenant, position, count, chain_hash FROM rm_integrity.checkpoints"
            ).fetchall()
        assert len(rows) >= 6
        with psycopg.connect(database_url) as conn:  # every tenant's chain head is signed too
            rows += conn.execute(
                "SELECT tenant, position, count, chain_hash FROM rm_integrity.heads"
            ).fetchall()
        rows = list({(r[0], r[1]): r for r in rows}.values())
        with relay_thread(database_url, server.url):
            assert wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)))
            messages: list[tuple[int, dict[str, object]]] = []

            def all_checkpoints_published() -> bool:  # they follow once a second, after their events
                messages[:] = asyncio.run(stream_messages(server.url))
                return sum(m["type"] == "integrity.checkpoint" for _, m in messages) == len(rows)

            assert wait_until(all_checkpoints_published, 15)
        checkpoints = [(seen, m) for seen, m in messages if m["type"] == "integrity.checkpoint"]
        expected = {(t, int(p), int(n), bytes(h).hex()) for t, p, n, h in rows}
        got = set()
        for seen_position, m in checkpoints:
            payload = m["payload"]
            assert isinstance(payload, dict) and isinstance(m["position"], int)
            got.add((m["tenant"], m["position"], payload["count"], payload["chain_hash"]))
            assert seen_position >= m["position"]  # published after the events it covers
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(payload["public_key"]))
            claim = f"jixiao-checkpoint:v1:{m['tenant']}:{m['position']}:{payload['count']}:{payload['chain_hash']}"
            key.verify(base64.b64decode(payload["signature"]), claim.encode())  # raises if forged
        assert got == expected
    finally:
        server.stop()


def test_a_tenant_registered_while_running_gets_its_user(database_url: str, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        app = build_application(database_url)
        register_tree(app)
        with relay_thread(database_url, server.url, on_tenants=server.allow):
            app.register_tenant(
                ADMIN, RegisterTenant("360111", "青山湖区医疗保障局", TenantLevel.DISTRICT, "360100")
            )
            assert wait_until(lambda: "360111" in server.tenants, 20)
            user = downstream_user("360111")
            url = server.credentials.url(f"nats://127.0.0.1:{server.port}", user)

            async def read_own() -> str:
                nc = await nats.connect(url, inbox_prefix=inbox_prefix(user))
                try:
                    sub = await nc.jetstream().pull_subscribe(
                        "jixiao.360000.360100.360111.>", durable=user, stream=STREAM
                    )
                    return json.loads((await sub.fetch(1, timeout=5))[0].data)["type"]  # type: ignore[no-any-return]
                finally:
                    await nc.close()

            assert wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)))
            assert asyncio.run(read_own()) == "tenant.registered"
        app.close()
    finally:
        server.stop()
