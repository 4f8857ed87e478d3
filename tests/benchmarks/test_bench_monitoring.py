"""The monitoring dashboard of a province-sized region (issue 18): 100 bureaus (a province, 11
cities, 88 counties), 3,000 projects, each answering a 1–7月 round (a third behind the time
schedule, so red and amber warnings are counted), answered from the cycle projection. Its p99 over
HTTP next to the same server's one-primary-key read in the same run. Goal: within 3×.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest

from domain.ledger import EntryKind, FundingSource
from domain.tenants import Role, TenantLevel
from services.api.auth import TokenConfig, issue
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import OpenRound
from services.app.commands.inputs import RecordEntry, RegisterProject
from services.compose import build_application, install
from tests.benchmarks.conftest import report
from tests.benchmarks.serving import WORKERS, load, serving
from tests.support import register, staff

SECRET = "bench-secret-" + "m" * 40
PROVINCE, CITIES, COUNTIES_PER_CITY, PROJECTS = "360000", 11, 8, 3000


def _region(app: JixiaoApplication) -> list[str]:
    register(app, PROVINCE, "江西省医疗保障局", TenantLevel.PROVINCE)
    bureaus = [PROVINCE]
    for c in range(1, CITIES + 1):
        city = f"36{c:02d}00"
        register(app, city, f"第{c}市医疗保障局", TenantLevel.MUNICIPAL, PROVINCE)
        bureaus.append(city)
        for k in range(1, COUNTIES_PER_CITY + 1):
            county = f"36{c:02d}{k:02d}"
            register(app, county, f"第{c}市第{k}县医疗保障局", TenantLevel.COUNTY, city)
            bureaus.append(county)
    return bureaus


def _projects(app: JixiaoApplication, bureaus: list[str], round_id: UUID) -> None:
    for n in range(PROJECTS):
        tenant = bureaus[n % len(bureaus)]
        unit = staff(tenant, "unit", Role.PREPARER)
        p = app.register_project(unit, tenant, RegisterProject(f"M{n}", f"项目{n}", 2024))
        app.record_entry(
            unit,
            p.id,
            RecordEntry(
                EntryKind.INITIAL_BUDGET, FundingSource.CURRENT, Decimal(100000), datetime.date(2024, 1, 2)
            ),
        )
        spent = {0: "20000", 1: "45000"}.get(n % 3, "60000")  # red, amber, on schedule
        app.record_entry(
            unit,
            p.id,
            RecordEntry(
                EntryKind.EXPENDITURE, FundingSource.CURRENT, Decimal(spent), datetime.date(2024, 6, 30)
            ),
        )
        report_ = app.start_report(unit, round_id, p.id)
        app.submit_report(unit, report_.id)


@pytest.mark.benchmark
@pytest.mark.timeout(1200)
def test_province_dashboard_p99_against_one_pk_read(database_url: str) -> None:
    install(database_url)
    app = build_application(database_url)
    bureaus = _region(app)
    reviewer = staff(PROVINCE, "reviewer", Role.REVIEWER)
    round_id = app.open_round(
        reviewer, PROVINCE, OpenRound(2024, "1–7月", datetime.date(2024, 7, 31), datetime.date(2099, 8, 20))
    ).id
    started = datetime.datetime.now()
    _projects(app, bureaus, round_id)
    seeded = (datetime.datetime.now() - started).total_seconds()
    app.close()
    from projections.core.runner import Projector
    from projections.registry import NAMES, projection

    for name in NAMES:
        with Projector(database_url, projection(name)) as proj:
            proj.catch_up()
    with psycopg.connect(database_url, autocommit=True) as conn:  # as a running database would have them
        for table in ("rm_cycle.reports", "rm_cycle.tallies", "rm_cycle.rounds", "rm_tenants.tenants"):
            conn.execute(f"VACUUM ANALYZE {table}")
    token = issue(TokenConfig(secret=SECRET), user="reviewer.360000", tenant=PROVINCE, roles=(Role.REVIEWER,))
    auth = {"Authorization": f"Bearer {token}"}
    with serving(database_url, SECRET) as port:
        boards = [["GET", f"/api/v1/monitoring/rounds/{round_id}/dashboard?tenant={PROVINCE}", None, auth]]
        cities = [
            ["GET", f"/api/v1/monitoring/rounds/{round_id}/dashboard?tenant={b}", None, auth]
            for b in bureaus[1::9]
        ]
        pks = [["GET", f"/_bench/pk/{round_id}", None, auth]]
        load(port, 4, 0, 8, boards + cities + pks)  # warm up
        board = load(port, 8, 0, 8, boards)
        city = load(port, 8, 0, 8, cities)
        pk = load(port, 8, 0, 8, pks)
    ratio = board["p99"] / pk["p99"]
    report(
        f"monitoring dashboard, {len(bureaus)} bureaus / {PROJECTS:,} projects ({WORKERS} worker processes)",
        [
            f"seeded through the named commands in {seeded:.0f} s",
            f"province dashboard: {board['count'] / board['seconds']:,.0f}/s, p50 {board['p50'] * 1000:.1f} ms, "
            f"p99 {board['p99'] * 1000:.1f} ms, statuses {board['statuses']}",
            f"a city's dashboard: p50 {city['p50'] * 1000:.1f} ms, p99 {city['p99'] * 1000:.1f} ms",
            f"one-PK-SELECT endpoint: {pk['count'] / pk['seconds']:,.0f}/s, p99 {pk['p99'] * 1000:.1f} ms",
            f"ratio (p99): {ratio:.2f}×  (goal ≤ 3×)",
        ],
    )
    assert set(board["statuses"]) == {"200"} == set(city["statuses"])
    assert ratio <= 3.0
