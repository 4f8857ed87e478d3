"""Queries on the tenants read model: the templates a bureau may use."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection


class TemplateRow(Struct, frozen=True, kw_only=True):
    template_id: UUID
    tenant: str
    name: str
    revision: int  # the latest; evaluations stay on the revision they adopted
    description: str
    year: int | None
    based_on: UUID | None
    based_on_revision: int | None
    indicators: int


_QUERY = """
SELECT template_id, tenant, name, revision, description, year, based_on, based_on_revision, indicators
FROM rm_tenants.templates
WHERE tenant = ANY(%(tenants)s) AND (%(year)s::int IS NULL OR year IS NULL OR year = %(year)s)
ORDER BY array_position(%(tenants)s, tenant), year DESC NULLS LAST, name
"""


def usable_templates(conn: Connection[Any], lineage: list[str], year: int | None) -> list[TemplateRow]:
    """The templates of ``lineage`` (a bureau, then its ancestors, then the platform), the
    bureau's own first; with ``year``, those for that year or for any year."""
    rows = conn.execute(_QUERY, {"tenants": lineage, "year": year}).fetchall()
    return [
        TemplateRow(
            template_id=r[0],
            tenant=r[1],
            name=r[2],
            revision=r[3],
            description=r[4],
            year=r[5],
            based_on=r[6],
            based_on_revision=r[7],
            indicators=r[8],
        )
        for r in rows
    ]


def tenant_names(conn: Connection[Any]) -> dict[str, str]:
    """Every bureau's name by code (labels: read with the application's role, not scoped)."""
    return {code: name for code, name in conn.execute("SELECT code, name FROM rm_tenants.tenants")}
