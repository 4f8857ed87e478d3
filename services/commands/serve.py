"""Serving the API: uvicorn with uvloop and httptools (the fast event loop and HTTP parser), in one
or several worker processes.

One Python process runs one command at a time (the GIL), so a server uses its cores with several
processes. Each worker binds its own listening socket to the same port with ``SO_REUSEPORT`` and
the kernel spreads new connections over them; uvicorn's own ``--workers`` shares one socket, and
there the first process to wake accepts a whole burst of connections while the others idle.

    python -m services.commands.serve [--host H] [--port P] [--workers N]

serves the API alone (settings from the environment; it installs the schema first, its worker
processes do not); ``jixiao up`` serves it beside the projectors and the relay, with
``JIXIAO_API_WORKERS`` processes. Each worker builds its application through the composition
root (``services/compose.py``). Workers share
nothing but PostgreSQL: each has its own group commit and command cache (a command that finds
its cache behind another worker's save reloads and decides again).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import uvicorn
from litestar import Litestar

from services.runtime.logs import configure_logging
from services.runtime.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def config(app: Litestar, host: str, port: int) -> uvicorn.Config:
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


class _Announcing(uvicorn.Server):
    """uvicorn's server, calling ``ready`` once it has started (the application's start-up done,
    the socket accepting): what ``jixiao up`` prints then is the last thing on the console."""

    def __init__(self, config: uvicorn.Config, ready: Callable[[], None] | None) -> None:
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started and not self.should_exit and self.ready is not None:
            self.ready()


def settle_memory() -> None:
    """Once the application is built: its start-up objects (modules, routes, schemas) move to the
    collector's permanent generation and collections run less often. Full collections walked
    them all again and again, pausing a worker 40–70 ms at a time under load (measured)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


log = logging.getLogger("jixiao.api")


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
    app: Litestar,
    settings: Settings,
    database_url: str,
    *,
    workers: int | None = None,
    ready: Callable[[], None] | None = None,
) -> None:
    """Serve ``app`` in this process and ``workers - 1`` more (each building its own through the
    composition root, given this process's database and data directory), until stopped;
    ``ready`` is called once this process serves.

    The other workers stop with this process: they are terminated on the way out, and each one
    also exits by itself when it finds its parent gone (a SIGKILLed parent runs no clean-up)."""
    host, port = settings.http_host, settings.http_port
    count = settings.api_workers if workers is None else workers
    sock = listening_socket(host, port)
    env = {**_inherited(), **settings.child_environment(database_url)}

    def spawn() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "services.commands.serve", "--host", host, "--port", str(port), "--child"],
            cwd=ROOT,
            env=env,
        )

    children = [spawn() for _ in range(count - 1)]
    stopping = threading.Event()

    def supervise() -> None:
        """A worker that died (killed, crashed) is replaced, and the log says so."""
        while not stopping.wait(1.0):
            for n, child in enumerate(children):
                code = child.poll()
                if code is not None and not stopping.is_set():
                    log.warning(
                        "API 工作进程 %s 已退出（返回码 %s），已启动新的工作进程补上", child.pid, code
                    )
                    children[n] = spawn()

    threading.Thread(target=supervise, name="jixiao-workers", daemon=True).start()
    settle_memory()
    try:
        _Announcing(config(app, host, port), ready).run(sockets=[sock])
    finally:
        stopping.set()
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


def _inherited() -> dict[str, str]:
    """The environment a worker process starts with: this process's, passed on whole (the
    worker reads its settings from it, as this one did)."""
    return os.environ.copy()


def main(argv: list[str] | None = None) -> int:
    from services.compose import build_api, install

    settings = Settings.from_env()
    configure_logging(json_lines=settings.log_format == "json", access_log=settings.access_log)
    parser = argparse.ArgumentParser(prog="python -m services.commands.serve", description="jixiao HTTP API")
    parser.add_argument("--host", default=settings.http_host)
    parser.add_argument("--port", type=int, default=settings.http_port)
    parser.add_argument("--workers", type=int, default=settings.api_workers)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    database_url = settings.database_url
    if database_url is None:
        print("错误：单独运行 API 需要 DATABASE_URL（或使用 jixiao up）", file=sys.stderr)
        return 2
    settings = dataclasses.replace(settings, http_host=args.host, http_port=args.port)
    if args.child:
        _exit_with_parent()
    else:
        install(database_url, settings)
    serve(
        build_api(settings),
        settings,
        database_url,
        workers=1 if args.child else max(1, args.workers),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
