"""绩效目标: declared with the budget, reviewed, approved, adjusted (``aggregate``)."""

from domain.targets.aggregate import TargetDeclaration
from domain.targets.values import (
    Adjustment,
    AdjustmentStatus,
    Details,
    Dimension,
    Funds,
    Grade,
    Nature,
    ProjectKind,
    Review,
    Stage,
    Status,
    TargetIndicator,
    TargetVersion,
)

__all__ = [
    "Adjustment",
    "AdjustmentStatus",
    "Details",
    "Dimension",
    "Funds",
    "Grade",
    "Nature",
    "ProjectKind",
    "Review",
    "Stage",
    "Status",
    "TargetDeclaration",
    "TargetIndicator",
    "TargetVersion",
]
