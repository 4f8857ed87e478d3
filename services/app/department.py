"""部门整体支出绩效评价: a bureau's evaluation as a whole, on the same engine as a project's.

The bureau's spending of a year as a whole (basic and project spending) is carried by one project
of the bureau, code ``部门整体`` (its ledger: the department's budget, receipts and spending); its
evaluation is an ordinary evaluation of that project — self (the bureau), department (the
supervising bureau) or finance — started from the platform's 部门整体 framework
(``builtin/whole-department.yaml``), so scoring rules, deductions, lifecycle, audit trail, time
travel, files and NATS are the evaluation's own. A mixin of ``JixiaoApplication``: each step is a
named command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from msgspec import Struct

from domain.department import WHOLE_CODE
from domain.errors import AlreadyExists, NotFound
from domain.evaluation import Evaluation, EvaluationKind
from domain.ids import project_id
from domain.ledger import Project
from domain.templates import PLATFORM_TENANT
from services.app.commands import inputs as i
from services.app.policy import Caller

WHOLE_TEMPLATE = "部门整体支出绩效评价指标框架"


class StartWholeDepartment(Struct, forbid_unknown_fields=True):
    """Start the 部门整体 evaluation of a bureau's year (its 部门整体 project registered if new)."""

    year: i.Year
    kind: EvaluationKind = EvaluationKind.SELF
    evaluator_name: i.Name | None = None  # default: the caller's bureau's name


class Department:
    """Needs ``register_project``, ``start_evaluation``, ``adopt_template``, ``load`` and ``tree``."""

    if TYPE_CHECKING:
        tree: Any

        def register_project(self, caller: Caller, tenant: str, body: i.RegisterProject) -> Project: ...

        def start_evaluation(self, caller: Caller, project: UUID, body: i.StartEvaluation) -> Evaluation: ...

        def adopt_template(self, caller: Caller, evaluation: UUID, body: i.AdoptTemplate) -> Any: ...

        def load(self, cls: type[Any], aggregate_id: UUID, version: int | None = None) -> Any: ...

    def start_whole_department(self, caller: Caller, tenant: str, body: StartWholeDepartment) -> Evaluation:
        name = self.tree.tenant(tenant).name
        try:
            project = self.load(Project, project_id(tenant, body.year, WHOLE_CODE))
        except NotFound:
            if caller.tenant != tenant and not caller.operator:  # a bureau above cannot register it
                raise NotFound(
                    f"{name}尚未登记 {body.year} 年度部门整体项目：请由该单位先发起部门整体自评（自动登记）",
                    code="department.whole_missing",
                ) from None
            whole = i.RegisterProject(
                WHOLE_CODE, f"{name}{body.year}年度部门整体支出", body.year, department=name
            )
            try:
                project = self.register_project(caller, tenant, whole)
            except AlreadyExists:  # registered meanwhile
                project = self.load(Project, project_id(tenant, body.year, WHOLE_CODE))
        evaluator = body.evaluator_name or self.tree.tenant(caller.tenant).name
        started = self.start_evaluation(caller, project.id, i.StartEvaluation(body.kind, evaluator))
        self.adopt_template(caller, started.id, i.AdoptTemplate(PLATFORM_TENANT, WHOLE_TEMPLATE))
        adopted: Evaluation = self.load(Evaluation, started.id)
        return adopted
