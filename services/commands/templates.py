"""``jixiao template``: publish or revise a bureau's indicator template from a file, and list
the templates a bureau may use. Like ``jixiao import`` it acts as the platform's operator, through
the application's named commands (``publish_template``, ``revise_template``)."""

from __future__ import annotations

import sys
from pathlib import Path

from domain.errors import DomainError
from domain.ids import template_id
from domain.templates import PLATFORM_TENANT, IndicatorTemplate
from services.app.builtin import template_text
from services.app.commands.inputs import AdoptTemplate, PublishTemplate, ReviseTemplate
from services.commands.imports import operator
from services.eventlog.port import NotInLog


def _basis(text: str | None) -> AdoptTemplate | None:
    if text is None:
        return None
    owner, slash, name = text.partition("/")
    if not slash or not owner or not name:
        raise DomainError(f"--based-on 应写作 单位代码/模板名称，收到 {text!r}", code="cli.based_on")
    return AdoptTemplate(owner, name)


def cmd_template_publish(
    path: Path, tenant: str, year: int | None, based_on: str | None, reason: str | None
) -> int:
    """A new template, or (``reason`` given) a new revision of the bureau's template of that name."""
    from services.compose import build_application
    from services.runtime.services import running_services
    from services.runtime.settings import Settings

    if path.stat().st_size > 2_000_000:
        raise DomainError(f"{path.name} 超过 2 MB", code="file.too_large")
    name, description, specs = template_text(path.read_text(encoding="utf-8"), path.name)
    with running_services(Settings.from_env()) as endpoints:
        app = build_application(endpoints.database_url)
        try:
            caller = operator(tenant)
            tid = template_id(tenant, name)
            try:
                existing = app.load(IndicatorTemplate, tid)
            except (NotInLog, DomainError):
                existing = None
            if existing is None:
                made = app.publish_template(
                    caller, tenant, PublishTemplate(name, list(specs), description, year, _basis(based_on))
                )
                print(f"已发布模板「{made.name}」（{tenant}，第 1 版，{len(made.specs_at())} 个指标）")
                return 0
            if not reason:
                print(
                    f"错误：单位 {tenant} 已有模板「{name}」（第 {existing.revision} 版）；"
                    "修订请加 --reason 说明原因",
                    file=sys.stderr,
                )
                return 2
            done = app.revise_template(caller, tid, ReviseTemplate(list(specs), reason))
            if done.aggregate.revision == existing.revision:
                print(f"模板「{name}」与现行第 {existing.revision} 版相同，未产生新版本")
            else:
                print(f"已修订模板「{name}」：现为第 {done.aggregate.revision} 版")
            return 0
        finally:
            app.close()


def cmd_template_list(tenant: str, year: int | None) -> int:
    """The templates ``tenant`` may use — its own, its ancestors', the platform's — as the
    templates read model has them (``jixiao projections status`` tells how current it is)."""
    import psycopg

    from projections.tenants.queries import usable_templates
    from services.compose import build_application
    from services.runtime.services import running_services
    from services.runtime.settings import Settings

    with running_services(Settings.from_env()) as endpoints:
        app = build_application(endpoints.database_url)
        try:
            lineage = [] if tenant == PLATFORM_TENANT else list(app.tree.lineage(tenant))
        finally:
            app.close()
        with psycopg.connect(endpoints.database_url) as conn:
            rows = usable_templates(conn, [*lineage, PLATFORM_TENANT], year)
    for t in rows:
        for_year = "不限年度" if t.year is None else f"{t.year} 年"
        print(f"{t.tenant}\t{t.name}\t第 {t.revision} 版\t{for_year}\t{t.indicators} 个指标")
    if not rows:
        print("（没有可用的模板）")
    return 0
