"""The restore test: point-in-time recovery from pgBackRest's full backup and WAL archive.

Write events, note the time and the event count, write more, archive the WAL, restore to the
noted time into a fresh data directory on the backup host, start it, and compare the counts.

    sudo .venv/bin/python -m deploy.local_cluster pitr
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import psycopg

from deploy.local_cluster import apps, checks, database
from deploy.local_cluster.failover import Load
from deploy.local_cluster.netns import BACKUP_HOST

RESTORE_PORT = 5499


def write(token: str, seconds: float) -> int:
    load = Load(token, 20)
    threads = load.start()
    time.sleep(seconds)
    load.stop.set()
    for t in threads:
        t.join(timeout=20)
    return len(load.acknowledged)


def count(env: dict[str, str]) -> int:
    with checks.connect(env) as conn:
        row = conn.execute("SELECT count(*) FROM jixiao_events").fetchone()
    return int(row[0]) if row else 0


def as_postgres(*argv: str) -> subprocess.CompletedProcess[str]:
    command = ["ip", "netns", "exec", BACKUP_HOST.name, "setpriv", "--reuid=postgres", "--regid=postgres"]
    return subprocess.run([*command, "--init-groups", *argv], capture_output=True, text=True, timeout=600)


def restore(workdir: Path, target: str) -> Path:
    """Restore the latest backup and the archive up to ``target`` into a fresh directory and start it."""
    data = workdir / "backup" / "restore"
    if data.exists():
        as_postgres(str(database.PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(data)
    data.mkdir(parents=True)
    shutil.chown(data, "postgres", "postgres")
    data.chmod(0o700)
    conf = database.pgbackrest_conf(workdir, BACKUP_HOST, data)
    shutil.chown(conf, "postgres", "postgres")
    database.pgbackrest(
        BACKUP_HOST,
        workdir,
        "--type=time",
        f"--target={target}",
        "--target-action=promote",
        "restore",
        conf=conf,
    )
    # the backup carries Patroni's configuration (its addresses, archive, replication): this
    # server is a lone one on the backup host, reached by its socket only
    run = workdir / "backup" / "run"
    (data / "postgresql.conf").write_text(
        f"port = {RESTORE_PORT}\nlisten_addresses = ''\nunix_socket_directories = '{run}'\n"
        "archive_mode = off\nhot_standby = on\nmax_connections = 500\nmax_wal_senders = 10\n"
        "max_replication_slots = 10\nwal_level = replica\n"
    )
    (data / "pg_hba.conf").write_text("local all all trust\n")
    for stale in ("standby.signal", "postmaster.pid", "patroni.dynamic.json"):
        (data / stale).unlink(missing_ok=True)
    subprocess.run(["chown", "-R", "postgres:postgres", str(data)], check=False)
    started = as_postgres(
        str(database.PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(workdir / "backup" / "restore.log"), "-w", "-t", "300", "start"
    )  # fmt: skip
    if started.returncode != 0:
        raise RuntimeError(f"the restored server did not start: {started.stdout}{started.stderr}")
    return data


def restored_count(workdir: Path) -> int:
    url = f"host={workdir / 'backup' / 'run'} port={RESTORE_PORT} user=postgres dbname=jixiao"
    deadline = time.monotonic() + 120
    while True:  # it answers (read-only) once consistent, and replays on up to the target: wait
        try:  # for the promotion that ends recovery there
            with psycopg.connect(url, autocommit=True) as conn:
                recovering = conn.execute("SELECT pg_is_in_recovery()").fetchone()
                if recovering is not None and not recovering[0]:
                    row = conn.execute("SELECT count(*) FROM jixiao_events").fetchone()
                    return int(row[0]) if row else 0
        except psycopg.OperationalError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError("the restored server did not finish recovery within 120 s")
        time.sleep(1)


def run(workdir: Path) -> int:
    secrets = apps.load_secrets(workdir)
    env = {**os.environ, **apps.environment(workdir, secrets)}
    write(secrets["TOKEN"], 5)
    time.sleep(1.5)
    with checks.connect(env) as conn:
        noted = conn.execute("SELECT now()").fetchone()
    assert noted is not None
    target_time: datetime.datetime = noted[0]
    at_target = count(env)
    time.sleep(1.5)
    more = write(secrets["TOKEN"], 5)
    after = count(env)
    with psycopg.connect(
        database.database_url("postgres", database.SUPERUSER_PASSWORD), autocommit=True
    ) as c:
        c.execute("SELECT pg_switch_wal()")
    leader = database.wait_for("the leader", database.leader, 60)
    database.pgbackrest(leader, workdir, "check")  # waits until the switched segment is archived
    started = time.monotonic()
    data = restore(workdir, target_time.isoformat(sep=" "))
    restored = restored_count(workdir)
    result = {
        "target": target_time.isoformat(),
        "events_at_target": at_target,
        "events_written_after": more,
        "events_at_end": after,
        "events_restored": restored,
        "restore_s": round(time.monotonic() - started, 1),
        "equal": restored == at_target,
    }
    as_postgres(str(database.PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
    (workdir / "pitr.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 0 if result["equal"] else 1
