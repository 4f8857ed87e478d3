"""The platform's processes on the two application hosts: per host one API, one projector and one
relay, all on the multi-host ``DATABASE_URL`` and the three NATS servers.

Shared between them: the JWT secret (a token works on both APIs), the integrity signing key (both
relays sign alike; one publishes at a time, holding an advisory lock), the NATS passwords.
"""

from __future__ import annotations

import json
import os
import secrets as random
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from deploy.local_cluster import database
from deploy.local_cluster.messaging import CLIENT_PORT, configure
from deploy.local_cluster.netns import APP_HOSTS, DB_HOSTS, Host, Processes

ROOT = Path(__file__).resolve().parents[2]
API_PORT = 8000
TENANT = "360000"
ROLES = ("api", "projector", "relay")


def jixiao() -> str:
    return str(Path(sys.executable).parent / "jixiao")


def nats_url(password: str) -> str:
    return ",".join(f"nats://jixiao:{password}@{h.address}:{CLIENT_PORT}" for h in DB_HOSTS)


def environment(workdir: Path, secrets: dict[str, str]) -> dict[str, str]:
    """What every jixiao process of the cluster is given (and the operator's commands too)."""
    return {
        "DATABASE_URL": database.database_url(),
        "NATS_URL": nats_url(secrets["JIXIAO_NATS_PASSWORD_JIXIAO"]),
        "JIXIAO_JWT_SECRET": secrets["JIXIAO_JWT_SECRET"],
        "JIXIAO_SIGNING_KEY": str(workdir / "secrets" / "signing-key.pem"),
        "JIXIAO_STREAM_REPLICAS": "3",
        "JIXIAO_DATA_DIR": str(workdir / "app" / "operator"),
        # eventsourcing's pool builds its connections from host and port alone: libpq's own
        # variables carry the rest of the URL's meaning to it
        "PGTARGETSESSIONATTRS": "read-write",
        "PGCONNECT_TIMEOUT": "3",
    }


def load_secrets(workdir: Path) -> dict[str, str]:
    data: dict[str, str] = json.loads((workdir / "secrets" / "secrets.json").read_text())
    return data


def run_jixiao(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [jixiao(), *args], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"jixiao {' '.join(args)} failed: {done.stderr[-2000:]}")
    return done.stdout


SEED = f"""
from domain.errors import AlreadyExists
from domain.tenants import TenantLevel
from services.app.commands.inputs import RegisterTenant
from services.commands.imports import operator
from services.compose import build_application, install
import os
url = os.environ["DATABASE_URL"]
install(url)
app = build_application(url)
try:
    app.register_tenant(operator("000000"), RegisterTenant("{TENANT}", "江西省医疗保障局", TenantLevel.PROVINCE, None))
except AlreadyExists:
    pass
app.close()
"""


def prepare(workdir: Path) -> dict[str, str]:
    """Secrets, the schema, the load's bureau and its token, the NATS accounts."""
    folder = workdir / "secrets"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    secrets = {"JIXIAO_JWT_SECRET": random.token_hex(32), "JIXIAO_NATS_PASSWORD_JIXIAO": random.token_hex(16)}
    env = environment(workdir, secrets)
    done = subprocess.run(
        [sys.executable, "-c", SEED], env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"installing the schema failed: {done.stderr[-2000:]}")
    subprocess.run(
        [sys.executable, "-c", "import sys, pathlib; from projections.integrity.checkpoints import "
         "load_or_create_key; load_or_create_key(pathlib.Path(sys.argv[1]))", env["JIXIAO_SIGNING_KEY"]],
        check=True, cwd=ROOT,
    )  # fmt: skip
    token = run_jixiao(env, "token", "issue", "--tenant", TENANT, "--user", "load", "--roles", "preparer")
    secrets["TOKEN"] = token.strip()
    secrets["JIXIAO_NATS_PASSWORD_ROUTE"] = random.token_hex(16)  # the generator writes it into routes
    for variable in configure(
        run_jixiao, {**env, "JIXIAO_NATS_PASSWORD_ROUTE": secrets["JIXIAO_NATS_PASSWORD_ROUTE"]}, workdir
    ):
        secrets.setdefault(variable, random.token_hex(16))
    (folder / "secrets.json").write_text(json.dumps(secrets, indent=1))
    (folder / "secrets.json").chmod(0o600)
    return secrets


def start_process(procs: Processes, workdir: Path, secrets: dict[str, str], role: str, host: Host) -> None:
    name = f"{role}-{host.short}"
    env = {**environment(workdir, secrets), "JIXIAO_DATA_DIR": str(workdir / "app" / name)}
    argv = {
        "api": [jixiao(), "api", "--host", "0.0.0.0", "--port", str(API_PORT), "--workers", "1"],
        "projector": [jixiao(), "projections", "run"],
        "relay": [jixiao(), "relay", "run"],
    }[role]
    procs.start(name, host, argv, env=env, cwd=ROOT)


def api_ready(host: Host) -> bool:
    try:
        with urllib.request.urlopen(f"http://{host.address}:{API_PORT}/healthz", timeout=2) as r:
            return int(r.status) == 200
    except OSError:
        return False


def start_all(procs: Processes, workdir: Path, secrets: dict[str, str]) -> None:
    for host in APP_HOSTS:
        for role in ROLES:
            start_process(procs, workdir, secrets, role, host)
    deadline = time.monotonic() + 120
    while not all(api_ready(h) for h in APP_HOSTS):
        if time.monotonic() > deadline:
            raise TimeoutError("the APIs did not answer /healthz within 120 s (logs/api-*.log)")
        time.sleep(1)
