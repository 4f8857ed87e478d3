"""``jixiao monitor check``: the deadline check of every open monitoring round whose deadline has
passed — each unanswered project of its region gets its overdue warning (once) — and of every
整改 not closed: a demand not sent within its term, or an answer not filed by its deadline, gets
its warning (once per deadline). ``jixiao up`` runs the same checks every hour; an operator may
run them from cron on a deployment.

The rounds and their regions' projects are read from the read models (as the platform's
operator); the warnings are raised through the application's named command, for each round as
its own bureau's check."""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from dataclasses import dataclass
from typing import Any

import psycopg

from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.app.commands.targets import today
from services.app.policy import PLATFORM, Caller

_DUE = "SELECT round_id, tenant, year, name FROM rm_cycle.rounds WHERE status = 'open' AND deadline < %s"
_REGION_PROJECTS = """
WITH RECURSIVE region AS (
    SELECT %(root)s::text AS code
    UNION ALL SELECT t.code FROM rm_tenants.tenants t JOIN region ON t.parent = region.code
)
SELECT p.project_id FROM rm_ledgers.projects p JOIN region ON p.tenant = region.code WHERE p.year = %(year)s
"""


@dataclass(frozen=True)
class Checked:
    round_name: str
    tenant: str
    projects: int
    flagged: int


def check_due_rounds(
    app: JixiaoApplication, database_url: str, on: datetime.date | None = None
) -> list[Checked]:
    day = on or today()
    out: list[Checked] = []
    with psycopg.connect(database_url) as conn:
        due: list[Any] = conn.execute(_DUE, (day,)).fetchall()
        for round_id, tenant, year, name in due:
            projects = [r[0] for r in conn.execute(_REGION_PROJECTS, {"root": tenant, "year": year})]
            caller = Caller(
                "monitor", tenant, frozenset({Role.REVIEWER}), correlation_id=str(uuid.uuid4()), operator=True
            )
            flagged = app.check_round(caller, round_id, projects)
            out.append(Checked(name, tenant, len(projects), flagged))
    return out


def check_rectifications_due(app: JixiaoApplication, database_url: str) -> int:
    """Every 整改 not closed, checked as the platform's operator; how many got a warning."""
    with psycopg.connect(database_url) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT rectification_id FROM rm_rectification.rectifications WHERE status <> 'closed'"
            )
        ]
    caller = Caller(
        "monitor", PLATFORM, frozenset({Role.REVIEWER}), correlation_id=str(uuid.uuid4()), operator=True
    )
    return app.check_rectifications(caller, PLATFORM, ids)


def cmd_monitor_check() -> int:
    from services.compose import build_application
    from services.runtime.services import running_services
    from services.runtime.settings import Settings

    with running_services(Settings.from_env()) as endpoints:
        app = build_application(endpoints.database_url)
        try:
            checked = check_due_rounds(app, endpoints.database_url)
            warned = check_rectifications_due(app, endpoints.database_url)
        finally:
            app.close()
    for c in checked:
        print(f"{c.tenant}「{c.round_name}」：{c.projects} 个项目，新增逾期预警 {c.flagged} 个")
    if not checked:
        print("没有已过报送期限、仍在进行的监控轮次")
    print(f"整改：新增逾期预警 {warned} 个")
    return 0


def start_checker(
    database_url: str, stop: threading.Event, every: float = 3600.0, first: float = 30.0
) -> threading.Thread:
    """``jixiao up``'s hourly deadline check (the first once the read models have caught up)."""
    log = logging.getLogger("jixiao.monitor")

    def loop() -> None:
        from services.compose import build_application

        wait = first
        while not stop.wait(wait):
            wait = every
            app = build_application(database_url)
            try:
                for c in check_due_rounds(app, database_url):
                    if c.flagged:
                        log.warning(
                            "监控轮次「%s」(%s)：新增逾期预警 %s 个", c.round_name, c.tenant, c.flagged
                        )
                warned = check_rectifications_due(app, database_url)
                if warned:
                    log.warning("整改：新增逾期预警 %s 个", warned)
            except Exception:  # the check runs again next hour; a failure must not stop the platform
                log.warning("报送期限检查失败，一小时后重试", exc_info=True)
            finally:
                app.close()

    thread = threading.Thread(target=loop, name="monitoring-deadlines", daemon=True)
    thread.start()
    return thread
