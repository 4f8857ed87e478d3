"""A SIGKILLed API worker is replaced (and the log says so): the server keeps its workers, and
requests keep being answered. (Issue 20, part 1.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from services.compose import install
from services.runtime.settings import Settings
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]


def _children(pid: int) -> set[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return {int(p) for p in out.split()}


def test_a_killed_worker_is_replaced(database_url: str, tmp_path: Path) -> None:
    install(database_url, Settings(jwt_secret="w" * 48))
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIXIAO_JWT_SECRET": "w" * 48,
        "JIXIAO_DATA_DIR": str(tmp_path),
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "services.commands.serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200 and _children(server.pid):
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        [worker] = _children(server.pid)
        os.kill(worker, signal.SIGKILL)
        deadline = time.monotonic() + 30
        while not (_children(server.pid) - {worker}):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        assert worker not in _children(server.pid)
        for _ in range(20):
            assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        deadline = time.monotonic() + 10
        while "已启动新的工作进程补上" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=20)
