"""结果应用 (results applied to the budget): policies and recommendations."""

from domain.results.aggregate import Recommendation, ResultPolicy
from domain.results.values import (
    ADVICE_LABEL,
    DEFAULT_RULES,
    Advice,
    Band,
    Decision,
    Inputs,
    Outcome,
    Rules,
    recommend,
)

__all__ = [
    "ADVICE_LABEL",
    "DEFAULT_RULES",
    "Advice",
    "Band",
    "Decision",
    "Inputs",
    "Outcome",
    "Recommendation",
    "ResultPolicy",
    "Rules",
    "recommend",
]
