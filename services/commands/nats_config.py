"""``jixiao nats config`` (a province's server: alone, or one member of its cluster, optionally
dialling the national server), ``jixiao nats national-config`` (the national server) and
``jixiao nats national`` (the national streams, sourced from the provinces' streams)."""

from __future__ import annotations

import asyncio
import os
import sys
from argparse import Namespace
from pathlib import Path

import nats
import psycopg

from domain.errors import DomainError
from services.compose import install_event_log
from services.relay.jetstream import server_urls
from services.relay.national import Province, ensure_national_streams
from services.relay.permissions import password_variable
from services.relay.tenancy import registered_paths
from services.relay.topology import (
    NATIONAL_DOMAIN,
    ROUTE_USER,
    Cluster,
    National,
    Topology,
    configuration,
    leaf_user,
)
from services.runtime.services import running_services
from services.runtime.settings import Settings, nats_password


def _secret(user: str) -> str:
    """A password that must be written into a URL (a route, a leaf remote): from the environment
    variable the receiving server reads it from too."""
    name = password_variable(user).lstrip("$")
    value = nats_password(name)
    if not value:
        raise DomainError(f"请设置环境变量 {name}（写入路由或叶节点连接地址的密码）")
    return value


def province_topology(args: Namespace) -> Topology:
    clustered = bool(args.cluster_name or args.route)
    if clustered and not (args.server_name and args.cluster_name):
        raise DomainError(
            "集群成员需要 --server-name 与 --cluster-name（集群中的 JetStream 要求每台服务器有名字）"
        )
    if args.national_url and not args.province:
        raise DomainError("--national-url 需要 --province（本省代码，如 360000）")
    cluster = None
    if clustered:
        cluster = Cluster(args.cluster_name, args.cluster_port, tuple(args.route), _secret(ROUTE_USER))
    national = None
    if args.national_url:
        national = National(args.national_url, args.province, _secret(leaf_user(args.province)))
    domain = args.domain or (f"p{args.province}" if args.province else None)
    return Topology(
        server_name=args.server_name,
        domain=domain,
        cluster=cluster,
        national=national,
        monitor_port=args.monitor_port,
    )


def _write(text: str, out: Path | None, secret: bool, what: str) -> None:
    if out is None:
        sys.stdout.write(text)
        return
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    note = "（含路由或叶节点密码，权限 600）" if secret else ""
    print(f"已写入 {out}：{what}{note}", file=sys.stderr)


def cmd_nats_config(args: Namespace) -> int:
    """A server configuration for every registered tenant; passwords come from the server's
    environment (``$JIXIAO_NATS_PASSWORD_<USER>``), so without a cluster or a national link the
    file itself holds no secret."""
    topology = province_topology(args)
    with running_services(Settings.from_env()) as endpoints:
        install_event_log(endpoints.database_url)
        with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
            tenants = registered_paths(conn)
    text = configuration(
        tenants, password_variable, topology, store_dir=args.store_dir, host="0.0.0.0", port=args.port
    )
    _write(text, args.out, topology.holds_secret, f"{len(tenants)} 个单位的下游用户")
    return 0


def parse_provinces(texts: list[str]) -> list[Province]:
    try:
        return [Province.parse(t) for t in texts]
    except ValueError as e:
        raise DomainError(str(e)) from None


def cmd_national_config(args: Namespace) -> int:
    """The national server: JetStream in its own domain, a leaf node port where each province's
    servers log in as ``p<code>`` (password ``$JIXIAO_NATS_PASSWORD_P<code>``), no tenants."""
    provinces = parse_provinces(args.province)
    topology = Topology(
        server_name=args.server_name,
        domain=NATIONAL_DOMAIN,
        leaf_port=args.leafnode_port,
        provinces=tuple(p.code for p in provinces),
    )
    text = configuration(
        {}, password_variable, topology, store_dir=args.store_dir, host="0.0.0.0", port=args.port
    )
    _write(text, args.out, False, f"{len(provinces)} 个省级叶节点用户")
    return 0


def cmd_national_streams(args: Namespace) -> int:
    """Create or update each province's national stream on the national server (``NATS_URL``)."""
    provinces = parse_provinces(args.province)
    url = Settings.from_env().nats_url or ""
    if not url:
        raise DomainError("请设置 NATS_URL（国家级 NATS 服务器，平台用户）")

    async def ensure() -> list[str]:
        nc = await nats.connect(server_urls(url), allow_reconnect=False, max_reconnect_attempts=1)
        try:
            js = nc.jetstream(timeout=10)
            changed = await ensure_national_streams(js, provinces, replicas=args.replicas)
            for p in provinces:
                info = await js.stream_info(p.stream)
                lag = [s.lag for s in info.sources or []]
                print(f"{p.stream}：{info.state.messages} 条消息，来源 {p.domain} 滞后 {lag}")
            return changed
        finally:
            await nc.close()

    changed = asyncio.run(ensure())
    print(f"已创建或更新 {len(changed)} 个国家级流", file=sys.stderr)
    return 0
