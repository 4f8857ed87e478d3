"""The evaluation report (评价报告): engagement data and the outline's narrative, as events."""

from domain.reporting.aggregate import EvaluationReport
from domain.reporting.values import OUTLINE, SECTIONS, Engagement, Member

__all__ = ["OUTLINE", "SECTIONS", "Engagement", "EvaluationReport", "Member"]
