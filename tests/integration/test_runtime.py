"""The embedded servers: real PostgreSQL and nats-server, clear errors, clean shutdown."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nats
import psycopg
import pytest

from services.runtime.errors import EmbeddedServiceError
from services.runtime.nats import port_in_use, start_nats
from services.runtime.postgres import start_postgres
from services.runtime.services import running_services
from services.runtime.settings import Settings
from tests.conftest import free_port


def test_embedded_postgres_keeps_data_across_restarts(tmp_path: Path) -> None:
    pg = start_postgres(tmp_path)
    with psycopg.connect(pg.url, autocommit=True) as conn:
        conn.execute("CREATE TABLE kept (n int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    pg.stop()
    pg = start_postgres(tmp_path)
    try:
        with psycopg.connect(pg.url) as conn:
            row = conn.execute("SELECT n FROM kept").fetchone()
        assert row == (42,)
    finally:
        pg.stop()


def _postgres_stopped(data_dir: Path) -> bool:
    """Whether the embedded server under ``data_dir`` is down (its pid file gone within 5 s)."""
    postmaster = data_dir / "pg" / "postmaster.pid"
    for _ in range(50):
        if not postmaster.exists():
            return True
        time.sleep(0.1)
    return False


def test_a_killed_user_does_not_keep_the_server_running(tmp_path: Path) -> None:
    pg = start_postgres(tmp_path)
    pg.stop()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # a pid that existed and is gone, as a SIGKILLed jixiao's
    handles = tmp_path / "pg" / ".handle_pids.json"
    handles.write_text(json.dumps([gone.pid]))
    pg = start_postgres(tmp_path)
    assert json.loads(handles.read_text()) == [os.getpid()]
    pg.stop()  # the last living user: the server stops
    assert _postgres_stopped(tmp_path)


async def test_embedded_nats_has_jetstream(tmp_path: Path) -> None:
    server = start_nats(tmp_path, free_port())
    try:
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        await js.add_stream(name="probe", subjects=["probe.>"])
        ack = await js.publish("probe.one", b"x")
        assert ack.seq == 1
        await nc.close()
    finally:
        server.stop()


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(EmbeddedServiceError) as info:
            start_nats(tmp_path, port)
    assert str(port) in str(info.value)
    assert "JIXIAO_NATS_PORT" in str(info.value)


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "not-a-dir"
    path.write_text("x")
    with pytest.raises(EmbeddedServiceError) as info:
        start_postgres(path)
    assert str(path) in str(info.value)
    with pytest.raises(EmbeddedServiceError):
        start_nats(path, free_port())


def test_data_dir_used_by_another_process_is_a_clear_error(tmp_path: Path) -> None:
    first = start_nats(tmp_path, free_port())
    try:
        with pytest.raises(EmbeddedServiceError) as info:
            start_nats(tmp_path, free_port())
        assert "已被另一个 jixiao 进程使用" in str(info.value)
    finally:
        first.stop()


def test_external_servers_start_nothing(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "unused", database_url="postgresql://db/x", nats_url="nats://n:4222"
    )
    with running_services(settings) as endpoints:
        assert (endpoints.database_url, endpoints.nats_url, endpoints.embedded) == (
            "postgresql://db/x",
            "nats://n:4222",
            False,
        )
    assert not (tmp_path / "unused").exists()


def test_settings_refuse_a_bad_port() -> None:
    from services.runtime.errors import RuntimeConfigError

    with pytest.raises(RuntimeConfigError) as info:
        Settings.from_env({"JIXIAO_NATS_PORT": "abc"})
    assert "JIXIAO_NATS_PORT" in str(info.value)


def test_sigterm_stops_everything_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "JIXIAO_DATA_DIR": str(tmp_path), "JIXIAO_NATS_PORT": str(port)}
    env.pop("DATABASE_URL", None)
    env.pop("NATS_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up", "--no-demo"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if "Ctrl-C" in line or not line:
            break
    assert any("Ctrl-C" in line for line in lines), lines
    assert port_in_use(port)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "已停止" in out
    assert not port_in_use(port)
    assert _postgres_stopped(tmp_path)
