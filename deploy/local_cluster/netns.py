"""Hosts as Linux network namespaces on one bridge, and the processes started inside them.

Every namespace and link is named ``jx-…`` so that tear-down touches nothing else. Processes are
started with ``ip netns exec`` (which execs the command, so the PID we record is the process itself)
in a session of their own; ``down`` kills whatever still runs in a ``jx-`` namespace, recorded or
not, so a crashed ``up`` leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

BRIDGE = "jx-br0"
GATEWAY = "10.20.0.1"
PREFIX = 24


@dataclass(frozen=True)
class Host:
    name: str  # the namespace, jx-<short>
    short: str
    address: str

    @property
    def veth(self) -> str:  # the bridge side of the host's cable
        return f"jx-v-{self.short}"


DB_HOSTS = tuple(Host(f"jx-db{n}", f"db{n}", f"10.20.0.1{n}") for n in (1, 2, 3))
APP_HOSTS = tuple(Host(f"jx-app{n}", f"app{n}", f"10.20.0.2{n}") for n in (1, 2))
BACKUP_HOST = Host("jx-bak", "bak", "10.20.0.30")
HOSTS = (*DB_HOSTS, *APP_HOSTS, BACKUP_HOST)

# per-namespace TCP settings: a peer behind a partition is given up on in seconds, not minutes
TCP_SYSCTLS = {
    "net.ipv4.tcp_keepalive_time": "5",
    "net.ipv4.tcp_keepalive_intvl": "2",
    "net.ipv4.tcp_keepalive_probes": "3",
    "net.ipv4.tcp_retries2": "6",
}


def sh(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, check=check, capture_output=True, text=True)


def namespaces() -> list[str]:
    out = sh("ip", "netns", "list", check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith("jx-")]


def build_network() -> None:
    """The bridge (with the operator's address, so this namespace reaches every host) and one
    namespace per host, cabled to it."""
    if not Path(f"/sys/class/net/{BRIDGE}").exists():
        sh("ip", "link", "add", BRIDGE, "type", "bridge")
        sh("ip", "addr", "add", f"{GATEWAY}/{PREFIX}", "dev", BRIDGE)
    sh("ip", "link", "set", BRIDGE, "up")
    existing = set(namespaces())
    for host in HOSTS:
        if host.name in existing:
            continue
        sh("ip", "netns", "add", host.name)
        sh("ip", "link", "add", host.veth, "type", "veth", "peer", "name", "eth0", "netns", host.name)
        sh("ip", "link", "set", host.veth, "master", BRIDGE, "up")
        inside = ("ip", "netns", "exec", host.name)
        sh(*inside, "ip", "addr", "add", f"{host.address}/{PREFIX}", "dev", "eth0")
        sh(*inside, "ip", "link", "set", "eth0", "up")
        sh(*inside, "ip", "link", "set", "lo", "up")
        sh(*inside, "ip", "route", "add", "default", "via", GATEWAY)
        for key, value in TCP_SYSCTLS.items():
            sh(*inside, "sysctl", "-q", "-w", f"{key}={value}", check=False)


def partition(host: Host, cut: bool) -> None:
    """Cut the host's cable at the bridge (``cut``) or plug it back."""
    sh("ip", "link", "set", host.veth, "down" if cut else "up")


class Processes:
    """The processes ``up`` started: name → PID, kept in ``pids.json`` under the work dir."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.file = workdir / "pids.json"
        self.logs = workdir / "logs"

    def table(self) -> dict[str, int]:
        try:
            data = json.loads(self.file.read_text())
        except (OSError, ValueError):
            return {}
        return {str(k): int(v) for k, v in data.items()}

    def _save(self, table: dict[str, int]) -> None:
        self.file.write_text(json.dumps(table, indent=1, sort_keys=True))

    def start(
        self,
        name: str,
        host: Host,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        user: str | None = None,
        cwd: Path | None = None,
    ) -> int:
        """Start ``argv`` in ``host``'s namespace (as ``user`` if given), output to logs/<name>.log."""
        self.logs.mkdir(parents=True, exist_ok=True)
        command = ["ip", "netns", "exec", host.name]
        if user is not None:
            command += ["setpriv", f"--reuid={user}", f"--regid={user}", "--init-groups"]
        command += list(argv)
        with open(self.logs / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={**os.environ, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        table = self.table()
        table[name] = proc.pid
        self._save(table)
        return proc.pid

    def alive(self, name: str) -> bool:
        pid = self.table().get(name)
        return pid is not None and _alive(pid)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Signal the process's whole session (a server's children die with it)."""
        pid = self.table().get(name)
        if pid is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, sig)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, sig)
        if sig == signal.SIGKILL:
            _reap(pid)

    def stop_all(self) -> None:
        for name in self.table():
            self.kill(name, signal.SIGTERM)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(p) for p in self.table().values()):
            time.sleep(0.2)
        for name in self.table():
            self.kill(name)
        if self.file.exists():
            self._save({})


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:  # a zombie (reaped by nobody yet) is not alive
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _reap(pid: int) -> None:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)


def tear_down(workdir: Path) -> None:
    """Stop every recorded process, kill anything still inside a ``jx-`` namespace, delete the
    namespaces and the bridge. Safe to run twice, and after a crash."""
    Processes(workdir).stop_all()
    for ns in namespaces():
        pids = sh("ip", "netns", "pids", ns, check=False).stdout.split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)
    time.sleep(0.3)
    for ns in namespaces():
        sh("ip", "netns", "del", ns, check=False)
    if Path(f"/sys/class/net/{BRIDGE}").exists():
        sh("ip", "link", "del", BRIDGE, check=False)
