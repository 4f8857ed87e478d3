"""Real nats-server processes in a topology: a province's three-server cluster, province servers
with JetStream domains dialling a national server as leaf nodes. Configurations come from the
generator (``services/relay/topology.py``); passwords are real (``Credentials``)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from services.relay.permissions import Credentials
from services.relay.topology import Cluster, Topology, configuration
from services.runtime.nats import find_binary, port_in_use
from tests.conftest import free_port


@dataclass
class Server:
    name: str
    directory: Path
    port: int
    config: Path
    credentials: Credentials
    process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 10.0) -> None:
        log = (self.directory / "nats.log").open("ab")
        self.process = subprocess.Popen(
            [find_binary(), "-c", str(self.config)], stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while not port_in_use(self.port):
            assert self.process.poll() is None, self.log_tail()
            assert time.monotonic() < deadline, f"{self.name} not listening: {self.log_tail()}"
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def url(self, user: str = "jixiao") -> str:
        return self.credentials.url(f"nats://127.0.0.1:{self.port}", user)

    def log_tail(self, lines: int = 8) -> str:
        with contextlib.suppress(OSError):
            return "\n".join((self.directory / "nats.log").read_text().splitlines()[-lines:])
        return ""


def write_server(
    directory: Path,
    name: str,
    tenants: Mapping[str, tuple[str, ...]],
    credentials: Credentials,
    topology: Topology,
    port: int | None = None,
) -> Server:
    directory.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    text = configuration(tenants, credentials.password, topology, store_dir=directory / "js", port=port)
    config = directory / "nats.conf"
    config.write_text(text)
    return Server(name, directory, port, config, credentials)


def cluster(
    directory: Path, tenants: Mapping[str, tuple[str, ...]], size: int = 3, name: str = "jixiao-360000"
) -> list[Server]:
    """``size`` members of one cluster on loopback, each routed to the others (not started)."""
    credentials = Credentials(directory / "nats-credentials.json")
    route_ports = [free_port() for _ in range(size)]
    servers = []
    for i, route_port in enumerate(route_ports):
        routes = tuple(f"nats://127.0.0.1:{p}" for p in route_ports if p != route_port)
        member = Cluster(name, route_port, routes, credentials.password("route"), host="127.0.0.1")
        topology = Topology(server_name=f"n{i + 1}", cluster=member)
        servers.append(write_server(directory / f"n{i + 1}", f"n{i + 1}", tenants, credentials, topology))
    return servers


@contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    try:
        for s in servers:
            s.start()
        yield servers
    finally:
        for s in servers:
            s.stop()
