"""The servers the platform runs on: external when configured, embedded otherwise."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from types import FrameType

from services.runtime.nats import EmbeddedNats, live_url, start_nats
from services.runtime.postgres import start_postgres
from services.runtime.settings import Settings


@dataclass(frozen=True)
class Endpoints:
    database_url: str
    nats_url: str  # with the platform user's credentials when embedded
    embedded: bool
    nats: EmbeddedNats | None = None  # the embedded server (to add downstream users as tenants appear)


@contextmanager
def running_services(settings: Settings, *, join_nats: bool = True) -> Iterator[Endpoints]:
    """Yield the database and NATS URLs; embedded servers are stopped on exit, even on errors.

    ``join_nats``: commands run beside a running ``jixiao up`` (``projections status``,
    ``subscribe``, ``import`` …) join the embedded nats-server it owns instead of refusing the
    busy data directory; ``up`` and ``relay run`` pass False, so that two of them never share
    one data directory. PostgreSQL is shared by pgserver itself."""
    with ExitStack() as stack:
        database_url = settings.database_url
        nats_url = settings.nats_url
        embedded = False
        server: EmbeddedNats | None = None
        if database_url is None:
            pg = start_postgres(settings.data_dir)
            stack.callback(pg.stop)
            database_url, embedded = pg.url, True
        if nats_url is None and join_nats:
            nats_url = live_url(settings.data_dir)  # `jixiao up` runs it: use that one
        if nats_url is None:
            server = start_nats(settings.data_dir, settings.nats_port)
            stack.callback(server.stop)
            nats_url, embedded = server.url, True
        yield Endpoints(database_url=database_url, nats_url=nats_url, embedded=embedded, nats=server)


def _exit_cleanly(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # handled like Ctrl-C: context managers unwind, servers stop


def install_signal_handlers() -> None:
    """SIGTERM unwinds like Ctrl-C, so ``with running_services(...)`` stops the servers in order."""
    signal.signal(signal.SIGTERM, _exit_cleanly)
