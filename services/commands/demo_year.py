"""The rest of the demo's year (loaded by ``jixiao up`` after the publication of Mingguang's
三医建设业务经费 self-evaluation, which finalizes it): its evaluation report with the engagement
data and two parts written; the same project's next year (2022, same code) evaluated and finalized
with a deduction, so that its years read as a series; and Mingguang's 部门整体 evaluation of 2021
started on its 部门整体 project with the department's budget. Every step runs as the demo account
of its role, through the named commands; a step already done is left alone."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from domain.errors import AlreadyExists, DomainError
from domain.evaluation import EvaluationKind
from domain.evaluation.values import Status
from domain.ids import evaluation_id, project_id
from domain.ledger import EntryKind, FundingSource
from domain.reporting import Engagement, Member
from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.app.commands.inputs import (
    ApplyDeduction,
    RecordActual,
    RecordEntry,
    RegisterProject,
    StartEvaluation,
)
from services.app.commands.reporting import WriteSection
from services.app.department import StartWholeDepartment
from services.app.policy import Caller

BUREAU, CODE = "341182", "2021-SYJS"


def _as(*roles: Role) -> Caller:
    return Caller(f"{roles[0].value}.{BUREAU}", BUREAU, frozenset(roles), correlation_id=str(uuid.uuid4()))


def _report(app: JixiaoApplication) -> bool:
    ev = evaluation_id(BUREAU, project_id(BUREAU, 2021, CODE), EvaluationKind.SELF.value, BUREAU)
    writer = _as(Role.EVALUATOR)
    try:
        app.start_report_of(writer, ev)
    except AlreadyExists:
        return False
    team = (Member("王某", "组长", "财务股股长"), Member("陈某", "成员", "医保股"))
    engagement = Engagement(
        "明光市医疗保障局",
        "明光市医疗保障局绩效自评工作组",
        team,
        datetime.date(2022, 3, 1),
        datetime.date(2022, 3, 25),
        datetime.date(2022, 4, 8),
        "比较法、因素分析法",
        "核对资金拨付凭证，抽查三医联动工作台账",
        ("资金拨付凭证", "三医联动工作台账", "服务对象满意度问卷"),
    )
    app.record_engagement(writer, ev, engagement)
    app.write_section(
        writer, ev, "experience", WriteSection("建立三医联动工作机制，按季度调度。\n问题：部分支出进度偏慢。")
    )
    app.write_section(
        writer, ev, "suggestions", WriteSection("一、加快资金支付进度。\n二、细化可衡量的绩效指标。")
    )
    return True


def _next_year(app: JixiaoApplication) -> bool:
    unit, reviewer = _as(Role.PREPARER, Role.EVALUATOR), _as(Role.REVIEWER)
    first = app.evaluation(
        evaluation_id(BUREAU, project_id(BUREAU, 2021, CODE), EvaluationKind.SELF.value, BUREAU)
    )
    last = app.project(BUREAU, 2021, CODE)
    try:
        p = app.register_project(
            unit, BUREAU, RegisterProject(CODE, last.name, 2022, last.department, last.implementing_unit)
        )
    except AlreadyExists:
        return False
    budget = last.total().annual
    for kind, amount, day in (
        (EntryKind.INITIAL_BUDGET, budget, datetime.date(2022, 1, 5)),
        (EntryKind.RECEIVED, budget, datetime.date(2022, 3, 1)),
        (
            EntryKind.EXPENDITURE,
            (budget * Decimal("0.9")).quantize(Decimal("0.01")),
            datetime.date(2022, 12, 20),
        ),
    ):
        app.record_entry(unit, p.id, RecordEntry(kind, FundingSource.CURRENT, amount, day))
    ev = app.start_evaluation(unit, p.id, StartEvaluation(EvaluationKind.SELF, first.evaluator.name))
    for node in first.nodes.values():
        app.define_indicator(unit, ev.id, node.spec)
    for key, node in first.nodes.items():
        if node.actual is not None:
            app.record_actual(unit, ev.id, key, RecordActual(node.actual, node.given))
    leaf = next(
        n.spec.key
        for n in app.evaluation(ev.id).leaves()
        if n.spec.weight >= 2 and n.spec.ledger_source is None
    )
    app.apply_deduction(unit, ev.id, ApplyDeduction(leaf, Decimal(2), "部分支出进度偏慢"))
    app.submit(unit, ev.id)
    try:
        app.finalize(reviewer, ev.id)
    except DomainError:  # an indicator without a score: left submitted for the reviewer
        return True
    return app.evaluation(ev.id).status is Status.FINALIZED


def _whole(app: JixiaoApplication) -> bool:
    unit = _as(Role.PREPARER, Role.EVALUATOR)
    try:
        app.project(BUREAU, 2021, "部门整体")
        return False
    except DomainError:
        pass
    e = app.start_whole_department(unit, BUREAU, StartWholeDepartment(2021))
    for kind, amount, day in (
        (EntryKind.INITIAL_BUDGET, Decimal("5200000"), datetime.date(2021, 1, 5)),
        (EntryKind.RECEIVED, Decimal("5200000"), datetime.date(2021, 6, 30)),
        (EntryKind.EXPENDITURE, Decimal("4980000"), datetime.date(2021, 12, 28)),
    ):
        app.record_entry(unit, e.project_id, RecordEntry(kind, FundingSource.CURRENT, amount, day))
    return True


def seed_year(app: JixiaoApplication) -> list[str]:
    """What was loaded now (a second start loads nothing)."""
    done = []
    if _report(app):
        done.append("评价报告（三医建设业务经费）")
    if _next_year(app):
        done.append("同一项目的 2022 年度评价（历年对比）")
    if _whole(app):
        done.append("2021 年度部门整体评价")
    return done
