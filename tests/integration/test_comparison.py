"""Issue 19 §6 on real PostgreSQL: a project's 单位自评 against its external evaluations (per
indicator, paired by key then by name, and in total; finalized only), the project over two years
of the same code, and roll-ups counting finalized evaluations only."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from uuid import UUID

import psycopg
import pytest

from domain.evaluation import EvaluationKind
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import Role, TenantLevel
from projections.core.runner import Projector
from projections.registry import NAMES, projection
from projections.rollups.comparison import compare_project
from projections.rollups.queries import rollup
from projections.rollups.series import project_series
from services.app.application import JixiaoApplication
from services.app.commands.inputs import StartEvaluation
from services.compose import build_application
from tests.support import deduct, define, evaluation, finalized_evaluation, project, register, staff

DISTRICT, CITY, PROVINCE = "360102", "360100", "360000"


@pytest.fixture
def app(database_url: str) -> Iterator[JixiaoApplication]:
    application = build_application(database_url)
    register(application, PROVINCE, "江西省医疗保障局", TenantLevel.PROVINCE)
    register(application, CITY, "南昌市医疗保障局", TenantLevel.MUNICIPAL, PROVINCE)
    register(application, DISTRICT, "南昌市东湖区医疗保障局", TenantLevel.DISTRICT, CITY)
    yield application
    application.close()


def catch_up(url: str) -> None:
    for name in NAMES:
        with Projector(url, projection(name)) as p:
            p.ensure()
            p.catch_up()


def _scored(app: JixiaoApplication, who: object, project_id: UUID, kind: EvaluationKind, points: str) -> UUID:
    """An evaluation of 1 → 1.1 (weight 100) with ``points`` deducted, finalized."""
    ev = finalized_evaluation(app, who, project_id, kind, finalize=False)  # type: ignore[arg-type]
    if Decimal(points):
        deduct(app, who, ev.id, "D1", "1.1", points, "抽查发现宣传覆盖不足")  # type: ignore[arg-type]
    app.submit(who, ev.id)  # type: ignore[arg-type]
    app.finalize(who, ev.id)  # type: ignore[arg-type]
    return ev.id


def test_self_against_external_per_indicator_and_in_total(app: JixiaoApplication, database_url: str) -> None:
    unit, city, province = staff(DISTRICT, "unit"), staff(CITY, "city"), staff(PROVINCE, "prov")
    p = project(app, unit, "2024-CMP", "医保宣传项目", 2024)
    _scored(app, unit, p.id, EvaluationKind.SELF, "2")  # 98
    _scored(app, city, p.id, EvaluationKind.DEPARTMENT, "15")  # 85: gap 13 ≥ 10 % of 100 and ≥ 5
    # the province's third party numbers its indicators otherwise: paired by name; left a draft first
    ext = app.start_evaluation(
        province, p.id, StartEvaluation(EvaluationKind.FINANCE, "某会计师事务所", True)
    )
    define(
        app,
        province,
        ext.id,
        IndicatorSpec("A", "产出", Decimal(100)),
        IndicatorSpec("A.1", "宣传覆盖", Decimal(100), parent="A", rule=Manual()),
    )
    deduct(app, province, ext.id, "D1", "A.1", "6", "覆盖率低于目标")
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        found = compare_project(conn, p.id)
    assert found is not None and found.self_evaluation is not None
    assert (found.code, found.year, found.self_evaluation.total) == ("2024-CMP", 2024, Decimal("98"))
    department, third = found.externals
    assert (department.external.label, department.compared) == ("部门评价", True)
    assert department.total_difference == Decimal("13") and department.total_flagged
    leaf = next(r for r in department.indicators if r.key == "1.1")
    assert (leaf.matched_by, leaf.self_score, leaf.external_score, leaf.difference, leaf.flagged) == (
        "key",
        Decimal("98"),
        Decimal("85"),
        Decimal("13"),
        True,
    )
    assert department.flagged == 2  # 1 and 1.1
    # not finalized: said so, nothing compared
    assert third.external.label == "第三方评价（财政评价）" and not third.compared
    assert "尚未定稿" in third.note and third.indicators == []

    app.submit(province, ext.id)
    app.finalize(province, ext.id)
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        found = compare_project(conn, p.id)
        county = rollup(conn, DISTRICT, 2024)
    assert found is not None
    third = found.externals[1]
    assert third.compared and third.total_difference == Decimal("4") and not third.total_flagged
    leaf = next(r for r in third.indicators if r.key == "1.1")
    assert (leaf.matched_by, leaf.external_key, leaf.difference, leaf.flagged) == (
        "name",
        "A.1",
        Decimal("4"),
        False,
    )
    # the roll-up: all three finalized now; the gap averages both externals
    assert (county.compared_projects, county.average_self_score, county.unfinalized) == (
        1,
        Decimal("98.00"),
        0,
    )
    assert county.self_minus_external == Decimal("8.50")


def test_roll_up_leaves_drafts_out_and_counts_them(app: JixiaoApplication, database_url: str) -> None:
    unit = staff(DISTRICT, "unit")
    done = project(app, unit, "2024-A", "已定稿项目", 2024)
    draft = project(app, unit, "2024-B", "草稿项目", 2024)
    _scored(app, unit, done.id, EvaluationKind.SELF, "30")  # 70
    ev = evaluation(app, unit, draft.id)
    define(app, unit, ev.id, IndicatorSpec("1", "产出", Decimal(100), rule=Manual()))  # 100, a draft
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        r = rollup(conn, CITY, 2024)
    assert (r.projects, r.average_self_score, r.grades, r.unfinalized) == (2, Decimal("70.00"), {"中": 1}, 1)


def test_two_years_of_one_project(app: JixiaoApplication, database_url: str) -> None:
    unit = staff(DISTRICT, "unit", *Role)
    first = project(app, unit, "YB-001", "医保宣传项目", 2023)
    second = project(app, unit, "YB-001", "医保宣传项目（续）", 2024)
    project(app, unit, "YB-002", "另一个项目", 2024)
    _scored(app, unit, first.id, EvaluationKind.SELF, "20")  # 80
    ev = finalized_evaluation(app, unit, second.id, EvaluationKind.SELF, finalize=False)
    define(app, unit, ev.id, IndicatorSpec("2", "效益", Decimal(20), rule=Manual()))
    app.submit(unit, ev.id)
    app.finalize(unit, ev.id)
    catch_up(database_url)
    with psycopg.connect(database_url) as conn:
        series = project_series(conn, DISTRICT, "YB-001")
        assert project_series(conn, DISTRICT, "NONE") is None
    assert series is not None and series.name == "医保宣传项目（续）"
    assert [(y.year, y.status, y.total) for y in series.years] == [
        (2023, "finalized", Decimal("80")),
        (2024, "finalized", Decimal("120")),
    ]
    lines = {line.key: line.scores for line in series.indicators}
    assert lines["1.1"] == [Decimal("80"), Decimal("100")]
    assert lines["2"] == [None, Decimal("20")]  # new in 2024
