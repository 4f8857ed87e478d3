"""``jixiao import``: record an evaluation file as events, in one transaction per file.

The file is scored by the same code as ``jixiao score`` (services/files/scorer.py); the
aggregates it built — with only the rows the domain accepted — are then saved together.
Re-importing the same project is refused (ids are deterministic), never duplicated.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from domain.context import Actor
from domain.errors import AlreadyExists, DomainError, Flag
from domain.tenants import TenantLevel
from services.app.application import JixiaoApplication
from services.files.format import ReportDoc
from services.files.loader import load_report
from services.files.scorer import Refusal, score_report


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


def ensure_tenant(app: JixiaoApplication, actor: Actor, report: ReportDoc, code: str) -> None:
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
    app.register_tenant(actor, t.code, t.name, t.level, parent)


def import_report(app: JixiaoApplication, path: Path, tenant: str, actor_id: str) -> Imported:
    report = load_report(path)
    actor = Actor(actor_id, "preparer", tenant, str(uuid.uuid4()))
    ensure_tenant(app, actor, report, tenant)
    scored = score_report(report, tenant, actor)
    if scored.project.id in app.repository:
        raise AlreadyExists(
            f"{path.name}：项目 {report.project.code}（{report.project.year} 年度）已导入",
            code="project.exists",
        )
    events = scored.pending_events()
    app.store(scored.project, scored.evaluation)
    ev = scored.evaluation
    return Imported(
        path, report.project.name, ev.id, events, str(ev.total()), ev.grade(), scored.refusals, scored.flags
    )


def cmd_import(files: Sequence[Path], tenant: str, actor_id: str) -> int:
    from services.app.application import build_application
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
