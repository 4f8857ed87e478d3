"""``jixiao verify`` against the signed checkpoints the relay published to NATS (issue 20, part 7).

The attack the database alone cannot reveal: a superuser bypasses the append-only trigger
(``session_replication_role = replica``), removes the newest event of a tenant and rebuilds the
hash chain. The database is then consistent with itself — verify without NATS passes — but the
tenant's chain head the relay signed and published a second earlier no longer matches. A message
on the checkpoint subject signed with another key is refused and reported."""

from __future__ import annotations

import asyncio
import base64
import datetime
from pathlib import Path

import nats
import psycopg
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.js.errors import NotFoundError

from projections.core.runner import Projector, wait_until
from projections.integrity.checkpoints import claim, load_or_create_key
from projections.registry import projection
from services.cli import main
from services.compose import build_application
from services.relay import contracts
from services.relay.published import latest_published
from services.relay.subjects import checkpoint_subject
from tests.integration.relay_support import PATHS, evaluations, relay_thread, start_server, write_notes
from tests.relay_events import register_tree


def _heads(database_url: str) -> dict[str, int]:
    with psycopg.connect(database_url) as conn:
        return dict(conn.execute("SELECT tenant, position FROM rm_integrity.heads").fetchall())


def _chain(database_url: str) -> None:
    with Projector(database_url, projection("integrity")) as p:
        p.ensure()
        p.catch_up()


def test_a_rewrite_inside_the_database_is_caught_by_the_published_checkpoints(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "signing-key.pem"
    key = load_or_create_key(key_file)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("JIXIAO_SIGNING_KEY", str(key_file))
    server = start_server(tmp_path / "nats")
    try:
        app = build_application(database_url)
        register_tree(app)
        for ev in evaluations(app):
            write_notes(app, ev, saves=2, per_save=5)  # far below the 1,000 events of a periodic checkpoint
        app.close()
        _chain(database_url)
        heads = _heads(database_url)
        with relay_thread(database_url, server.url, key=key):

            def heads_published() -> bool:
                try:
                    got = asyncio.run(latest_published(server.url, key.public_key()))
                except NotFoundError:  # the relay has not created the stream yet
                    return False
                return {c.tenant: c.position for c in got.checkpoints} == heads

            assert wait_until(heads_published, 20)
        monkeypatch.setenv("NATS_URL", server.url)
        assert main(["verify"]) == 0
        assert "覆盖全部事件" in capsys.readouterr().out

        victim = max(heads, key=lambda t: heads[t])
        with psycopg.connect(database_url, autocommit=True) as conn:  # the superuser's rewrite
            conn.execute("SET session_replication_role = replica")
            conn.execute("DELETE FROM jixiao_events WHERE notification_id = %s", (heads[victim],))
            conn.execute("DROP SCHEMA rm_integrity CASCADE")
        _chain(database_url)  # ... and the chain recomputed to match

        monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")  # the database alone: nothing to see
        assert main(["verify"]) == 0
        assert "只核对了数据库内的哈希链" in capsys.readouterr().out
        monkeypatch.setenv("NATS_URL", server.url)
        assert main(["verify"]) == 1
        out = capsys.readouterr().out
        assert f"位置 {heads[victim]}（单位 {victim}）：与签名检查点不符" in out

        forged = Ed25519PrivateKey.generate()  # publish rights, but not the platform's key
        asyncio.run(_publish_forged(server.url, forged, victim, heads[victim]))
        assert main(["verify"]) == 1
        assert f"单位 {victim} 位置 {heads[victim]} 的检查点不是由平台密钥签名的" in capsys.readouterr().out
    finally:
        server.stop()


async def _publish_forged(url: str, key: Ed25519PrivateKey, tenant: str, position: int) -> None:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    chain = "00" * 32
    message = contracts.CheckpointMessage(
        version=1,
        position=position,
        tenant=tenant,
        tenant_path=list(PATHS[tenant]),
        occurred_at=datetime.datetime.now(datetime.UTC),
        payload=contracts.IntegrityCheckpoint(
            count=1,
            chain_hash=chain,
            signature=base64.b64encode(key.sign(claim(tenant, position, 1, chain))).decode(),
            public_key=base64.b64encode(raw).decode(),
        ),
    )
    nc = await nats.connect(url)
    try:
        await nc.jetstream().publish(checkpoint_subject(PATHS[tenant]), contracts.ENCODER.encode(message))
    finally:
        await nc.close()
