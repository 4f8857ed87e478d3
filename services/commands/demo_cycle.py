"""The demo's year of the cycle: targets declared with the budget and reviewed (Nanchang's returned
by the province and revised, Mingguang's approved and adjusted mid-year), monitoring rounds with
warnings (Nanchang's execution behind the time schedule; Mingguang's projects unanswered past the
deadline), before the evaluations imported from the source reports.

Every step runs as the demo account of the role that would take it (the unit's preparer, the
supervising bureau's reviewer, the finance side's reviewer hosted at the bureau above), through
the application's named commands. Idempotent: a project whose targets exist is left alone.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from uuid import UUID

import msgspec

from domain.errors import AlreadyExists
from domain.evaluation import EvaluationKind
from domain.ids import evaluation_id, project_id
from domain.monitoring import Likelihood
from domain.targets import Details, Dimension, Funds, Grade, Stage
from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import (
    AnswerExecution,
    AnswerLine,
    DecideAdjustment,
    DeclareTargets,
    OpenRound,
    RequestAdjustment,
    ReviewTargets,
    SetTargetIndicator,
)
from services.app.commands.targets import indicator_of
from services.app.policy import Caller


def _as(role: Role, tenant: str) -> Caller:
    return Caller(f"{role.value}.{tenant}", tenant, frozenset({role}), correlation_id=str(uuid.uuid4()))


def _declare_from_evaluation(app: JixiaoApplication, tenant: str, year: int, code: str, goal: str) -> UUID:
    """The project's targets as its (imported) self-evaluation states them."""
    pid = project_id(tenant, year, code)
    project = app.project(tenant, year, code)
    e = app.evaluation(evaluation_id(tenant, pid, EvaluationKind.SELF.value, tenant))
    details = Details(
        responsible=f"{project.implementing_unit or project.department}负责人",
        funds=Funds(total=project.total().annual, fiscal_own=project.total().annual),
        overview=project.goal,
        annual_goal=goal or project.goal or project.name,
    )
    unit = _as(Role.PREPARER, tenant)
    d = app.declare_targets(unit, pid, DeclareTargets(details)).id
    for node in e.nodes.values():
        app.set_target_indicator(unit, d, SetTargetIndicator(indicator_of(node.spec), "按预算申报"))
    return d


def nanchang(app: JixiaoApplication) -> None:
    """Returned by the province (中), revised, approved; then monitored 1–7月 and found behind."""
    d = _declare_from_evaluation(app, "360100", 2022, "2022-YBJBNLTS", "")
    unit, province, finance = (
        _as(Role.PREPARER, "360100"),
        _as(Role.REVIEWER, "360000"),
        _as(Role.FINANCE, "360000"),
    )
    app.submit_targets(unit, d)
    first = app.load_targets(d)
    leaf = next(i for i in first.indicators.values() if i.value and i.parent)
    app.review_targets(
        province,
        d,
        ReviewTargets(
            Stage.SUPERVISOR,
            Grade.FAIR,
            "部分指标值未量化，请修改后重报",
            {Dimension.APPROPRIATENESS: "指标值与资金规模不匹配"},
            {leaf.key: "请写明可衡量的指标值"},
        ),
    )
    app.set_target_indicator(
        unit,
        d,
        SetTargetIndicator(
            msgspec.structs.replace(leaf, value=f"{leaf.value}（按季度考核）"), "按审核意见修改"
        ),
    )
    app.submit_targets(unit, d)
    app.review_targets(province, d, ReviewTargets(Stage.SUPERVISOR, Grade.EXCELLENT, "同意"))
    app.review_targets(finance, d, ReviewTargets(Stage.FINANCE, Grade.EXCELLENT, "同意，随预算批复"))
    opened = app.open_round(
        province, "360000", OpenRound(2022, "1–7月", datetime.date(2022, 7, 31), datetime.date(2022, 8, 20))
    ).id
    report = app.start_report(unit, opened, project_id("360100", 2022, "2022-YBJBNLTS")).id
    app.set_expected_execution(unit, report, AnswerExecution(Decimal("6220900")))
    targets = app.load_targets(d).targets()
    assert targets is not None
    answered = [i for i in targets.indicators if i.value and i.parent][:3]
    for n, row in enumerate(answered):
        likely = Likelihood.POSSIBLE if n == 0 else Likelihood.CERTAIN
        app.answer_line(
            unit,
            report,
            row.key,
            AnswerLine("按计划推进", row.value, likelihood=likely, measures="加快支付进度"),
        )
    app.submit_report(unit, report)


def mingguang(app: JixiaoApplication) -> None:
    """Approved after a 良 (fixes agreed), adjusted mid-year; a 1–6月 round its projects missed."""
    d = _declare_from_evaluation(app, "341182", 2021, "2021-XZYX", "保障机关正常运转")
    unit, city, finance = (
        _as(Role.PREPARER, "341182"),
        _as(Role.REVIEWER, "341100"),
        _as(Role.FINANCE, "341100"),
    )
    app.submit_targets(unit, d)
    leaf = next(i for i in app.load_targets(d).indicators.values() if i.value and i.parent)
    app.review_targets(
        city,
        d,
        ReviewTargets(
            Stage.SUPERVISOR, Grade.GOOD, "基本合理", comments={leaf.key: "与单位商定：细化到季度"}
        ),
    )
    app.review_targets(finance, d, ReviewTargets(Stage.FINANCE, Grade.EXCELLENT, "同意"))
    app.request_adjustment(
        unit,
        d,
        RequestAdjustment(
            "TZ-2021-1",
            [msgspec.structs.replace(leaf, value=f"{leaf.value}（年中调整）")],
            "年中预算调整，指标随之复核",
        ),
    )
    app.decide_adjustment(finance, d, "TZ-2021-1", DecideAdjustment(True, "同意随预算调整备案"))
    app.open_round(
        city, "341100", OpenRound(2021, "1–6月", datetime.date(2021, 6, 30), datetime.date(2021, 7, 20))
    )


def seed_cycle(app: JixiaoApplication) -> int:
    """The demo's cycle; returns how many bureaus' cycles were loaded (0 when already there)."""
    done = 0
    for step in (nanchang, mingguang):
        try:
            step(app)
            done += 1
        except AlreadyExists:
            pass
    return done
