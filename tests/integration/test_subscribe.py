"""``jixiao subscribe``: replay from any position — from JetStream while retained, rebuilt from the
event store for older positions — and ``--since``; output is one JSON message per line."""

from __future__ import annotations

import asyncio
import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg

from projections.core.runner import wait_until
from services.compose import build_application
from services.relay import contracts
from services.relay.jetstream import StreamSettings
from services.relay.subscribe import catch_up, subscribe
from tests.conftest import REPO
from tests.integration.relay_support import (
    evaluations,
    event_positions,
    read_stream,
    relay_thread,
    relayed_position,
    start_server,
    write_notes,
)
from tests.relay_events import every_kind_of_event


def in_city(positions: dict[int, str], start: int = 1) -> list[int]:
    return sorted(p for p, t in positions.items() if t in ("360100", "360102", "360103") and p >= start)


def replay(database_url: str, nats_url: str, **kw: object) -> list[bytes]:
    lines: list[bytes] = []
    asyncio.run(subscribe(database_url, nats_url, "360100", lines.append, **kw))  # type: ignore[arg-type]
    return lines


def test_replay_reaches_back_past_retention_through_the_event_store(
    database_url: str, tmp_path: Path
) -> None:
    server = start_server(tmp_path)
    try:
        app = build_application(database_url)
        every_kind_of_event(app)
        for ev in evaluations(app):
            write_notes(app, ev, saves=3, per_save=20)
        app.close()
        short = StreamSettings(max_msgs=40)  # the stream keeps only the newest 40 messages
        with relay_thread(database_url, server.url, stream=short, batch=10, window=8):
            assert wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)))
        positions = event_positions(database_url)
        retained = asyncio.run(read_stream(server.url))
        assert len(retained) == 40 and min(r.position for r in retained) > 40
        for start in (1, 30, max(positions) - 10):  # old (store then stream), and recent (stream only)
            expected = in_city(positions, start)
            lines = replay(database_url, server.url, from_position=start, count=len(expected))
            assert [contracts.decode(line).position for line in lines] == expected
        # rebuilt messages are byte for byte what the relay published
        newest = max(positions)
        stream_line = replay(database_url, server.url, from_position=newest, count=1)[0]
        rebuilt: list[bytes] = []
        with psycopg.connect(database_url, autocommit=True) as conn:
            catch_up(conn, ("360000", "360100"), newest, newest + 1, rebuilt.append)
        assert rebuilt == [stream_line]
    finally:
        server.stop()


def test_since_and_the_command_line(database_url: str, tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        app = build_application(database_url)
        every_kind_of_event(app)
        ids = evaluations(app)
        cut = datetime.datetime.now(datetime.UTC)
        write_notes(app, ids[0], saves=2, per_save=5)
        app.close()
        with relay_thread(database_url, server.url):
            assert wait_until(lambda: relayed_position(database_url) == max(event_positions(database_url)))
        after_cut = sorted(event_positions(database_url))[-10:]  # the ten notes written after the cut
        since = replay(database_url, server.url, since=cut, count=10)
        assert [contracts.decode(line).position for line in since] == after_cut
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "NATS_URL": server.url,
            "JIXIAO_DATA_DIR": str(tmp_path),
        }
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "services.cli",
                "subscribe",
                "--tenant",
                "360102",
                "--from-position",
                "1",
                "--count",
                "3",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert run.returncode == 0, run.stderr
        rows = [json.loads(line) for line in run.stdout.splitlines()]
        assert [r["tenant"] for r in rows] == ["360102"] * 3
        assert rows[0]["type"] == "tenant.registered"
        bad = subprocess.run(
            [sys.executable, "-m", "services.cli", "subscribe", "--tenant", "999999", "--count", "1"],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert bad.returncode == 2 and "999999 未登记" in bad.stderr
    finally:
        server.stop()
