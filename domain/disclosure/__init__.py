"""信息公开 (disclosure): a project's publications — what was published, from which version, frozen
(``aggregate``); which fields are published is a pure rule (``rules``)."""

from domain.disclosure.aggregate import ProjectDisclosure
from domain.disclosure.values import (
    KIND_LABEL,
    Content,
    GradeShare,
    Kind,
    Publication,
    ScoreRow,
    SummaryFigures,
    TargetRow,
)

__all__ = [
    "KIND_LABEL",
    "Content",
    "GradeShare",
    "Kind",
    "ProjectDisclosure",
    "Publication",
    "ScoreRow",
    "SummaryFigures",
    "TargetRow",
]
