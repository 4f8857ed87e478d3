"""Evaluations (评价): one scoring of one project for one year.

Kinds: 单位自评 (self), 部门评价 (department, by the supervising bureau or a third party),
财政评价 (finance). Lifecycle: draft → submitted → returned / finalized; reopening needs a
reason. Each indicator's score = the rule's score (recorded with the rule, its version and
its inputs) minus the active deductions on it, clamped to [0, weight].

``values`` (kinds, states, evaluator, deduction), ``events`` (what is stored), ``aggregate``
(the decisions).
"""

from __future__ import annotations

from domain.evaluation.aggregate import Evaluation
from domain.evaluation.values import (
    EDITABLE,
    STATUS_LABEL,
    Deduction,
    EvaluationKind,
    Evaluator,
    Status,
)

__all__ = ["EDITABLE", "STATUS_LABEL", "Deduction", "Evaluation", "EvaluationKind", "Evaluator", "Status"]
