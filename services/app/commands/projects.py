"""Commands on projects and their budget ledgers (预算台账), and the import of evaluation files."""

from __future__ import annotations

from dataclasses import dataclass

from domain.ids import tenant_id
from domain.ledger import LedgerEntry, LedgerStatement, Project
from domain.tenants import Tenant
from services.app.commands.inputs import RecordEntry, RecordSummary, RegisterProject
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Caller, Relation, Target
from services.files.format import ReportDoc


def _tenant_exists(load: Loader, body: tuple[str, RegisterProject]) -> None:
    load(Tenant, tenant_id(body[0]))


def _make_project(caller: Caller, relation: Relation, body: tuple[str, RegisterProject], _: None) -> Project:
    tenant, p = body
    return Project.register(tenant, p.code, p.name, p.year, p.department, p.implementing_unit, p.goal)


REGISTER_PROJECT: Create[Project, tuple[str, RegisterProject], None] = Create(
    action=lambda body: "project.register",
    prepare=_tenant_exists,
    target=lambda caller, body, _: Target(body[0]),
    make=_make_project,
)


def _record_entry(p: Project, e: RecordEntry, _: None) -> LedgerEntry:
    return p.record_entry(
        e.kind,
        e.source,
        e.amount,
        e.date,
        document=e.document,
        purpose=e.purpose,
        corrects=e.corrects,
        entry_id=e.entry_id,
        reason=e.reason,
    )


RECORD_ENTRY: Change[Project, RecordEntry, None, LedgerEntry] = Change(
    "project.record_entry", Project, _record_entry
)
RECORD_STATEMENT: Change[Project, LedgerStatement, None, None] = Change(
    "project.record_statement", Project, lambda p, statement, _: p.record_statement(statement)
)
RECORD_SUMMARY: Change[Project, RecordSummary, None, None] = Change(
    "project.record_summary", Project, lambda p, body, _: p.record_summary(body.achieved)
)


@dataclass(frozen=True)
class ImportFile:
    """An evaluation file (``services/files/format.py``) for one bureau, and where it came from."""

    tenant: str
    report: ReportDoc
    source: str
