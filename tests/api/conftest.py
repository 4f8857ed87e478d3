"""A real API server (uvicorn + uvloop on a free loopback port) over a real PostgreSQL.

One database and one server per test module: the demo bureaus and users are seeded, the
projections run in a background thread like `jixiao up` runs them.
"""

from __future__ import annotations

import datetime
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn
from argon2 import PasswordHasher

from domain.tenants import Role, TenantLevel
from services.api.auth import TokenConfig, issue
from services.commands.demo import seed_demo
from services.commands.projections import run_projectors
from services.commands.serve import config
from services.compose import build_accounts, build_api, build_application, install
from services.runtime.settings import Settings
from tests.conftest import fresh_database
from tests.support import register

REPORTS = Path(__file__).resolve().parents[2] / "reports"
SECRET = "test-secret-" + "x" * 40
EVIDENCE_DIR = Path(tempfile.mkdtemp(prefix="jixiao-evidence-"))  # 佐证材料 files of the API tests
SETTINGS = Settings(jwt_secret=SECRET, rate_limit=0, rebuild_workers=1, evidence_dir=EVIDENCE_DIR)
TOKENS = TokenConfig(secret=SECRET)
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)  # demo passwords: fast to set
EXTRA_TENANTS = (
    ("360102", "南昌市东湖区医疗保障局", TenantLevel.DISTRICT, "360100"),
    ("360200", "景德镇市医疗保障局", TenantLevel.MUNICIPAL, "360000"),
)


@dataclass
class Live:
    url: str
    database_url: str

    def token(
        self,
        tenant: str,
        *roles: Role,
        user: str | None = None,
        evaluations: tuple[str, ...] = (),
        ttl: datetime.timedelta | None = None,
        now: datetime.datetime | None = None,
        engagement: str = "",
    ) -> dict[str, str]:
        roles = roles or tuple(Role)
        token = issue(
            TOKENS,
            user=user or f"{roles[0].value}.{tenant}",
            tenant=tenant,
            roles=roles,
            evaluations=evaluations,
            ttl=ttl,
            now=now,
            engagement=engagement,
        )
        return {"Authorization": f"Bearer {token}"}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def events(self) -> int:
        with psycopg.connect(self.database_url) as conn:
            row = conn.execute("SELECT count(*) FROM jixiao_events").fetchone()
        assert row is not None
        return int(row[0])

    def settle(self, timeout: float = 20.0) -> None:
        """Wait until every projection has caught up with the event log."""
        from projections.registry import NAMES

        deadline = time.monotonic() + timeout
        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                head = conn.execute("SELECT coalesce(max(notification_id), 0) FROM jixiao_events").fetchone()
                least = conn.execute(
                    "SELECT LEAST("
                    + ", ".join(f"(SELECT position FROM rm_{n}.tracking)" for n in NAMES)
                    + ")"
                ).fetchone()
                if head and least and least[0] >= head[0]:
                    return
                time.sleep(0.05)
        raise AssertionError("projections did not catch up")

    def react(self) -> int:
        """Run the platform's reactions to everything stored so far (what ``jixiao up``'s follower
        does every second; run on demand here, so that no test sees events appear on their own).
        Returns how many recommendations were recorded."""
        from services.commands.reactor import run_once

        app = build_application(self.database_url)
        recorded = 0
        try:
            while True:
                read, made = run_once(app, self.database_url)
                recorded += made
                if not read:
                    return recorded
        finally:
            app.close()

    def finalized_evaluation(self, district: str, city: str, code: str, name: str) -> tuple[str, str]:
        """Over HTTP: a ``district`` project (one ledger entry, L0001) and ``city``'s 部门评价 of
        it (one manual indicator 1 → 1.1), finalized. Returns the project's and evaluation's ids."""
        unit = self.token(district, Role.PREPARER, user=f"prep.{district}")
        evaluator = self.token(city, Role.EVALUATOR, Role.REVIEWER, user=f"eval.{city}")
        with self.client() as http:

            def ok(r: httpx.Response, status: int = 200) -> dict[str, str]:
                assert r.status_code == status, r.text
                found: dict[str, str] = r.json()
                return found

            body = {"code": code, "name": name, "year": 2024}
            project = ok(http.post("/api/v1/projects", headers=unit, json=body), 201)["id"]
            entry = {
                "kind": "initial_budget",
                "source": "当年财政拨款",
                "amount": "50000",
                "date": "2024-01-02",
            }
            ok(http.post(f"/api/v1/projects/{project}/entries", headers=unit, json=entry), 201)
            start = {"kind": "department", "evaluator_name": "南昌市医疗保障局"}
            ev = ok(http.post(f"/api/v1/projects/{project}/evaluations", headers=evaluator, json=start), 201)[
                "id"
            ]
            for spec in (
                {"key": "1", "name": "产出", "weight": "100"},
                {
                    "key": "1.1",
                    "name": "宣传覆盖",
                    "weight": "100",
                    "parent": "1",
                    "rule": {"kind": "manual"},
                },
            ):
                ok(http.post(f"/api/v1/evaluations/{ev}/indicators", headers=evaluator, json=spec))
            ok(http.post(f"/api/v1/evaluations/{ev}/submit", headers=evaluator))
            ok(http.post(f"/api/v1/evaluations/{ev}/finalize", headers=evaluator))
        return project, ev


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def module_database(postgres_url: str) -> Iterator[str]:
    with fresh_database(postgres_url, "api") as url:
        yield url


@pytest.fixture(scope="module")
def live(module_database: str) -> Iterator[Live]:
    install(module_database, SETTINGS)
    app = build_application(module_database)
    seed_demo(app, REPORTS, build_accounts(app, module_database, hasher=CHEAP))
    for code, name, level, parent in EXTRA_TENANTS:
        register(app, code, name, level, parent)
    app.close()
    stop = threading.Event()
    followers = run_projectors(SETTINGS, module_database, stop)
    api = build_api(SETTINGS, module_database)
    port = _free_port()
    server = uvicorn.Server(config(api, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "API server did not start"
        time.sleep(0.05)
    found = Live(f"http://127.0.0.1:{port}", module_database)
    found.settle()
    yield found
    server.should_exit = True
    thread.join(timeout=10)
    stop.set()
    for t in followers:
        t.join(timeout=5)


Headers = Callable[..., dict[str, str]]
