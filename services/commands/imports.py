"""``jixiao import``: record an evaluation file as events, in one transaction per file.

The file is read here and handed to the application's ``import_file`` command, which scores it
with the same code as ``jixiao score`` (services/files/scorer.py) and saves the aggregates it
built — with only the rows the domain accepted — together. Re-importing the same project is
refused (ids are deterministic), never duplicated. The command line acts as the platform's
operator (``operator``): whoever runs it on the server holds the database's keys anyway.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.errors import DomainError, Flag
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import RegisterTenant
from services.app.commands.projects import ImportFile
from services.app.policy import Caller
from services.files.format import ReportDoc
from services.files.loader import load_report
from services.files.scorer import Refusal


@dataclass(frozen=True)
class Imported:
    path: Path
    project: str
    evaluation: uuid.UUID
    events: int
    total: str
    grade: str
    refusals: list[Refusal]
    flags: list[Flag]


def operator(tenant: str, user: str = "operator") -> Caller:
    """The command line's caller: the platform's operator, acting for ``tenant``."""
    return Caller(user, tenant, frozenset(Role), correlation_id=str(uuid.uuid4()), operator=True)


def ensure_tenant(app: JixiaoApplication, caller: Caller, report: ReportDoc, code: str) -> None:
    """The file may introduce its own bureau (when its parent is already registered)."""
    try:
        app.tenant(code)
        return
    except DomainError:
        pass
    t = report.tenant
    if t is None or t.code != code:
        raise DomainError(f"单位 {code} 尚未登记，请先登记该单位", code="tenant.not_found")
    parent = t.parent if t.level not in (TenantLevel.PROVINCE,) else None
    app.register_tenant(caller, RegisterTenant(t.code, t.name, t.level, parent))


def import_report(app: JixiaoApplication, path: Path, tenant: str, actor_id: str) -> Imported:
    report = load_report(path)
    caller = operator(tenant, actor_id)
    ensure_tenant(app, caller, report, tenant)
    scored = app.import_file(caller, ImportFile(tenant, report, path.name))
    events = scored.project.version + scored.evaluation.version
    ev = scored.evaluation
    return Imported(
        path, report.project.name, ev.id, events, str(ev.total()), ev.grade(), scored.refusals, scored.flags
    )


def cmd_import(files: Sequence[Path], tenant: str, actor_id: str) -> int:
    from services.compose import build_application
    from services.runtime.services import running_services
    from services.runtime.settings import Settings

    worst = 0
    with running_services(Settings.from_env()) as endpoints:
        app = build_application(endpoints.database_url)
        for path in files:
            try:
                done = import_report(app, path, tenant, actor_id)
            except DomainError as e:
                print(f"✗ {e}")
                worst = max(worst, 2)
                continue
            print(
                f"✓ {path.name}：{done.project}，记录 {done.events} 个事件，总分 {done.total}（{done.grade}）"
            )
            for f in done.flags:
                print(f"  ⚠ [{f.code}] {f.message}")
            for r in done.refusals:
                print(f"  ✗ {r.row}：{r.message} [{r.code}]")
            if done.refusals:
                worst = max(worst, 1)
    return worst
