"""``jixiao disclosure list --tenant``: what a bureau has published (and withdrawn), from the read
model, for an operator answering "is it public, since when, who withdrew it and why" without the
UI. Publishing and withdrawing stay the bureau's own acts (the API and the UI): no command here."""

from __future__ import annotations

import psycopg

from domain.disclosure import KIND_LABEL, Kind
from domain.errors import DomainError
from domain.tenants import check_code
from projections.disclosure.queries import PublicationRow, publications


def list_publications(database_url: str, tenant: str, year: int | None) -> list[PublicationRow]:
    with psycopg.connect(database_url) as conn:
        return publications(conn, tenant, year)


def line(p: PublicationRow) -> str:
    state = f"已撤回（{p.withdrawn_reason}）" if p.withdrawn else "公开中"
    when = p.published_at.strftime("%Y-%m-%d %H:%M")
    return (
        f"{p.year}  {p.project_code} {p.project_name}  {KIND_LABEL[Kind(p.kind)]}（来源第 {p.source_version} 版）"
        f"  {when}  {state}"
    )


def cmd_disclosure_list(tenant: str, year: int | None) -> int:
    from services.runtime.services import running_services
    from services.runtime.settings import Settings

    try:
        check_code(tenant)
    except DomainError as e:
        print(e.message)
        return 2
    with running_services(Settings.from_env()) as endpoints:
        rows = list_publications(endpoints.database_url, tenant, year)
    for p in rows:
        print(line(p))
    if not rows:
        print(f"{tenant} 尚无公开信息")
    return 0
