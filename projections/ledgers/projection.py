"""The ledgers projection: projects, totals per funding source (and 合计), entries by date."""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from projections.core.folding import Folder
from projections.ledgers.rows import ledger_of
from services.eventlog.stream import Envelope

PROJECT_TOPIC = "domain.ledger:Project."
_JSON = msgspec.json.Encoder()


class LedgersProjection:
    name = "ledgers"
    version = 2  # v2: entries carry the reason recorded with them
    partitioned = True  # rows depend only on the event's own aggregate: parallel rebuild

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.projects (
                project_id uuid PRIMARY KEY, tenant text NOT NULL, code text NOT NULL, name text NOT NULL,
                year int NOT NULL, department text NOT NULL, unit text NOT NULL, achieved text NOT NULL,
                flags jsonb NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS projects_tenant ON {schema}.projects (tenant, year);
            CREATE TABLE IF NOT EXISTS {schema}.totals (
                project_id uuid NOT NULL, tenant text NOT NULL, source text NOT NULL, initial numeric NOT NULL,
                annual numeric NOT NULL, received numeric NOT NULL, spent numeric NOT NULL,
                funds_received_rate numeric, execution_rate numeric, budget_execution_rate numeric, ord int NOT NULL,
                PRIMARY KEY (project_id, source));
            CREATE TABLE IF NOT EXISTS {schema}.entries (
                project_id uuid NOT NULL, entry_id text NOT NULL, tenant text NOT NULL, kind text NOT NULL,
                source text NOT NULL, amount numeric NOT NULL, on_date date NOT NULL, document text NOT NULL,
                purpose text NOT NULL, corrects text, ord int NOT NULL, reason text NOT NULL DEFAULT '',
                PRIMARY KEY (project_id, entry_id));
            CREATE INDEX IF NOT EXISTS entries_by_date ON {schema}.entries (project_id, on_date);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        touched: dict[Any, tuple[Any, Any]] = {}
        for env in batch:
            if env.topic.startswith(PROJECT_TOPIC):
                after = self.folder.apply(cur, env)
                touched[env.originator_id] = (after, env.timestamp)
        if not touched:
            return
        ids = list(touched)
        for table in ("projects", "totals", "entries"):
            cur.execute(f"DELETE FROM {schema}.{table} WHERE project_id = ANY(%s)", (ids,))
        ledgers = [(ledger_of(p), at) for p, at in touched.values()]
        with cur.copy(
            f"COPY {schema}.projects (project_id, tenant, code, name, year, department, unit, achieved, flags, "
            "version, updated_at) FROM STDIN"
        ) as copy:
            for lg, at in ledgers:
                copy.write_row(
                    (
                        lg.project_id,
                        lg.tenant,
                        lg.code,
                        lg.name,
                        lg.year,
                        lg.department,
                        lg.unit,
                        lg.achieved,
                        _JSON.encode(lg.flags).decode(),
                        lg.version,
                        at,
                    )
                )
        with cur.copy(
            f"COPY {schema}.totals (project_id, tenant, source, initial, annual, received, spent, "
            "funds_received_rate, execution_rate, budget_execution_rate, ord) FROM STDIN"
        ) as copy:
            for lg, _ in ledgers:
                for n, t in enumerate(lg.totals):
                    copy.write_row(
                        (
                            lg.project_id,
                            lg.tenant,
                            t.source,
                            t.initial,
                            t.annual,
                            t.received,
                            t.spent,
                            t.funds_received_rate,
                            t.execution_rate,
                            t.budget_execution_rate,
                            n,
                        )
                    )
        with cur.copy(
            f"COPY {schema}.entries (project_id, entry_id, tenant, kind, source, amount, on_date, document, purpose, "
            "corrects, ord, reason) FROM STDIN"
        ) as copy:
            for lg, _ in ledgers:
                for n, e in enumerate(lg.entries):
                    copy.write_row(
                        (
                            lg.project_id,
                            e.entry_id,
                            lg.tenant,
                            e.kind,
                            e.source,
                            e.amount,
                            e.on,
                            e.document,
                            e.purpose,
                            e.corrects,
                            n,
                            e.reason,
                        )
                    )

    def reset(self) -> None:
        self.folder.forget()
