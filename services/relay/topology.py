"""Where a nats-server stands: alone, one member of a province's cluster, or the national server.

A province runs three servers in one cluster (``cluster`` block, routes to the other two, the
stream ``JIXIAO`` replicated on all three). Clustered JetStream needs each server to have a
``server_name`` and the cluster a name. Routes authenticate as the user ``route``: the accepting
side reads its password from ``$JIXIAO_NATS_PASSWORD_ROUTE`` like every other password, but a
route URL cannot hold a variable, so the soliciting side has it written into the URL — a
clustered configuration holds that one secret and is written mode 600.

The national level never touches a province's database. Each province's servers dial the
national server as leaf nodes (outbound from the province, so the national server needs no way
into a provincial network), with a JetStream domain of their own (``p<code>``); the national
stream sources ``JIXIAO`` through ``$JS.p<code>.API`` (``services/relay/national.py``). Across the
leaf link the province lets nothing be published into its subjects (``jixiao.>`` is neither
imported nor exported: only JetStream API requests and their deliveries cross), and refuses the
JetStream requests that would change or delete its stream.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from services.relay.permissions import ACCOUNT, render, server_settings
from services.relay.subjects import PREFIX

ROUTE_USER = "route"
NATIONAL_DOMAIN = "national"

Password = Callable[[str], str]

# what the national side may never ask a province's JetStream (it may read, and create consumers)
REFUSED_API = (
    "STREAM.CREATE",
    "STREAM.UPDATE",
    "STREAM.DELETE",
    "STREAM.PURGE",
    "STREAM.MSG.DELETE",
    "STREAM.SNAPSHOT",
    "STREAM.RESTORE",
    "STREAM.PEER.REMOVE",
    "STREAM.LEADER.STEPDOWN",
)


def province_domain(code: str) -> str:
    return f"p{code}"


def leaf_user(code: str) -> str:
    """The user a province's servers log in as on the national server's leaf node port."""
    return f"p{code}"


@dataclass(frozen=True)
class Cluster:
    name: str
    port: int = 6222
    routes: tuple[str, ...] = ()  # the other members, nats://host:port (no credentials)
    route_password: str = ""  # written into the route URLs
    host: str = "0.0.0.0"


@dataclass(frozen=True)
class National:
    """The province side of the national link: dial ``url`` as ``leaf_user(code)``."""

    url: str
    code: str
    password: str  # written into the remote's URL


@dataclass(frozen=True)
class Topology:
    server_name: str | None = None
    domain: str | None = None
    cluster: Cluster | None = None
    national: National | None = None
    leaf_port: int | None = None  # the national server: where provinces connect
    provinces: tuple[str, ...] = field(default_factory=tuple)  # the national server: who may
    monitor_port: int | None = None  # nats-server's HTTP monitoring (/healthz, /jsz) for probes

    @property
    def holds_secret(self) -> bool:
        return (self.cluster is not None and bool(self.cluster.routes)) or self.national is not None


def with_credentials(url: str, user: str, password: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{user}:{password}@{rest}"


def configuration(
    tenants: Mapping[str, tuple[str, ...]],
    password: Password,
    topology: Topology,
    *,
    store_dir: Path | str,
    host: str = "127.0.0.1",
    port: int = 4222,
) -> str:
    """``permissions.server_config`` for a server that stands in ``topology`` (the same text for a
    lone server: ``Topology()``)."""
    config = server_settings(tenants, password, store_dir=store_dir, host=host, port=port)
    return render(apply(config, topology, password, host))


def apply(config: dict[str, Any], topology: Topology, password: Password, host: str) -> dict[str, Any]:
    """The server configuration ``config`` with the topology's blocks added."""
    out: dict[str, Any] = {}
    if topology.server_name:
        out["server_name"] = topology.server_name
    out |= config
    if topology.monitor_port is not None:
        out["http"] = f"{host}:{topology.monitor_port}"
    if topology.domain:
        out["jetstream"] = {**config["jetstream"], "domain": topology.domain}
    if topology.cluster is not None:
        c = topology.cluster
        out["cluster"] = {
            "name": c.name,
            "listen": f"{c.host}:{c.port}",
            "authorization": {"user": ROUTE_USER, "password": password(ROUTE_USER)},
            "routes": [with_credentials(r, ROUTE_USER, c.route_password) for r in c.routes],
        }
    if topology.leaf_port is not None:
        users = [
            {"user": leaf_user(code), "password": password(leaf_user(code)), "account": ACCOUNT}
            for code in sorted(topology.provinces)
        ]
        out["leafnodes"] = {"listen": f"{host}:{topology.leaf_port}", "authorization": {"users": users}}
    if topology.national is not None:
        n = topology.national
        domain = topology.domain or province_domain(n.code)
        refused = [f"$JS.{domain}.API.{api}.>" for api in REFUSED_API]
        remote = {
            "url": with_credentials(n.url, leaf_user(n.code), n.password),
            "account": ACCOUNT,
            "deny_imports": [f"{PREFIX}.>", *refused],
            "deny_exports": [f"{PREFIX}.>"],
        }
        out["leafnodes"] = {"remotes": [remote]}
    return out
