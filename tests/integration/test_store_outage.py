"""A PostgreSQL restart (immediate shutdown, as a crash or a failover) on a server of its own: the
API answers commands 503 with Retry-After while the store is away (nothing stored, no 500), and
takes them again once it is back; a projector follows the log again by itself (its connections
and its LISTEN replaced), nothing lost or projected twice. (Issue 20, part 1.)"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn

from domain.tenants import Role, TenantLevel
from projections.core.runner import Projector
from projections.registry import projection
from services.api.auth import TokenConfig, issue
from services.commands.serve import config
from services.compose import build_api, build_application, install
from services.runtime.postgres import EmbeddedPostgres, start_postgres
from services.runtime.settings import Settings
from tests.conftest import free_port
from tests.support import register

SECRET = "outage-secret-" + "x" * 40


def _pg_ctl(pgdata: Path, *args: str) -> None:
    import pgserver  # type: ignore[import-untyped]

    binary = Path(pgserver.__file__).parent / "pginstall" / "bin" / "pg_ctl"
    command = [str(binary), "-D", str(pgdata), *args]
    if os.geteuid() == 0:  # the embedded server runs as its own user
        command = ["runuser", "-u", "pgserver", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=90)


def _stop(pg: EmbeddedPostgres) -> None:
    _pg_ctl(pg.pgdata, "stop", "-m", "immediate", "-w")


def _start(pg: EmbeddedPostgres) -> None:
    _pg_ctl(pg.pgdata, "start", "-w", "-o", f"-h '' -k {pg.pgdata}", "-l", str(pg.pgdata / "restart.log"))


@pytest.fixture
def own_postgres(tmp_path: Path) -> Iterator[EmbeddedPostgres]:
    pg = start_postgres(tmp_path)
    try:
        yield pg
    finally:
        pg.stop()


def _head(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM jixiao_events").fetchone()
    return int(row[0]) if row else 0


def _tracked(url: str) -> int:
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT position FROM rm_ledgers.tracking").fetchone()
    except psycopg.Error:
        return -1
    return int(row[0]) if row else -1


def _until(check: object, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.2)
    raise AssertionError("not recovered in time")


@pytest.mark.timeout(300)
def test_a_restart_of_the_store(own_postgres: EmbeddedPostgres) -> None:
    url = own_postgres.url
    settings = Settings(jwt_secret=SECRET, rate_limit=0, rebuild_workers=1)
    install(url, settings)
    app = build_application(url)
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
    app.close()
    stop = threading.Event()
    projector = Projector(url, projection("ledgers"))
    follower = threading.Thread(target=projector.run, args=(stop.is_set, 0.2), daemon=True)
    follower.start()
    api = build_api(settings, url)
    port = free_port()
    server = uvicorn.Server(config(api, "127.0.0.1", port))
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    _until(lambda: server.started, 30)
    token = issue(TokenConfig(secret=SECRET), user="prep.360100", tenant="360100", roles=(Role.PREPARER,))
    headers = {"Authorization": f"Bearer {token}"}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            body = {"code": "OUT-1", "name": "停机前", "year": 2024}
            assert http.post("/api/v1/projects", headers=headers, json=body).status_code == 201
            _until(lambda: _tracked(url) == _head(url))
            _stop(own_postgres)
            down = http.post("/api/v1/projects", headers=headers, json={**body, "code": "OUT-2"})
            assert down.status_code == 503, down.text
            assert down.headers["retry-after"] == "5" and "数据库暂时无法连接" in down.json()["detail"]
            assert http.get("/readyz").status_code == 503
            time.sleep(1)
            _start(own_postgres)
            answers: list[int] = []

            def accepted() -> bool:
                answers.append(
                    http.post("/api/v1/projects", headers=headers, json={**body, "code": "OUT-2"}).status_code
                )
                return answers[-1] in (201, 409)

            _until(accepted)
            assert set(answers) <= {201, 409, 503}  # never a 500
            _until(lambda: _tracked(url) == _head(url))  # the projector followed again by itself
            with psycopg.connect(url) as conn:
                rows = conn.execute("SELECT code FROM rm_ledgers.projects ORDER BY code").fetchall()
            assert [r[0] for r in rows] == ["OUT-1", "OUT-2"]  # nothing lost, nothing twice
            assert http.get("/readyz").status_code == 200
    finally:
        server.should_exit = True
        stop.set()
        serving.join(timeout=10)
        follower.join(timeout=10)
        projector.close()


@pytest.mark.timeout(300)
def test_the_relay_goes_on_after_a_restart_of_the_store(
    own_postgres: EmbeddedPostgres, tmp_path: Path
) -> None:
    """The relay's connections die with the server; it reconnects, takes its lock again and
    publishes what was stored meanwhile — every event once, in order."""
    from tests.integration.relay_support import (
        assert_exactly_once_in_order,
        event_positions,
        read_stream,
        relay_thread,
        relayed_position,
        start_server,
    )

    url = own_postgres.url
    install(url, Settings(jwt_secret=SECRET, rate_limit=0, rebuild_workers=1))
    nats_server = start_server(tmp_path / "nats")
    try:
        app = build_application(url)
        register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
        register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
        app.close()
        with relay_thread(url, nats_server.url, batch=50, window=32):
            _until(lambda: relayed_position(url) == max(event_positions(url)))
            _stop(own_postgres)
            time.sleep(1.5)
            _start(own_postgres)
            app = build_application(url)
            register(app, "360102", "东湖区医疗保障局", TenantLevel.DISTRICT, "360100")
            app.close()
            _until(lambda: relayed_position(url) == max(event_positions(url)))
        expected = {p: t for p, t in event_positions(url).items() if t != "000000"}
        received = asyncio.run(read_stream(nats_server.url, "jixiao.360000.>"))
        assert_exactly_once_in_order(received, expected)
    finally:
        nats_server.stop()
