"""A project's ledger as rows: shared by the projection and time travel."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import msgspec
from msgspec import Struct

from domain.ledger import Project, SourceTotals

TOTAL = "合计"


class TotalsRow(Struct, frozen=True):
    source: str
    initial: Decimal
    annual: Decimal
    received: Decimal
    spent: Decimal
    funds_received_rate: Decimal | None
    execution_rate: Decimal | None
    budget_execution_rate: Decimal | None


class EntryRow(Struct, frozen=True):
    entry_id: str
    kind: str
    source: str
    amount: Decimal
    on: datetime.date
    document: str
    purpose: str
    corrects: str | None
    reason: str = ""  # recorded with the entry (a correction's is required)


class Ledger(Struct, frozen=True):
    project_id: str
    tenant: str
    code: str
    name: str
    year: int
    department: str
    unit: str
    achieved: str
    flags: list[dict[str, Any]]
    version: int
    totals: list[TotalsRow]
    entries: list[EntryRow]


def _totals(source: str, t: SourceTotals) -> TotalsRow:
    return TotalsRow(
        source,
        t.initial,
        t.annual,
        t.received,
        t.spent,
        t.funds_received_rate,
        t.execution_rate,
        t.budget_execution_rate,
    )


def ledger_of(p: Project) -> Ledger:
    per_source = sorted(p.totals().items(), key=lambda kv: kv[0].value)
    return Ledger(
        project_id=str(p.id),
        tenant=p.tenant,
        code=p.code,
        name=p.name,
        year=p.year,
        department=p.department,
        unit=p.implementing_unit,
        achieved=p.achieved,
        flags=[msgspec.json.decode(msgspec.json.encode(f)) for f in p.flags()],
        version=p.version,
        totals=[*(_totals(src.value, t) for src, t in per_source), _totals(TOTAL, p.total())],
        entries=[
            EntryRow(
                e.entry_id,
                e.kind.value,
                e.source.value,
                e.amount,
                e.on,
                e.document,
                e.purpose,
                e.corrects,
                p.reasons.get(e.entry_id, ""),
            )
            for e in p.entries
        ],
    )
