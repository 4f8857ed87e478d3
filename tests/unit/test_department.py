"""部门整体 through the named commands (in-memory log): a bureau's whole-department self-evaluation
registers its 部门整体 project once and adopts the platform's framework (the six first-level
indicators, weights summing to 100); a supervising bureau's evaluation of it needs the project to
exist (it cannot register a county's project); scoring works as for any evaluation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.department import WHOLE_CODE
from domain.errors import NotFound
from domain.evaluation import EvaluationKind
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.builtin import BUILTIN_TEMPLATES, builtin_template
from services.app.commands.inputs import PublishTemplate
from services.app.department import StartWholeDepartment
from services.commands.imports import operator
from services.compose import build_in_memory
from tests.support import deduct, register, staff

COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER)
CITY = staff("341100", "city", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER)


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    for filename in BUILTIN_TEMPLATES:
        name, description, specs = builtin_template(filename)
        a.publish_template(operator("000000"), "000000", PublishTemplate(name, list(specs), description))
    return a


def test_the_whole_department_is_evaluated_like_a_project(app: JixiaoApplication) -> None:
    with pytest.raises(NotFound, match="尚未登记 2024 年度部门整体项目"):
        app.start_whole_department(CITY, "341182", StartWholeDepartment(2024, EvaluationKind.DEPARTMENT))
    own = app.start_whole_department(COUNTY, "341182", StartWholeDepartment(2024))
    project = app.project("341182", 2024, WHOLE_CODE)
    assert own.project_id == project.id and project.name == "明光市医疗保障局2024年度部门整体支出"
    tops = [n.spec for n in own.nodes.values() if n.spec.parent is None]
    assert [t.name for t in tops] == [
        "运行成本",
        "管理效率",
        "履职效能",
        "社会效应",
        "可持续发展能力",
        "服务对象满意度",
    ]
    assert sum(t.weight for t in tops) == Decimal(100)
    by_city = app.start_whole_department(
        CITY, "341182", StartWholeDepartment(2024, EvaluationKind.DEPARTMENT)
    )
    assert by_city.project_id == project.id and by_city.evaluator.tenant == "341100"
    leaf = next(k for k, n in own.nodes.items() if n.spec.name == "资产管理规范性")
    after = deduct(app, COUNTY, own.id, "D1", leaf, "1", "固定资产账实不符一处")
    assert after.deducted(leaf) == Decimal(1)
