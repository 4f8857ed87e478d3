"""Indicator templates (指标模板): reusable, versioned indicator trees.

A bureau — or its parent, or the platform itself (the 财预〔2020〕10号 common framework is
shipped as one) — keeps a template; each revision is kept, so an evaluation that adopted
revision 2 still shows what revision 2 said after revision 3 appears. Who may use a
template is decided by the tenant tree: the owner and its descendants (``usable_by``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError
from domain.ids import template_id
from domain.indicators import IndicatorSpec, check_spec

PLATFORM_TENANT = "000000"  # owner of the templates shipped with the platform; not a bureau


def check_tree(specs: tuple[IndicatorSpec, ...]) -> None:
    """Refuse a tree a template cannot hold (parents must come before their children)."""
    seen: dict[str, IndicatorSpec] = {}
    for spec in specs:
        if spec.key in seen:
            raise DomainError("指标编号重复", code="template.duplicate_key", row=f"指标「{spec.name}」")
        check_spec(spec, seen)
        seen[spec.key] = spec
    if not specs:
        raise DomainError("模板至少需要一个指标", code="template.empty")


class Basis(msgspec.Struct, frozen=True):
    """The template another was made from: a parent bureau's (or the platform's), at a revision."""

    template_id: UUID
    revision: int


class IndicatorTemplate(TenantAggregate):
    class Published(TenantAggregate.Created):
        name: str
        description: str
        specs: tuple[IndicatorSpec, ...]
        year: int | None = None  # the budget year it is for (None: any year)
        based_on: Basis | None = None

    class Revised(TenantAggregate.Event):
        specs: tuple[IndicatorSpec, ...]

        def apply(self, aggregate: Any) -> None:
            aggregate.revisions.append(self.specs)

    def __init__(
        self,
        meta: Meta,
        name: str,
        description: str,
        specs: tuple[IndicatorSpec, ...],
        year: int | None = None,
        based_on: Basis | None = None,
    ) -> None:
        self.tenant = meta.tenant
        self.name = name
        self.description = description
        self.revisions: list[tuple[IndicatorSpec, ...]] = [specs]
        self.year = year
        self.based_on = based_on

    @classmethod
    def publish(
        cls,
        tenant: str,
        name: str,
        specs: tuple[IndicatorSpec, ...],
        description: str = "",
        *,
        year: int | None = None,
        based_on: tuple[IndicatorTemplate, int] | None = None,
    ) -> IndicatorTemplate:
        """A new template; ``based_on`` (a template and its revision) makes it inherit that one's
        indicators, ``specs`` adding to them or replacing those with the same key."""
        if not name.strip():
            raise DomainError("模板名称不能为空", code="template.name_empty")
        if year is not None and not 2000 <= year <= 2100:
            raise DomainError(f"年度 {year} 不在 2000–2100 之间", code="template.year_invalid")
        basis = None
        if based_on is not None:
            parent, revision = based_on
            inherited = {s.key: s for s in parent.specs_at(revision)}
            inherited.update({s.key: s for s in specs})
            specs = tuple(inherited.values())
            basis = Basis(parent.id, revision or parent.revision)
        check_tree(specs)
        template: IndicatorTemplate = cls._start(
            cls.Published,
            id=template_id(tenant, name.strip()),
            tenant=tenant,
            name=name.strip(),
            description=description.strip(),
            specs=specs,
            year=year,
            based_on=basis,
        )
        return template

    @property
    def revision(self) -> int:
        return len(self.revisions)

    def revise(self, specs: tuple[IndicatorSpec, ...], reason: str) -> None:
        if not reason.strip():
            raise DomainError("修订模板必须说明原因", code="reason.missing", row=self.name)
        check_tree(specs)
        if specs != self.revisions[-1]:
            self._emit(self.Revised, reason=reason, specs=specs)

    def specs_at(self, revision: int | None = None) -> tuple[IndicatorSpec, ...]:
        n = revision or self.revision
        if not 1 <= n <= self.revision:
            raise DomainError(
                f"模板「{self.name}」没有第 {n} 版（现有 1–{self.revision} 版）",
                code="template.revision_unknown",
            )
        return self.revisions[n - 1]


def usable_by(template_tenant: str, tenant_and_ancestors: list[str]) -> bool:
    """A template is usable by its owner's descendants (and everyone, for platform templates)."""
    return template_tenant == PLATFORM_TENANT or template_tenant in tenant_and_ancestors
