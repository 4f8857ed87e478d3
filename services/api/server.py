"""Serving the API: uvicorn with uvloop and httptools (the fast event loop and HTTP parser), in one
or several worker processes.

One Python process runs one command at a time (the GIL), so a server uses its cores with several
processes. Each worker binds its own listening socket to the same port with ``SO_REUSEPORT`` and
the kernel spreads new connections over them; uvicorn's own ``--workers`` shares one socket, and
there the first process to wake accepts a whole burst of connections while the others idle.

    python -m services.api.server [--host H] [--port P] [--workers N]

serves the API alone (everything else from the environment, as ``factory``); ``jixiao up`` serves
it beside the projectors and the relay, with ``JIXIAO_API_WORKERS`` processes. Workers share
nothing but PostgreSQL: each has its own group commit and command cache (a command that finds
its cache behind another worker's save reloads and decides again).
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import uvicorn
from litestar import Litestar

from services.api.app import create_app
from services.api.auth import TokenConfig
from services.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def factory() -> Litestar:
    """For ``uvicorn --factory`` / worker processes: everything from the environment."""
    settings = Settings.from_env()
    url = os.environ["DATABASE_URL"]
    logging.getLogger("jixiao.api.access").setLevel(os.environ.get("JIXIAO_ACCESS_LOG", "INFO"))
    return create_app(
        url,
        TokenConfig.from_env(settings.data_dir),
        rate_per_second=rate_limit(),
        bench_endpoints=os.environ.get("JIXIAO_BENCH_ENDPOINTS") == "1",
    )


def rate_limit() -> float:
    raw = os.environ.get("JIXIAO_RATE_LIMIT", "200")
    try:
        return float(raw)
    except ValueError:
        return 200.0


def config(app: Litestar, host: str, port: int) -> uvicorn.Config:
    logging.getLogger("jixiao.api.access").setLevel(os.environ.get("JIXIAO_ACCESS_LOG", "INFO"))
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,  # our middleware logs every request with its correlation id
        timeout_graceful_shutdown=5,
    )


def settle_memory() -> None:
    """Once the application is built: its start-up objects (modules, routes, schemas) move to the
    collector's permanent generation and collections run less often. Full collections walked
    them all again and again, pausing a worker 40–70 ms at a time under load (measured)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


def listening_socket(host: str, port: int) -> socket.socket:
    """A listening socket of its own on a port other workers share (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    return sock


def serve(
    app: Litestar, host: str, port: int, workers: int = 1, *, database_url: str, data_dir: Path
) -> None:
    """Serve ``app`` in this process and ``workers - 1`` more (``factory`` in each, given this
    process's database and data directory), until stopped.

    The other workers stop with this process: they are terminated on the way out, and each one
    also exits by itself when it finds its parent gone (a SIGKILLed parent runs no clean-up)."""
    sock = listening_socket(host, port)
    env = {**os.environ, "DATABASE_URL": database_url, "JIXIAO_DATA_DIR": str(data_dir.resolve())}
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "services.api.server", "--host", host, "--port", str(port), "--child"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(workers - 1)
    ]
    settle_memory()
    try:
        uvicorn.Server(config(app, host, port)).run(sockets=[sock])
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        sock.close()


def _exit_with_parent() -> None:
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="jixiao-parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m services.api.server", description="jixiao HTTP API")
    parser.add_argument("--host", default=settings.http_host)
    parser.add_argument("--port", type=int, default=settings.http_port)
    parser.add_argument("--workers", type=int, default=settings.api_workers)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _exit_with_parent()
    serve(
        factory(),
        args.host,
        args.port,
        1 if args.child else max(1, args.workers),
        database_url=os.environ["DATABASE_URL"],
        data_dir=settings.data_dir,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
