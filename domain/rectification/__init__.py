"""整改 (rectification): findings sent back as demands with deadlines, answered, verified."""

from domain.rectification.aggregate import Rectification
from domain.rectification.values import (
    ANSWER_DAYS,
    SEND_DAYS,
    Answer,
    Finding,
    Measure,
    Overdue,
    Review,
    SourceKind,
    Status,
)

__all__ = [
    "ANSWER_DAYS",
    "SEND_DAYS",
    "Answer",
    "Finding",
    "Measure",
    "Overdue",
    "Rectification",
    "Review",
    "SourceKind",
    "Status",
]
