"""A project's publications (信息公开): every publish act and every withdrawal (撤回) is an event.

One ``ProjectDisclosure`` per project (id from the bureau and the project) holds an item per
published source — an evaluation's result, the project's targets — each with the source's version
and the content frozen when it was published (computed by ``rules.py``). A withdrawn item stays in
the history and leaves the public page; it may be published again later (a new publish act, from
the source as it then is). A live item is never replaced silently: publishing a newer version
needs the old one withdrawn first, with its reason.

Keeping the register per project lets marking a project 涉密 refuse while anything of it is public
(``Project.classify`` is told the live items by the application).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.base import TenantAggregate
from domain.context import Meta
from domain.disclosure.values import KIND_LABEL, Content, Kind, Publication, item_key
from domain.errors import DomainError, InvalidState, NotFound
from domain.ids import disclosure_id


class ProjectDisclosure(TenantAggregate):
    class Opened(TenantAggregate.Created):
        project_id: UUID
        year: int

    class Published(TenantAggregate.Event):
        kind: Kind
        source_id: UUID
        source_version: int
        content: Content

        def apply(self, aggregate: Any) -> None:
            key = item_key(self.kind, self.source_id)
            aggregate.items[key] = Publication(
                key, self.kind, self.source_id, self.source_version, self.content, self.timestamp
            )

    class Withdrawn(TenantAggregate.Event):
        key: str

        def apply(self, aggregate: Any) -> None:
            item: Publication = aggregate.items[self.key]
            aggregate.items[self.key] = Publication(
                item.key,
                item.kind,
                item.source_id,
                item.source_version,
                item.content,
                item.published_at,
                True,
                self.meta.reason,
            )

    def __init__(self, meta: Meta, project_id: UUID, year: int) -> None:
        self.tenant = meta.tenant
        self.project_id = project_id
        self.year = year
        self.items: dict[str, Publication] = {}

    @classmethod
    def open(cls, tenant: str, project_id: UUID, year: int) -> ProjectDisclosure:
        opened: ProjectDisclosure = cls._start(
            cls.Opened, id=disclosure_id(tenant, project_id), tenant=tenant, project_id=project_id, year=year
        )
        return opened

    def publish(self, source_id: UUID, source_version: int, content: Content, reason: str = "") -> str:
        """Record the publish act of ``content`` (already computed by the field rule)."""
        if content.bureau != self.tenant or content.year != self.year:
            raise DomainError("公开内容不属于该项目", code="disclosure.source_mismatch")
        key = item_key(content.kind, source_id)
        live = self.items.get(key)
        if live is not None and not live.withdrawn:
            same = live.source_version == source_version
            raise InvalidState(
                f"该{KIND_LABEL[content.kind]}已公开"
                + ("" if same else f"（第 {live.source_version} 版）；如需公开新版本，请先撤回"),
                code="disclosure.already_published",
            )
        self._emit(
            self.Published,
            reason=reason,
            kind=content.kind,
            source_id=source_id,
            source_version=source_version,
            content=content,
        )
        return key

    def withdraw(self, key: str, reason: str) -> None:
        item = self.items.get(key)
        if item is None:
            raise NotFound("公开信息不存在", code="disclosure.unknown")
        if item.withdrawn:
            raise InvalidState("该公开信息已撤回", code="disclosure.already_withdrawn")
        if not reason.strip():
            raise DomainError("撤回公开信息须说明原因", code="disclosure.reason_missing")
        self._emit(self.Withdrawn, reason=reason.strip(), key=key)

    def live(self) -> list[Publication]:
        return [p for p in self.items.values() if not p.withdrawn]
