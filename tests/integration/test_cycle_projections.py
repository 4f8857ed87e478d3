"""Every kind of event, the cycle's included, through every projection on PostgreSQL: the audit
trail names each change of the targets and the monitoring, the cycle tables hold the declaration,
the round and the report with its warning level, and the region's dashboard counts it."""

from __future__ import annotations

import psycopg

from projections.cycle.queries import dashboard
from services.compose import build_application
from tests.integration.test_projections import catch_up
from tests.relay_events import every_kind_of_event


def test_the_cycle_in_every_projection(database_url: str) -> None:
    app = build_application(database_url)
    every_kind_of_event(app)
    app.close()
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        actions = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT aggregate_type || '.' || action FROM rm_audit.changes "
                "WHERE aggregate_type IN ('TargetDeclaration', 'MonitoringRound', 'MonitoringReport')"
            )
        }
        assert {
            "TargetDeclaration.Reviewed",
            "TargetDeclaration.AdjustmentDecided",
            "MonitoringReport.AlertRaised",
        } <= actions
        status, versions = conn.execute("SELECT status, versions FROM rm_cycle.declarations").fetchone() or (
            "",
            0,
        )
        assert (status, versions) == ("approved", 2)
        round_id, state = conn.execute("SELECT round_id, status FROM rm_cycle.rounds").fetchone() or (
            None,
            "",
        )
        assert state == "closed"
        [own] = dashboard(conn, round_id, "360102", 3).projects
        assert (
            own.submitted and own.level == "red" and own.open_alerts == 1
        )  # the forecast explained; 20 % spent by July: red
        board = dashboard(conn, round_id, "360100", 2)
        assert board.round is not None and board.round.status == "closed" and board.projects == []
        [district] = board.bureaus
        assert (district.tenant, district.red, district.amber, district.green) == ("360102", 1, 0, 0)
        reason = conn.execute("SELECT reason FROM rm_audit.changes WHERE action = 'AlertResolved'").fetchone()
        assert reason == ("下半年集中参保",)
        # 整改 of the district's 监控表: the city demanded, the second answer was accepted
        row = conn.execute(
            "SELECT tenant, demander, status, findings, answers, warning FROM rm_rectification.rectifications"
        ).fetchone()
        assert row == ("360102", "360100", "closed", 1, 2, None)
        trail = conn.execute(
            "SELECT action, subject, reason FROM rm_audit.changes WHERE aggregate_type = 'Rectification' "
            "ORDER BY version"
        ).fetchall()
        assert [a for a, _, _ in trail] == [
            "Opened",
            "FindingRecorded",
            "FindingRecorded",
            "FindingWithdrawn",
            "OverdueWarned",
            "Sent",
            "MeasuresFiled",
            "Reviewed",
            "MeasuresFiled",
            "Reviewed",
        ]
        assert trail[7][1:] == ("not_accepted", "缺少佐证材料") and trail[4][1] == "send"
