"""The rectification projection: one row per 整改 — its source, demander, status, deadlines and
the warning that stands — for a region's list, the overdue check and a project's year."""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from domain.rectification import Rectification
from projections.core.folding import Folder
from services.eventlog.stream import Envelope

TOPIC = "domain.rectification:Rectification."


def row_of(r: Rectification) -> tuple[Any, ...]:
    warning = r.open_warning()
    return (
        r.id,
        r.tenant,
        r.demander,
        r.project_id,
        r.project_name,
        r.year,
        r.source_kind.value,
        r.source_id,
        r.source_label,
        r.status.value,
        len(r.findings),
        r.send_by,
        r.sent_on,
        r.answer_by,
        None if warning is None else warning.which,
        None if warning is None else warning.days_late,
        len(r.answers),
        r.version,
    )


class RectificationProjection:
    name = "rectification"
    version = 1
    partitioned = True  # a row depends only on its own aggregate

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.rectifications (
                rectification_id uuid PRIMARY KEY, tenant text NOT NULL, demander text NOT NULL,
                project_id uuid NOT NULL, project_name text NOT NULL, year int NOT NULL,
                source_kind text NOT NULL, source_id uuid NOT NULL, source_label text NOT NULL,
                status text NOT NULL, findings int NOT NULL, send_by date NOT NULL, sent_on date,
                answer_by date, warning text, days_late int, answers int NOT NULL, version int NOT NULL);
            CREATE INDEX IF NOT EXISTS rectifications_tenant ON {schema}.rectifications (tenant, year);
            CREATE INDEX IF NOT EXISTS rectifications_project ON {schema}.rectifications (project_id);
            CREATE INDEX IF NOT EXISTS rectifications_open ON {schema}.rectifications (status)
                WHERE status <> 'closed';
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if not env.topic.startswith(TOPIC):
                continue
            r = self.folder.apply(cur, env)
            cur.execute(
                f"INSERT INTO {schema}.rectifications VALUES "
                "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (rectification_id) DO UPDATE SET status = excluded.status, "
                "findings = excluded.findings, sent_on = excluded.sent_on, answer_by = excluded.answer_by, "
                "warning = excluded.warning, days_late = excluded.days_late, answers = excluded.answers, "
                "version = excluded.version",
                row_of(r),
            )

    def reset(self) -> None:
        self.folder.forget()
