"""etcd, Patroni with PostgreSQL 15 (synchronous replication) and pgBackRest's WAL archive.

Three database hosts each run an etcd member and a Patroni member. Patroni keeps one synchronous
standby (``synchronous_mode_strict``: with none, commits wait rather than go asynchronous), so a
commit the client saw acknowledged is on two hosts. Every member archives through pgBackRest into
one repository on the backup host's path (the hosts share this machine's file system, as they
would share an NFS mount or an object store).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from deploy.local_cluster.netns import BACKUP_HOST, DB_HOSTS, Host, Processes, sh

PG_BIN = Path("/usr/lib/postgresql/15/bin")
SCOPE = "jixiao"
STANZA = "jixiao"
PG_PORT = 5432
REST_PORT = 8008
SUPERUSER_PASSWORD = "cluster-postgres"  # a throw-away local cluster: fixed, documented passwords
REPLICATION_PASSWORD = "cluster-replicator"
APP_USER = "jixiao"
APP_PASSWORD = "cluster-jixiao"


def etcd_hosts() -> str:
    return ",".join(f"{h.address}:2379" for h in DB_HOSTS)


def database_url(user: str = APP_USER, password: str = APP_PASSWORD, dbname: str = "jixiao") -> str:
    """The multi-host URL every client uses: libpq tries the hosts in turn and keeps the one that
    accepts writes."""
    hosts = ",".join(f"{h.address}:{PG_PORT}" for h in DB_HOSTS)
    return (
        f"postgresql://{user}:{password}@{hosts}/{dbname}?target_session_attrs=read-write&connect_timeout=3"
    )


def start_etcd(procs: Processes, workdir: Path) -> None:
    cluster = ",".join(f"{h.short}=http://{h.address}:2380" for h in DB_HOSTS)
    for h in DB_HOSTS:
        procs.start(
            f"etcd-{h.short}",
            h,
            [
                "etcd",
                f"--name={h.short}",
                f"--data-dir={workdir / 'etcd' / h.short}",
                f"--listen-peer-urls=http://{h.address}:2380",
                f"--initial-advertise-peer-urls=http://{h.address}:2380",
                f"--listen-client-urls=http://{h.address}:2379,http://127.0.0.1:2379",
                f"--advertise-client-urls=http://{h.address}:2379",
                f"--initial-cluster={cluster}",
                "--initial-cluster-state=new",
                "--initial-cluster-token=jx-etcd",
            ],
        )


def node_dir(workdir: Path, host: Host) -> Path:
    return workdir / "pg" / host.short


def pgbackrest_conf(workdir: Path, host: Host, pg_path: Path | None = None) -> Path:
    """pgBackRest's configuration for one host: the shared repository and this host's server."""
    base = node_dir(workdir, host) if host in DB_HOSTS else workdir / "backup"
    path = base / "pgbackrest.conf"
    data = pg_path or base / "data"
    path.write_text(
        "[global]\n"
        f"repo1-path={workdir / 'backup' / 'repo'}\n"
        "repo1-retention-full=2\n"
        "start-fast=y\n"
        f"log-path={base / 'pgbackrest-log'}\n"
        f"lock-path={base / 'pgbackrest-lock'}\n"
        "log-level-console=warn\nlog-level-file=info\n\n"
        f"[{STANZA}]\n"
        f"pg1-path={data}\n"
        f"pg1-port={PG_PORT}\n"
        f"pg1-socket-path={base / 'run'}\n"
        "pg1-user=postgres\n"
    )
    return path


def patroni_conf(workdir: Path, host: Host) -> dict[str, Any]:
    node = node_dir(workdir, host)
    archive = f"pgbackrest --config={node / 'pgbackrest.conf'} --stanza={STANZA} archive-push %p"
    return {
        "scope": SCOPE,
        "name": host.short,
        "restapi": {
            "listen": f"{host.address}:{REST_PORT}",
            "connect_address": f"{host.address}:{REST_PORT}",
        },
        "etcd3": {"hosts": etcd_hosts()},
        "log": {"level": "INFO"},
        "bootstrap": {
            "dcs": {
                "ttl": 10,
                "loop_wait": 2,
                "retry_timeout": 3,
                "maximum_lag_on_failover": 16 * 1024 * 1024,
                "synchronous_mode": True,
                "synchronous_mode_strict": True,
                "synchronous_node_count": 1,
                "postgresql": {
                    "use_pg_rewind": True,
                    "use_slots": True,
                    "parameters": {
                        "wal_level": "replica",
                        "hot_standby": "on",
                        "wal_log_hints": "on",
                        "max_connections": 500,  # 2 × (API pools, 12 projections, relay), rebuilds
                        "max_wal_senders": 10,
                        "max_replication_slots": 10,
                        "archive_mode": "on",
                        "archive_timeout": 30,
                    },
                },
            },
            "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, "data-checksums"],
        },
        "postgresql": {
            "listen": f"{host.address}:{PG_PORT}",
            "connect_address": f"{host.address}:{PG_PORT}",
            "use_unix_socket": True,
            "data_dir": str(node / "data"),
            "bin_dir": str(PG_BIN),
            "pgpass": str(node / "pgpass"),
            "authentication": {
                "superuser": {"username": "postgres", "password": SUPERUSER_PASSWORD},
                "replication": {"username": "replicator", "password": REPLICATION_PASSWORD},
                "rewind": {"username": "postgres", "password": SUPERUSER_PASSWORD},
            },
            # this member's own: archive through its pgBackRest configuration
            "parameters": {"unix_socket_directories": str(node / "run"), "archive_command": archive},
            "pg_hba": [
                "local all all trust",
                "host replication replicator 10.20.0.0/24 scram-sha-256",
                "host all all 10.20.0.0/24 scram-sha-256",
                "host all all 127.0.0.1/32 scram-sha-256",
            ],
        },
    }


def prepare_nodes(workdir: Path) -> None:
    repo = workdir / "backup" / "repo"
    repo.mkdir(parents=True, exist_ok=True)
    for h in DB_HOSTS:
        node = node_dir(workdir, h)
        for sub in ("run", "pgbackrest-log", "pgbackrest-lock"):
            (node / sub).mkdir(parents=True, exist_ok=True)
        (node / "patroni.yml").write_text(yaml.safe_dump(patroni_conf(workdir, h), sort_keys=False))
        pgbackrest_conf(workdir, h)
    for sub in ("run", "pgbackrest-log", "pgbackrest-lock"):
        (workdir / "backup" / sub).mkdir(parents=True, exist_ok=True)
    for path in (workdir / "pg", workdir / "backup"):
        shutil.chown(path, "postgres", "postgres")
        sh("chown", "-R", "postgres:postgres", str(path))


def start_patroni(procs: Processes, workdir: Path, host: Host) -> None:
    node = node_dir(workdir, host)
    procs.start(f"patroni-{host.short}", host, ["patroni", str(node / "patroni.yml")], user="postgres")


def members(timeout: float = 2.0) -> list[dict[str, Any]]:
    """Patroni's view of the cluster, asked of any member that answers."""
    for h in DB_HOSTS:
        try:
            with urllib.request.urlopen(f"http://{h.address}:{REST_PORT}/cluster", timeout=timeout) as r:
                found: list[dict[str, Any]] = json.load(r).get("members", [])
                return found
        except OSError:
            continue
    return []


def leader() -> Host | None:
    for m in members():
        if m.get("role") == "leader" and m.get("state") == "running":
            return next(h for h in DB_HOSTS if h.short == m["name"])
    return None


def wait_for(what: str, check: Any, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.5)
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")


def healthy() -> bool:
    """A running leader, and both others streaming, one of them synchronous."""
    found = members()
    roles = sorted(str(m.get("role")) for m in found if m.get("state") in ("running", "streaming"))
    return roles == ["leader", "replica", "sync_standby"]


def pgbackrest(host: Host, workdir: Path, *args: str, conf: Path | None = None) -> str:
    config = conf or pgbackrest_conf(workdir, host)
    argv = ["ip", "netns", "exec", host.name, "setpriv", "--reuid=postgres", "--regid=postgres"]
    argv += ["--init-groups", "pgbackrest", f"--config={config}", f"--stanza={STANZA}", *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"pgbackrest {' '.join(args)} failed: {done.stderr or done.stdout}")
    return done.stdout


def create_application_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (APP_USER,)).fetchone():
            conn.execute(f"CREATE ROLE {APP_USER} LOGIN CREATEROLE PASSWORD '{APP_PASSWORD}'")
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'jixiao'").fetchone():
            conn.execute(f"CREATE DATABASE jixiao OWNER {APP_USER}")


def start_database(procs: Processes, workdir: Path) -> Host:
    """etcd, then the three Patroni members; the application's role and database; the pgBackRest
    stanza and a first full backup. Returns the leader."""
    prepare_nodes(workdir)
    start_etcd(procs, workdir)
    time.sleep(2)
    for h in DB_HOSTS:
        start_patroni(procs, workdir, h)
    wait_for("a Patroni leader with a synchronous standby", healthy, 180)
    create_application_database(database_url("postgres", SUPERUSER_PASSWORD, "postgres"))
    first = wait_for("the leader", leader, 30)
    pgbackrest(first, workdir, "stanza-create")
    pgbackrest(first, workdir, "check")
    pgbackrest(first, workdir, "--type=full", "backup")
    assert isinstance(first, Host)
    return first


BACKUP = BACKUP_HOST  # where restores are tried (the repository's host)
