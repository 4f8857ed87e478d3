"""The relay against a real nats-server: every event once, in order per tenant, through crashes
of the relay and of the server; commands succeed while NATS is down."""

from __future__ import annotations

import asyncio
import signal
import threading
import time
from pathlib import Path

from domain.tenants import TenantLevel
from projections.core.runner import wait_until
from services.api.metrics import Metrics
from services.app.commands.inputs import RegisterTenant
from services.compose import build_application
from services.relay import tracking
from services.relay.tracking import SCHEMA
from tests.integration.relay_support import (
    assert_exactly_once_in_order,
    evaluations,
    event_positions,
    read_stream,
    relay_process,
    relay_thread,
    relayed_position,
    start_server,
    write_notes,
)
from tests.relay_events import ADMIN, every_kind_of_event, register_tree


def caught_up(database_url: str, timeout: float = 60.0) -> bool:
    return wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)), timeout)


def test_n_events_arrive_exactly_once_in_order_per_tenant(database_url: str, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        app = build_application(database_url)
        every_kind_of_event(app)  # tenants registered in the same batches as their first events
        ids = evaluations(app)
        with relay_thread(database_url, server.url, batch=100, window=64):
            for ev in ids:
                write_notes(app, ev, saves=10, per_save=30)
            assert caught_up(database_url)
        app.close()
        expected = {p: t for p, t in event_positions(database_url).items() if t != "000000"}
        received = asyncio.run(read_stream(server.url, "jixiao.360000.>"))
        assert_exactly_once_in_order(received, expected)
        platform = asyncio.run(read_stream(server.url, "jixiao.000000.>"))
        assert {r.type_name for r in platform} == {"template.published", "template.revised"}
    finally:
        server.stop()


def test_sigkill_of_the_relay_mid_stream_still_delivers_each_event_once(
    database_url: str, tmp_path: Path
) -> None:
    server = start_server(tmp_path / "nats")
    app = build_application(database_url, pool_size=2)
    register_tree(app)
    ids = evaluations(app)
    writer = threading.Thread(target=lambda: [write_notes(app, ev, saves=40, per_save=50) for ev in ids])
    writer.start()
    relay = relay_process(database_url, server.url, tmp_path)
    try:
        assert wait_until(lambda: relayed_position(database_url) > 300, 60), "relay never started"
        relay.send_signal(signal.SIGKILL)
        relay.wait(timeout=10)
        killed_at = relayed_position(database_url)
        writer.join()
        relay = relay_process(database_url, server.url, tmp_path)
        assert caught_up(database_url), (
            relay.stdout.read() if relay.poll() is not None and relay.stdout else ""
        )
        assert killed_at < max(event_positions(database_url))  # it really died mid-stream
        received = asyncio.run(read_stream(server.url))
        assert_exactly_once_in_order(received, event_positions(database_url))
    finally:
        relay.terminate()
        relay.wait(timeout=20)
        writer.join()
        app.close()
        server.stop()


def test_nats_killed_under_load_commands_succeed_and_every_event_arrives_once(
    database_url: str, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    port = server.port
    app = build_application(database_url, pool_size=2)
    register_tree(app)
    ids = evaluations(app)
    with relay_thread(database_url, server.url, batch=200, window=500, ack_timeout=2.0) as relay:
        writer = threading.Thread(target=lambda: [write_notes(app, ev, saves=40, per_save=50) for ev in ids])
        writer.start()
        assert wait_until(lambda: relayed_position(database_url) > 300, 60)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        down_at = max(event_positions(database_url))
        time.sleep(1.0)
        write_notes(app, ids[0], saves=2, per_save=10)  # commands succeed while NATS is down
        assert max(event_positions(database_url)) > down_at
        writer.join()
        server = start_server(tmp_path, port)
        assert caught_up(database_url, timeout=90)
        assert relay.failures > 0  # it noticed the outage and retried
    app.close()
    try:
        received = asyncio.run(read_stream(server.url))
        assert_exactly_once_in_order(received, event_positions(database_url))
    finally:
        server.stop()


def test_the_relay_position_is_tracked_in_postgres(database_url: str, tmp_path: Path) -> None:
    import psycopg

    server = start_server(tmp_path)
    metrics = Metrics([])
    try:
        app = build_application(database_url)
        register_tree(app)
        with psycopg.connect(database_url) as conn:
            assert metrics.projection_lag(conn)["relay"] == 4  # never ran: everything waits
        with relay_thread(database_url, server.url):
            assert caught_up(database_url)
            app.register_tenant(
                ADMIN, RegisterTenant("360104", "青云谱区医疗保障局", TenantLevel.DISTRICT, "360100")
            )
            assert caught_up(database_url)
        app.close()
        with psycopg.connect(database_url, autocommit=True) as conn:
            position, seq = conn.execute(f"SELECT position, seq FROM {SCHEMA}.tracking").fetchone() or (0, 0)
            status = tracking.status(conn)
            assert metrics.projection_lag(conn)["relay"] == 0
        assert position == max(event_positions(database_url)) == status.position and seq == 5
        assert (status.name, status.lag_events, status.lag_seconds) == ("relay", 0, 0.0)
        assert b"jixiao_relay_lag_events 0.0" in metrics.render()
    finally:
        server.stop()
