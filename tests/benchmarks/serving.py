"""The API server as deployed (``python -m services.commands.serve``, N worker processes) for a
benchmark, and the load generator in a second process (``tests/benchmarks/httpload.py``)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
WORKERS = int(os.environ.get("JIXIAO_BENCH_WORKERS", "2"))  # one per core of the 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(port: int, seconds: float, rate_: float, connections: int, requests: list[Any]) -> dict[str, Any]:
    cfg = {
        "host": "127.0.0.1",
        "port": port,
        "seconds": seconds,
        "rate": rate_,
        "connections": connections,
        "requests": requests,
    }
    out = subprocess.run(
        [sys.executable, "-m", "tests.benchmarks.httpload"],
        input=json.dumps(cfg),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def listeners(port: int) -> int:
    """Sockets listening on ``port`` (one a worker: SO_REUSEPORT), from Linux's /proc/net/tcp."""
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for r in rows if r.split()[1].endswith(f":{port:04X}") and r.split()[3] == "0A")


@contextmanager
def serving(database_url: str, secret: str) -> Iterator[int]:
    """A server on a free loopback port with the benchmark's baseline endpoints; its port."""
    with server(database_url, secret) as (port, _):
        yield port


@contextmanager
def server(database_url: str, secret: str, extra: dict[str, str] | None = None) -> Iterator[tuple[int, int]]:
    """``serving``, with more environment; its port and the process id of its parent process."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIXIAO_JWT_SECRET": secret,
        "JIXIAO_RATE_LIMIT": "0",
        "JIXIAO_ACCESS_LOG": "0",
        "JIXIAO_BENCH_ENDPOINTS": "1",
        **(extra or {}),
    }
    command = [sys.executable, "-m", "services.commands.serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", str(WORKERS)], cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, "server did not start"
            time.sleep(0.2)
        # the first worker answers before the others listen: connections opened then all went to
        # it (the soak saw its second worker idle), so wait for every worker's listening socket
        while listeners(port) < WORKERS:
            assert time.monotonic() < deadline and server.poll() is None, "a worker did not start"
            time.sleep(0.2)
        yield port, server.pid
    finally:
        server.terminate()
        server.wait(timeout=20)
