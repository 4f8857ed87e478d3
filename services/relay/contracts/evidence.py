"""Integration payloads of 佐证材料 (evidence): a file attached to, or removed from, an
indicator, a deduction, a ledger entry, a finding or a rectification.

Metadata and the SHA-256 only — never the file's content: a downstream system that needs the
file asks the platform's API for it (``GET /api/v1/evidence/{id}/files/{attachment}``), with its
own token, under the same policy as any reader.
"""

from __future__ import annotations

from uuid import UUID

from services.relay.contracts.payloads import _Payload


class EvidenceTargetData(_Payload, frozen=True, kw_only=True):
    kind: str  # indicator | deduction | ledger_entry | finding | rectification
    owner: UUID  # the evaluation, the project, … that holds it
    key: str  # the indicator key, the deduction id, the ledger entry id, …


class EvidenceOpened(_Payload, frozen=True, kw_only=True):
    target: EvidenceTargetData


class EvidenceAttached(_Payload, frozen=True, kw_only=True):
    target: EvidenceTargetData
    attachment_id: str
    sha256: str  # hex; the content stays in the platform's object store
    size: int  # bytes
    media_type: str
    name: str  # the display name the uploader gave


class EvidenceDetached(_Payload, frozen=True, kw_only=True):
    target: EvidenceTargetData
    attachment_id: str
    sha256: str


TYPES: dict[str, tuple[type[_Payload], int]] = {
    "evidence.opened": (EvidenceOpened, 1),
    "evidence.attached": (EvidenceAttached, 1),
    "evidence.detached": (EvidenceDetached, 1),
}
