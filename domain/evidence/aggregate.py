"""佐证材料 of one thing: the files attached to an indicator, a deduction, a ledger entry, a
finding or a rectification, each attachment and each removal an event.

One ``EvidenceFile`` per target (its id derives from the tenant and the target), so attaching
never touches the aggregate it is attached to — the evaluation's or the project's history and
concurrency stay as they were. The file itself lives in the object store under its SHA-256; the
event carries the hash, so the tenant's hash chain covers the content too. Detaching keeps the
blob: the history that names it must stay checkable.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid5

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError, NotFound
from domain.evidence.values import Attachment, EvidenceTarget
from domain.ids import NAMESPACE

MAX_ATTACHED = 50  # files attached at once to one thing
_HEX = frozenset("0123456789abcdef")


def evidence_id(tenant: str, target: EvidenceTarget) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/evidence/{target.kind.value}/{target.owner}/{target.key}")


class EvidenceFile(TenantAggregate):
    class Opened(TenantAggregate.Created):
        target: EvidenceTarget

    class Attached(TenantAggregate.Event):
        target: EvidenceTarget
        attachment_id: str
        sha256: str
        size: int
        media_type: str
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.attachments[self.attachment_id] = Attachment(
                self.attachment_id, self.sha256, self.size, self.media_type, self.name, self.meta.reason
            )

    class Detached(TenantAggregate.Event):
        target: EvidenceTarget
        attachment_id: str
        sha256: str

        def apply(self, aggregate: Any) -> None:
            a: Attachment = aggregate.attachments[self.attachment_id]
            aggregate.attachments[self.attachment_id] = Attachment(
                a.attachment_id, a.sha256, a.size, a.media_type, a.name, a.note, True, self.meta.reason
            )

    def __init__(self, meta: Meta, target: EvidenceTarget) -> None:
        self.tenant = meta.tenant
        self.target = target
        self.attachments: dict[str, Attachment] = {}

    @classmethod
    def open(cls, tenant: str, target: EvidenceTarget) -> EvidenceFile:
        if not target.key.strip() or len(target.key) > 200:
            raise DomainError("佐证材料所附的对象无效", code="evidence.target")
        opened: EvidenceFile = cls._start(
            cls.Opened, id=evidence_id(tenant, target), tenant=tenant, target=target
        )
        return opened

    def attached(self) -> list[Attachment]:
        return [a for a in self.attachments.values() if not a.detached]

    def attach(self, sha256: str, size: int, media_type: str, name: str, note: str = "") -> str:
        """Record a stored file as attached; returns the attachment's id."""
        if len(sha256) != 64 or not set(sha256) <= _HEX:
            raise DomainError("文件哈希无效", code="evidence.hash")
        if size <= 0:
            raise DomainError("文件为空", code="evidence.empty")
        if not name.strip():
            raise DomainError("请提供文件名", code="evidence.name_missing")
        current = self.attached()
        if any(a.sha256 == sha256 for a in current):
            raise DomainError(f"同一文件已作为佐证材料附上（{name}）", code="evidence.duplicate")
        if len(current) >= MAX_ATTACHED:
            raise DomainError(f"每项最多附 {MAX_ATTACHED} 个佐证材料", code="evidence.too_many")
        attachment_id = f"f{len(self.attachments) + 1}"
        self._emit(
            self.Attached,
            reason=note.strip() or "上传佐证材料",
            target=self.target,
            attachment_id=attachment_id,
            sha256=sha256,
            size=size,
            media_type=media_type,
            name=name,
        )
        return attachment_id

    def detach(self, attachment_id: str, reason: str) -> None:
        a = self.attachments.get(attachment_id)
        if a is None or a.detached:
            raise NotFound("佐证材料不存在或已移除", code="evidence.not_found")
        if not reason.strip():
            raise DomainError("移除佐证材料须说明原因", code="evidence.reason_required")
        self._emit(
            self.Detached,
            reason=reason.strip(),
            target=self.target,
            attachment_id=attachment_id,
            sha256=a.sha256,
        )
