"""The failover suite: under a steady command load on both APIs, one fault at a time, then checks.

    sudo .venv/bin/python -m deploy.local_cluster failover [--faults pg-leader,nats,...] [--rate 30]

Each command registers a project (``POST /api/v1/projects``, a new aggregate whose id the API
returns), so an acknowledged command can be found again in the event log. Per fault: load for a
few seconds, inject, wait until the cluster is whole again (restarting what was killed), load a few
seconds more, stop, run ``checks.all_checks``. Failover time: from the first failed command after
the fault to the first successful one after that (0 when nothing failed).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from deploy.local_cluster import apps, checks, database, messaging, netns
from deploy.local_cluster.netns import APP_HOSTS, DB_HOSTS, Host, Processes


@dataclass
class Outcome:
    started: float
    ended: float
    ok: bool
    status: int
    api: str


@dataclass
class Load:
    """One thread per API, each at half the rate; every outcome kept."""

    token: str
    rate: float
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _one(self, host: Host) -> None:
        code = f"L{uuid.uuid4().hex[:12]}"
        body = json.dumps({"code": code, "name": f"负载{code}", "year": 2025}).encode()
        request = urllib.request.Request(
            f"http://{host.address}:{apps.API_PORT}/api/v1/projects",
            data=body,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        started, status, project = time.monotonic(), 0, None
        try:
            with urllib.request.urlopen(request, timeout=15) as r:
                status = int(r.status)
                project = json.load(r).get("id")
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0
        ok = 200 <= status < 300 and project is not None
        with self.lock:
            self.outcomes.append(Outcome(started, time.monotonic(), ok, status, host.short))
            if ok:
                self.acknowledged.append(str(project))

    def _run(self, host: Host) -> None:
        interval = len(APP_HOSTS) / self.rate
        next_at = time.monotonic()
        while not self.stop.is_set():
            self._one(host)
            next_at = max(next_at + interval, time.monotonic() - 1)
            self.stop.wait(max(0.0, next_at - time.monotonic()))

    def start(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self._run, args=(h,), daemon=True) for h in APP_HOSTS]
        for t in threads:
            t.start()
        return threads


def postgres_processes(host: Host) -> list[int]:
    """Patroni and PostgreSQL on a host: everything in its namespace running as ``postgres``."""
    import pwd

    uid = pwd.getpwnam("postgres").pw_uid
    pids = netns.sh("ip", "netns", "pids", host.name, check=False).stdout.split()
    found = []
    for pid in pids:
        with contextlib.suppress(OSError):
            if os.stat(f"/proc/{pid}").st_uid == uid:
                found.append(int(pid))
    return found


def relay_holder(env: dict[str, str]) -> Host:
    """The application host whose relay holds the advisory lock (the active one)."""
    with checks.connect(env) as conn:
        rows = conn.execute(
            "SELECT host(a.client_addr) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted"
        ).fetchall()
    addresses = {str(r[0]) for r in rows}
    return next((h for h in APP_HOSTS if h.address in addresses), APP_HOSTS[0])


def nats_stream_leader() -> Host:
    for h in DB_HOSTS:
        with contextlib.suppress(OSError, ValueError):
            url = f"http://{h.address}:{messaging.MONITOR_PORT}/jsz?streams=true"
            with urllib.request.urlopen(url, timeout=2) as r:
                data = json.load(r)
            for account in data.get("account_details", []):
                for stream in account.get("stream_detail", []):
                    name = (stream.get("cluster") or {}).get("leader", "")
                    return next(x for x in DB_HOSTS if name == f"nats-{x.short}")
    return DB_HOSTS[0]


class Faults:
    def __init__(self, workdir: Path, env: dict[str, str], secrets: dict[str, str]) -> None:
        self.workdir, self.env, self.secrets = workdir, env, secrets
        self.procs = Processes(workdir)

    def pg_leader(self) -> str:
        """SIGKILL Patroni and PostgreSQL on the leader's host (the host dies), then bring it back."""
        old = database.wait_for("a leader", database.leader, 60)
        for pid in postgres_processes(old):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        database.wait_for("a new leader", lambda: (database.leader() or old) != old, 120)
        database.start_patroni(self.procs, self.workdir, old)
        database.wait_for("three healthy members", database.healthy, 180)
        new = database.leader()
        return f"killed {old.short}, new leader {new.short if new else '?'}"

    def nats(self) -> str:
        host = nats_stream_leader()
        self.procs.kill(f"nats-{host.short}")
        time.sleep(10)
        passwords = {k: v for k, v in self.secrets.items() if k.startswith("JIXIAO_NATS_PASSWORD_")}
        messaging.start_server(self.procs, self.workdir, host, passwords)
        database.wait_for("NATS back", lambda: messaging.jetstream_ready(host), 60)
        return f"killed nats-{host.short} (the stream's leader) for 10 s"

    def _restart(self, role: str, host: Host, pause: float) -> None:
        self.procs.kill(f"{role}-{host.short}")
        time.sleep(pause)
        apps.start_process(self.procs, self.workdir, self.secrets, role, host)

    def projector(self) -> str:
        self._restart("projector", APP_HOSTS[0], 10)
        return "killed projector-app1 for 10 s (the other replica carries on)"

    def relay(self) -> str:
        host = relay_holder(self.env)
        self._restart("relay", host, 10)
        return f"killed relay-{host.short} (the lock holder) for 10 s"

    def partition(self) -> str:
        host = database.wait_for("a leader", database.leader, 60)
        netns.partition(host, True)
        time.sleep(20)
        netns.partition(host, False)
        database.wait_for("three healthy members", database.healthy, 180)
        for h in DB_HOSTS:
            database.wait_for("NATS", lambda h=h: messaging.jetstream_ready(h), 60)
        return f"cut {host.short} (PostgreSQL leader, etcd, NATS) off for 20 s, then healed"


FAULTS = ("pg-leader", "nats", "projector", "relay", "partition")


def measure(outcomes: list[Outcome], fault_at: float) -> dict[str, Any]:
    after = sorted((o for o in outcomes if o.started >= fault_at - 15), key=lambda o: o.started)
    errors = [o for o in after if not o.ok]
    failover = 0.0
    if errors:
        first_bad = errors[0]
        recovered = next((o for o in after if o.ok and o.started > first_bad.started), None)
        failover = (recovered.ended if recovered else after[-1].ended) - first_bad.started
    slowest = max((o.ended - o.started for o in after if o.ok), default=0.0)
    return {
        "commands": len(outcomes),
        "acknowledged": sum(o.ok for o in outcomes),
        "errors": len(errors),
        "error_statuses": sorted({o.status for o in errors}),
        "failover_s": round(failover, 2),
        "slowest_ack_s": round(slowest, 2),
    }


def run_fault(name: str, faults: Faults, rate: float) -> dict[str, Any]:
    load = Load(faults.secrets["TOKEN"], rate)
    threads = load.start()
    time.sleep(5)
    fault_at = time.monotonic()
    inject: Callable[[], str] = getattr(faults, name.replace("-", "_"))
    what = inject()
    recovered_at = time.monotonic()
    time.sleep(8)
    load.stop.set()
    for t in threads:
        t.join(timeout=20)
    figures = measure(load.outcomes, fault_at)
    figures.update(fault=name, what=what, recovery_s=round(recovered_at - fault_at, 1))
    figures.update(checks.all_checks(faults.env, load.acknowledged))
    return figures


def table(results: list[dict[str, Any]]) -> str:
    head = "| fault | commands | acked | errors | failover s | slowest ack s | lost | view = rebuild | stream | verify |"
    lines = [head, "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        lines.append(
            f"| {r['fault']} | {r['commands']} | {r['acknowledged']} | {r['errors']} | {r['failover_s']} | "
            f"{r['slowest_ack_s']} | {r['lost']} | {r['view_equals_rebuild']} | "
            f"{r['stream_once_in_order']} | {r['verify']} |"
        )
    return "\n".join(lines)


def run(workdir: Path, names: list[str], rate: float) -> int:
    secrets = apps.load_secrets(workdir)
    env = {**os.environ, **apps.environment(workdir, secrets)}
    faults = Faults(workdir, env, secrets)
    results = []
    for name in names or FAULTS:
        print(f"— {name} …", flush=True)
        result = run_fault(name, faults, rate)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        results.append(result)
        (workdir / "failover.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(table(results))
    good = all(
        r["lost"] == 0 and r["view_equals_rebuild"] and r["stream_once_in_order"] and r["verify"]
        for r in results
    )
    return 0 if good else 1
