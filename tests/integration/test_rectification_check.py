"""The platform's overdue check of 整改 on PostgreSQL (what ``jixiao monitor check`` and ``jixiao
up``'s hourly check run): a demand not sent 20 days after the evaluation was finalized is warned
about once; the read model shows the warning, and the region's overdue list carries it."""

from __future__ import annotations

import datetime

import psycopg
import pytest

from domain.rectification import SourceKind
from domain.tenants import Role, TenantLevel
from projections.rectification.queries import rectifications
from services.app.commands import rectification as commands
from services.app.commands.cycle_inputs import OpenRectification, RecordFinding
from services.app.commands.targets import today
from services.commands.monitor import check_rectifications_due
from services.compose import build_application
from tests.integration.test_projections import catch_up
from tests.support import finalized_evaluation, project, register, staff


def test_an_unsent_demand_is_warned_about_once(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = build_application(database_url)
    register(app, "360000", "江西省医疗保障局", TenantLevel.PROVINCE)
    register(app, "360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000")
    register(app, "360102", "东湖区医疗保障局", TenantLevel.DISTRICT, "360100")
    unit, city = staff("360102", "u", Role.PREPARER), staff("360100", "c", Role.EVALUATOR, Role.REVIEWER)
    p = project(app, unit, "CHK-1", "宣传", 2024)
    ev = finalized_evaluation(app, city, p.id)
    r = app.open_rectification(city, OpenRectification(SourceKind.EVALUATION, ev.id))
    app.record_finding(city, r.id, RecordFinding("覆盖不足", ["1.1"]))
    catch_up(database_url)
    assert check_rectifications_due(app, database_url) == 0  # on time today
    monkeypatch.setattr(commands, "today", lambda: today() + datetime.timedelta(days=25))
    assert check_rectifications_due(app, database_url) == 1
    assert check_rectifications_due(app, database_url) == 0  # once per deadline
    app.close()
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        [row] = rectifications(conn, None, 2024, overdue=True)
    assert (row.warning, row.days_late, row.status) == ("send", 5, "draft")
