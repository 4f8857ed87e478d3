"""佐证材料: files attached to what a bureau records (``aggregate``), by hash."""

from domain.evidence.aggregate import MAX_ATTACHED, EvidenceFile, evidence_id
from domain.evidence.values import KIND_LABEL, Attachment, EvidenceTarget, TargetKind

__all__ = [
    "KIND_LABEL",
    "MAX_ATTACHED",
    "Attachment",
    "EvidenceFile",
    "EvidenceTarget",
    "TargetKind",
    "evidence_id",
]
