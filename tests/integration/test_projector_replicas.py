"""Two replicas of one projector on the same database (as two `jixiao projections run`
processes would be): they never project a batch twice (the tracking row is locked per batch), and
when one stops the other carries on — the view equals a from-zero rebuild. (Issue 20, part 4.)"""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import psycopg

from domain.ledger import EntryKind, FundingSource
from domain.tenants import Role, TenantLevel
from projections.core.runner import Projector, wait_until
from projections.registry import projection
from services.app.commands.inputs import RecordEntry
from services.compose import build_application
from tests.support import project, register, staff


def _rows(url: str, schema: str) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return conn.execute(
            f"SELECT project_id, entry_id, amount FROM {schema}.entries ORDER BY project_id, entry_id"
        ).fetchall()


def test_two_replicas_one_stops_the_other_carries_on(database_url: str) -> None:
    app = build_application(database_url)
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    unit = staff("360000", "u", Role.PREPARER)
    projects = [project(app, unit, f"R{n}", f"项目{n}", 2024) for n in range(4)]
    stops = [threading.Event(), threading.Event()]
    replicas = [Projector(database_url, projection("ledgers"), batch=7) for _ in stops]
    threads = [
        threading.Thread(target=r.run, args=(s.is_set, 0.1), daemon=True)
        for r, s in zip(replicas, stops, strict=True)
    ]
    for t in threads:
        t.start()
    day = datetime.date(2024, 3, 1)
    for n in range(120):
        p = projects[n % len(projects)]
        app.record_entry(
            unit, p.id, RecordEntry(EntryKind.EXPENDITURE, FundingSource.CURRENT, Decimal(n + 1), day)
        )
        if n == 60:
            stops[0].set()  # one replica stops mid-stream: the other carries on alone
    with psycopg.connect(database_url) as conn:
        head_row = conn.execute("SELECT max(notification_id) FROM jixiao_events").fetchone()
    head = int(head_row[0]) if head_row else 0

    def caught_up() -> bool:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT position FROM rm_ledgers.tracking").fetchone()
        return bool(row and int(row[0]) == head)

    assert wait_until(caught_up, 60)
    stops[1].set()
    for t in threads:
        t.join(timeout=10)
    live = _rows(database_url, "rm_ledgers")
    assert len(live) == 120 and len({(r[0], r[1]) for r in live}) == 120  # each entry once
    with Projector(database_url, projection("ledgers")) as fresh:
        fresh.rebuild()
    assert _rows(database_url, "rm_ledgers") == live  # equal to a from-zero rebuild
    for r in replicas:
        r.close()
    app.close()
