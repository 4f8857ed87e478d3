"""The local multi-host cluster: ``up``, ``down``, ``status``, ``pitr``, ``failover``.

    sudo .venv/bin/python -m deploy.local_cluster up [--workdir /tmp/jixiao-cluster]

Run from the repository as root (network namespaces). deploy/local_cluster/README.md explains it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from deploy.local_cluster import database, netns

DEFAULT_WORKDIR = Path("/tmp/jixiao-cluster")
PACKAGES = ("etcd-server", "etcd-client", "patroni", "pgbackrest", "postgresql-15", "iproute2", "iptables")
NEEDED = ("etcd", "patroni", "pgbackrest", str(database.PG_BIN / "postgres"))


def ensure_packages() -> None:
    """Install what is missing through apt-get (Debian bookworm)."""
    missing = [p for p in NEEDED if shutil.which(p) is None and not Path(p).exists()]
    if not missing:
        return
    print(f"安装缺少的软件包（{', '.join(missing)}）…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", *PACKAGES], check=True, env=env)


def up(workdir: Path, stages: str) -> None:
    from deploy.local_cluster import apps, messaging

    if os.geteuid() != 0:
        raise SystemExit("需要 root（网络命名空间）：sudo .venv/bin/python -m deploy.local_cluster up")
    ensure_packages()
    netns.tear_down(workdir)
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    workdir.chmod(0o755)
    netns.build_network()
    procs = netns.Processes(workdir)
    leader = database.start_database(procs, workdir)
    print(f"PostgreSQL: leader {leader.short}, synchronous standby in place; full backup taken", flush=True)
    if stages == "db":
        return
    secrets = apps.prepare(workdir)
    messaging.start(procs, workdir, secrets)
    print("NATS: three servers with JetStream in one cluster", flush=True)
    apps.start_all(procs, workdir, secrets)
    print(json.dumps(status(workdir), indent=1, ensure_ascii=False))


def status(workdir: Path) -> dict[str, object]:
    procs = netns.Processes(workdir)
    return {
        "namespaces": netns.namespaces(),
        "patroni": [
            {k: m.get(k) for k in ("name", "role", "state", "lag", "timeline")} for m in database.members()
        ],
        "processes": {name: procs.alive(name) for name in sorted(procs.table())},
    }


def suite(workdir: Path, rate: float) -> int:
    """Everything in one go (``python3 dev.py cluster``): a fresh cluster, the restore test, every
    fault, then tear-down — the figures land in ``failover.json`` and ``pitr.json``."""
    from deploy.local_cluster import failover, pitr

    try:
        up(workdir, "all")
        restored = pitr.run(workdir)
        survived = failover.run(workdir, [], rate)
    finally:
        netns.tear_down(workdir)
    print(
        f"集群套件：恢复测试 {'通过' if restored == 0 else '失败'}，故障测试 {'通过' if survived == 0 else '失败'}"
    )
    return restored or survived


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m deploy.local_cluster", description="local multi-host cluster")
    p.add_argument("command", choices=("suite", "up", "down", "status", "pitr", "failover"))
    p.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    p.add_argument("--stages", choices=("db", "all"), default="all", help="up: the database alone, or all")
    p.add_argument("--faults", default="", help="failover: comma-separated fault names (default: all)")
    p.add_argument("--rate", type=float, default=30.0, help="failover: commands per second")
    args = p.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    if args.command == "suite":
        return suite(workdir, args.rate)
    if args.command == "up":
        up(workdir, args.stages)
    elif args.command == "down":
        netns.tear_down(workdir)
        print("已拆除：进程、网络命名空间与网桥（数据留在工作目录）")
    elif args.command == "status":
        print(json.dumps(status(workdir), indent=1, ensure_ascii=False))
    elif args.command == "pitr":
        from deploy.local_cluster import pitr

        return pitr.run(workdir)
    else:
        from deploy.local_cluster import failover

        faults = [f for f in args.faults.split(",") if f]
        return failover.run(workdir, faults, args.rate)
    return 0


if __name__ == "__main__":
    sys.exit(main())
