"""What evidence is attached to, and one attached file."""

from __future__ import annotations

import enum
from uuid import UUID

import msgspec


class TargetKind(enum.StrEnum):
    INDICATOR = "indicator"  # an evaluation's indicator: owner = the evaluation, key = indicator key
    DEDUCTION = "deduction"  # a deduction: owner = the evaluation, key = the deduction id
    LEDGER_ENTRY = "ledger_entry"  # a budget ledger entry: owner = the project, key = the entry id
    FINDING = "finding"  # a finding (问题): owner = the 整改 (Rectification), key = the finding id
    RECTIFICATION = "rectification"  # the unit's 整改 measures: owner = the 整改, key = the finding id


KIND_LABEL = {
    TargetKind.INDICATOR: "指标",
    TargetKind.DEDUCTION: "扣分",
    TargetKind.LEDGER_ENTRY: "台账记录",
    TargetKind.FINDING: "问题",
    TargetKind.RECTIFICATION: "整改",
}


class EvidenceTarget(msgspec.Struct, frozen=True):
    """The thing a file is attached to."""

    kind: TargetKind
    owner: UUID  # the aggregate holding it (an evaluation, a project, …)
    key: str  # the thing inside it (an indicator key, a deduction id, a ledger entry id)


class Attachment(msgspec.Struct, frozen=True):
    attachment_id: str
    sha256: str
    size: int
    media_type: str
    name: str  # the display name (sanitised; never a path)
    note: str = ""  # why it was attached (the event's reason)
    detached: bool = False
    detach_reason: str = ""
