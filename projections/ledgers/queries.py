"""Reading ledgers: the same ``Ledger`` shape time travel returns."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from psycopg import Connection

from projections.ledgers.rows import EntryRow, Ledger, TotalsRow

SCHEMA = "rm_ledgers"


def get_ledger(conn: Connection[Any], project_id: UUID) -> Ledger | None:
    with conn.cursor() as cur:
        p = cur.execute(
            f"SELECT project_id::text, tenant, code, name, year, department, unit, achieved, flags, version "
            f"FROM {SCHEMA}.projects WHERE project_id = %s",
            (project_id,),
        ).fetchone()
        if p is None:
            return None
        totals = [
            TotalsRow(*r)
            for r in cur.execute(
                f"SELECT source, initial, annual, received, spent, funds_received_rate, execution_rate, "
                f"budget_execution_rate FROM {SCHEMA}.totals WHERE project_id = %s "
                "ORDER BY ord",
                (project_id,),
            ).fetchall()
        ]
        entries = [
            EntryRow(*r)
            for r in cur.execute(
                f"SELECT entry_id, kind, source, amount, on_date, document, purpose, corrects, reason FROM {SCHEMA}.entries "
                "WHERE project_id = %s ORDER BY ord",
                (project_id,),
            ).fetchall()
        ]
    head = dict(zip(Ledger.__struct_fields__, p, strict=False))
    return Ledger(**head, totals=totals, entries=entries)
