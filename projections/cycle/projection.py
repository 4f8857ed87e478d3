"""The cycle projection: one row per 申报表, per monitoring round and per project's report.

A report's ``level`` is its worst open warning (red, amber) or green; the dashboard of a region
counts reports by level per child bureau with one indexed query (``queries.py``).
"""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from domain.monitoring import Level, MonitoringReport
from domain.targets import TargetDeclaration
from projections.core.folding import Folder
from services.eventlog.stream import Envelope

TOPICS = (
    "domain.targets:TargetDeclaration.",
    "domain.monitoring:MonitoringRound.",
    "domain.monitoring:MonitoringReport.",
)
_JSON = msgspec.json.Encoder(decimal_format="string")


def level_of(report: MonitoringReport) -> Level:
    open_levels = {a.level for a in report.open_alerts()}
    return (
        Level.RED if Level.RED in open_levels else Level.AMBER if Level.AMBER in open_levels else Level.GREEN
    )


def declaration_row(d: TargetDeclaration) -> tuple[Any, ...]:
    last = d.reviews[-1] if d.reviews else None
    return (
        d.id,
        d.tenant,
        d.project_id,
        d.year,
        d.project_name,
        d.status.value,
        len(d.versions),
        None if last is None else last.grade.value,
        d.version,
    )


class CycleProjection:
    name = "cycle"
    version = 2  # v2: per round and bureau, its reports counted by level (the dashboard's source)
    partitioned = True  # rows depend only on the event's own aggregate

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.declarations (
                declaration_id uuid PRIMARY KEY, tenant text NOT NULL, project_id uuid NOT NULL, year int NOT NULL,
                project_name text NOT NULL, status text NOT NULL, versions int NOT NULL, grade text,
                version int NOT NULL);
            CREATE INDEX IF NOT EXISTS declarations_tenant ON {schema}.declarations (tenant, year);
            CREATE TABLE IF NOT EXISTS {schema}.rounds (
                round_id uuid PRIMARY KEY, tenant text NOT NULL, year int NOT NULL, name text NOT NULL,
                period_end date NOT NULL, deadline date NOT NULL, status text NOT NULL, version int NOT NULL);
            CREATE INDEX IF NOT EXISTS rounds_tenant ON {schema}.rounds (tenant, year);
            CREATE TABLE IF NOT EXISTS {schema}.reports (
                report_id uuid PRIMARY KEY, tenant text NOT NULL, round_id uuid NOT NULL, project_id uuid NOT NULL,
                project_name text NOT NULL, submitted boolean NOT NULL, annual numeric NOT NULL,
                spent numeric NOT NULL, expected_year_end numeric, level text NOT NULL, open_alerts int NOT NULL,
                alerts jsonb NOT NULL, version int NOT NULL, path text[] NOT NULL);
            CREATE INDEX IF NOT EXISTS reports_round ON {schema}.reports (round_id, tenant);
            CREATE TABLE IF NOT EXISTS {schema}.tallies (
                round_id uuid NOT NULL, tenant text NOT NULL, red int NOT NULL, amber int NOT NULL,
                green int NOT NULL, path text[] NOT NULL, PRIMARY KEY (round_id, tenant));
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        counted: set[tuple[Any, str]] = set()
        for env in batch:
            if not env.topic.startswith(TOPICS):
                continue
            a = self.folder.apply(cur, env)
            if env.topic.startswith(TOPICS[0]):
                cur.execute(
                    f"INSERT INTO {schema}.declarations VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (declaration_id) DO UPDATE SET status = excluded.status, "
                    "versions = excluded.versions, grade = excluded.grade, version = excluded.version",
                    declaration_row(a),
                )
            elif env.topic.startswith(TOPICS[1]):
                cur.execute(
                    f"INSERT INTO {schema}.rounds VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (round_id) DO UPDATE SET status = excluded.status, version = excluded.version",
                    (a.id, a.tenant, a.year, a.name, a.period_end, a.deadline, a.status.value, a.version),
                )
            else:
                self._report(cur, schema, a)
                counted.add((a.round_id, a.tenant))
        for round_id, tenant in counted:  # the bureau's count in the round, from its reports
            cur.execute(
                f"INSERT INTO {schema}.tallies SELECT %(r)s, %(t)s, "
                "count(*) FILTER (WHERE level = 'red'), count(*) FILTER (WHERE level = 'amber'), "
                f"count(*) FILTER (WHERE level = 'green'), min(path) FROM {schema}.reports "
                "WHERE round_id = %(r)s AND tenant = %(t)s "
                "ON CONFLICT (round_id, tenant) DO UPDATE SET red = excluded.red, amber = excluded.amber, "
                "green = excluded.green, path = excluded.path",
                {"r": round_id, "t": tenant},
            )

    def _report(self, cur: Cursor[Any], schema: str, r: MonitoringReport) -> None:
        e = r.execution
        cur.execute(
            f"INSERT INTO {schema}.reports VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (report_id) DO UPDATE SET submitted = excluded.submitted, annual = excluded.annual, "
            "spent = excluded.spent, expected_year_end = excluded.expected_year_end, level = excluded.level, "
            "open_alerts = excluded.open_alerts, alerts = excluded.alerts, version = excluded.version",
            (
                r.id,
                r.tenant,
                r.round_id,
                r.project_id,
                r.project_name,
                r.submitted,
                e.annual if e else 0,
                e.spent if e else 0,
                e.expected_year_end if e else None,
                level_of(r).value,
                len(r.open_alerts()),
                _JSON.encode(list(r.alerts.values())).decode(),
                r.version,
                list(r.tenant_path) or [r.tenant],
            ),
        )

    def reset(self) -> None:
        self.folder.forget()
