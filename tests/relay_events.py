"""A small history with every kind of event: what relay tests publish and check."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from domain.context import Actor
from domain.evaluation import EvaluationKind
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.monitoring import Likelihood, Resolution
from domain.rectification import Measure, Rectification, SourceKind
from domain.reporting import Engagement, Member
from domain.results import DEFAULT_RULES, Advice, Band, Decision, Outcome, Rules
from domain.rules import Judgement
from domain.targets import Details, Grade, Stage, TargetIndicator
from domain.templates import PLATFORM_TENANT
from domain.tenants import Role, Tenant, TenantLevel
from domain.users import MAX_FAILURES, AccountKind, User
from services.app.accounts import SignInRefused
from services.app.application import JixiaoApplication
from services.app.builtin import BUILTIN_TEMPLATES, builtin_template
from services.app.commands.cycle_inputs import (
    AnswerExecution,
    AnswerLine,
    DecideAdjustment,
    DeclareTargets,
    FileMeasures,
    OpenRectification,
    OpenRound,
    RecordFinding,
    RequestAdjustment,
    ResolveAlert,
    ReviewRectification,
    ReviewTargets,
    SendDemand,
    SetTargetIndicator,
    WithdrawFinding,
)
from services.app.commands.inputs import (
    AdoptTemplate,
    ApplyDeduction,
    ChangeContact,
    IssueToken,
    JudgeScore,
    MoveTemplate,
    NoteDeviation,
    PublishTemplate,
    RecordEntry,
    RecordStatedScore,
    RecordStatedTotal,
    RegisterProject,
    RegisterTenant,
    RegisterUser,
    ReviseDeduction,
    ReviseTemplate,
    SignIn,
    StartEvaluation,
    WithReason,
)
from services.app.commands.reporting import WriteSection
from services.app.commands.results import AdoptPolicy, DecideRecommendation, RevisePolicy
from services.app.policy import Caller
from services.app.reactions import service
from services.commands.imports import import_report
from tests.conftest import REPORTS
from tests.support import finalized_evaluation, quick_accounts

# the platform's operator (registers the tree, its users and templates)
ADMIN = Caller("admin", PLATFORM_TENANT, frozenset(Role), correlation_id="relay-test", operator=True)
ADMIN_ACTOR = Actor("admin", "admin", PLATFORM_TENANT, "relay-test")  # for changes with no named command
TREE = (
    ("360000", "江西省医疗保障局", TenantLevel.PROVINCE, None),
    ("360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000"),
    ("360102", "东湖区医疗保障局", TenantLevel.DISTRICT, "360100"),
    ("360103", "西湖区医疗保障局", TenantLevel.DISTRICT, "360100"),
)


def register_tree(app: JixiaoApplication) -> None:
    for code, name, level, parent in TREE:
        app.register_tenant(ADMIN, RegisterTenant(code, name, level, parent))


def every_kind_of_event(app: JixiaoApplication) -> None:
    """Tenants 360000 → 360100 → 360102 / 360103, then at least one event of every class."""
    register_tree(app)
    app.change(ADMIN_ACTOR, Tenant, app.tenant("360103").id, lambda t: t.rename("西湖区医保局"))
    user = quick_accounts(app).register_user(
        ADMIN, "360102", RegisterUser("evaluator.360102", "评价人", [Role.EVALUATOR])
    )
    app.change(
        ADMIN_ACTOR, User, user.id, lambda u: u.change_roles((Role.EVALUATOR, Role.REVIEWER), "兼任审核")
    )
    account_events(app)
    name, description, specs = builtin_template(BUILTIN_TEMPLATES[0])
    tpl = app.publish_template(ADMIN, PLATFORM_TENANT, PublishTemplate(name, list(specs), description))
    app.revise_template(ADMIN, tpl.id, ReviseTemplate(list(specs[:-1]), "删去最后一项"))
    template_events(app, name)
    done = import_report(app, REPORTS / "004-bohu-2022.yaml", "360102", "import")
    evaluation = done.evaluation
    ev = app.evaluation(evaluation)
    key = next(k for k, n in ev.nodes.items() if n.spec.rule is not None and n.spec.weight >= 2)
    evaluator = Caller("e1", "360102", frozenset({Role.EVALUATOR}), correlation_id="relay-test")
    app.apply_deduction(
        evaluator, evaluation, ApplyDeduction(key, Decimal("0.5"), "资料不全", deduction_id="d-relay")
    )
    app.revise_deduction(evaluator, evaluation, "d-relay", ReviseDeduction(Decimal("1"), "复核后加重"))
    app.withdraw_deduction(evaluator, evaluation, "d-relay", WithReason("补交了资料"))
    app.record_stated_score(evaluator, evaluation, key, RecordStatedScore(Decimal("1")))
    app.note_deviation(evaluator, evaluation, key, NoteDeviation("偏差说明"))
    app.record_stated_total(evaluator, evaluation, RecordStatedTotal(Decimal("90"), "优"))
    app.submit(evaluator, evaluation)
    reviewer = Caller("r1", "360102", frozenset({Role.REVIEWER}), correlation_id="relay-test")
    app.return_for_revision(reviewer, evaluation, WithReason("请补充说明"))
    cycle_events(app)
    disclosure_events(app)
    evidence_events(app, evaluation, key)


def template_events(app: JixiaoApplication, name: str) -> None:
    """A city's template made from the platform's, and a district evaluation that adopts the
    platform template's first revision and then moves, with a reason, to its second."""
    city = Caller("admin.360100", "360100", frozenset({Role.ADMIN}), correlation_id="relay-test")
    app.publish_template(
        city,
        "360100",
        PublishTemplate(
            "南昌市模板", [], "在省级模板上补充", year=2024, based_on=AdoptTemplate(PLATFORM_TENANT, name)
        ),
    )
    preparer = Caller("p1", "360103", frozenset({Role.PREPARER}), correlation_id="relay-test")
    project = app.register_project(preparer, "360103", RegisterProject("T-1", "模板项目", 2024))
    started = app.start_evaluation(preparer, project.id, StartEvaluation(EvaluationKind.SELF, "自评"))
    app.adopt_template(preparer, started.id, AdoptTemplate(PLATFORM_TENANT, name, 1))
    app.move_template(preparer, started.id, MoveTemplate(2, "省局修订了模板"))
    app.define_indicator(preparer, started.id, IndicatorSpec("9", "酌情指标", Decimal(5), rule=Judgement()))
    evaluator = Caller("e3", "360103", frozenset({Role.EVALUATOR}), correlation_id="relay-test")
    app.judge_score(evaluator, started.id, "9", JudgeScore("资料齐全但时效稍差", points=Decimal(4)))


def cycle_events(app: JixiaoApplication) -> None:
    """A district project's targets declared, returned, revised, approved and adjusted; a city's
    monitoring round, the project's answer with its warnings, one resolved, the round closed."""
    unit = Caller("p2", "360102", frozenset({Role.PREPARER}), correlation_id="relay-test")
    city = Caller("c1", "360100", frozenset({Role.REVIEWER, Role.FINANCE}), correlation_id="relay-test")
    p = app.register_project(unit, "360102", RegisterProject("CY-1", "全周期项目", 2024))
    for kind, amount, day in (
        ("initial_budget", "100000", "2024-01-02"),
        ("expenditure", "20000", "2024-06-30"),
    ):
        app.record_entry(
            unit,
            p.id,
            RecordEntry(
                EntryKind(kind), FundingSource.CURRENT, Decimal(amount), datetime.date.fromisoformat(day)
            ),
        )
    d = app.declare_targets(unit, p.id, DeclareTargets()).id
    app.record_target_details(unit, d, Details(annual_goal="全年目标"))
    for row in (
        TargetIndicator("1", "产出", Decimal(100)),
        TargetIndicator("1.1", "参保人数", Decimal(100), "1", "≥30万人"),
        TargetIndicator("1.2", "多余", Decimal(0), "1", "1"),
    ):
        app.set_target_indicator(unit, d, SetTargetIndicator(row))
    app.remove_target_indicator(unit, d, "1.2")
    app.submit_targets(unit, d)
    app.review_targets(city, d, ReviewTargets(Stage.SUPERVISOR, Grade.FAIR, "指标值偏低"))
    app.submit_targets(unit, d)
    app.review_targets(city, d, ReviewTargets(Stage.SUPERVISOR, Grade.EXCELLENT))
    app.review_targets(city, d, ReviewTargets(Stage.FINANCE, Grade.EXCELLENT))
    app.request_adjustment(
        unit,
        d,
        RequestAdjustment(
            "A1", [TargetIndicator("1.1", "参保人数", Decimal(100), "1", "≥28万人")], "政策调整"
        ),
    )
    app.decide_adjustment(city, d, "A1", DecideAdjustment(True, "同意"))
    r = app.open_round(
        city, "360100", OpenRound(2024, "1–7月", datetime.date(2024, 7, 31), datetime.date(2099, 8, 20))
    ).id
    report = app.start_report(unit, r, p.id).id
    app.set_expected_execution(unit, report, AnswerExecution(Decimal(90000)))
    app.answer_line(unit, report, "1.1", AnswerLine("20万人", "27万人", likelihood=Likelihood.POSSIBLE))
    app.submit_report(unit, report)
    app.resolve_alert(unit, report, "forecast_miss:1.1", ResolveAlert(Resolution.EXPLAINED, "下半年集中参保"))
    app.close_round(city, r, "本轮结束")
    rectification_events(app, report, unit, city)
    results_events(app)


def rectification_events(app: JixiaoApplication, report: UUID, unit: Caller, city: Caller) -> None:
    """The city's 整改 of the district's 监控表: findings (one withdrawn), a warning that it was
    not sent in time, the demand, an answer not accepted, a second answer accepted."""
    r = app.open_rectification(city, OpenRectification(SourceKind.MONITORING, report)).id
    app.record_finding(city, r, RecordFinding("参保人数进度滞后", ["1.1"], ["L0002"], "加快进度"))
    app.record_finding(city, r, RecordFinding("重复记录"))
    app.withdraw_finding(city, r, "F2", WithdrawFinding("与 F1 重复"))
    late = Actor("c1", "reviewer", "360100", "relay-test")
    app.change(late, Rectification, r, lambda x: x.warn_if_overdue(x.send_by + datetime.timedelta(days=1)))
    app.send_demand(city, r, SendDemand("请于 30 日内报送整改措施"))
    app.file_measures(unit, r, FileMeasures([Measure("F1", "集中宣传", "进度已赶上", True)]))
    app.review_rectification(city, r, ReviewRectification(False, "缺少佐证材料"))
    app.file_measures(unit, r, FileMeasures([Measure("F1", "集中宣传", "已附参保台账", True)], "已补充"))
    app.review_rectification(city, r, ReviewRectification(True, "同意"))


def results_events(app: JixiaoApplication) -> None:
    """The city's finance side adopts a 结果应用 policy and revises it; the city's finalized 部门评价
    of a district project gets its recommendation, made again when its 整改 is sent; the finance
    system records a changed decision."""
    finance = Caller("f1", "360100", frozenset({Role.FINANCE}), correlation_id="relay-test")
    city = Caller("c2", "360100", frozenset({Role.EVALUATOR, Role.REVIEWER}), correlation_id="relay-test")
    unit = Caller("p3", "360102", frozenset({Role.PREPARER}), correlation_id="relay-test")
    app.adopt_policy(finance, "360100", AdoptPolicy(DEFAULT_RULES, "采用默认标准"))
    harder = Rules(
        tuple(Band(b.grade, b.advice, Decimal(20) if b.cut_pct else b.cut_pct) for b in DEFAULT_RULES.bands)
    )
    app.revise_policy(finance, "360100", RevisePolicy(harder, "压减比例调整为 20%"))
    p = app.register_project(unit, "360102", RegisterProject("RS-1", "结果应用项目", 2024))
    ev = finalized_evaluation(app, city, p.id).id
    made = app.recommend(service("relay-test"), ev)
    assert made is not None
    r = app.open_rectification(city, OpenRectification(SourceKind.EVALUATION, ev)).id
    app.record_finding(city, r, RecordFinding("宣传覆盖不足", ["1.1"]))
    app.send_demand(city, r, SendDemand("请整改"))
    app.recommend(service("relay-test"), ev)
    changed = DecideRecommendation(Decision.CHANGED, Outcome(Advice.CUT, Decimal(5)), "财力紧张，压减 5%")
    app.decide_recommendation(finance, made.id, changed)
    report_events(app, ev, city)
    engagement_events(app, city)


def engagement_events(app: JixiaoApplication, city: Caller) -> None:
    """The city records a firm and a relation, engages it on a draft evaluation, the firm's person
    accepts, the staff changes, the engagement is revoked."""
    from services.app.commands import engagements as ec

    admin = Caller("a1", "360100", frozenset({Role.ADMIN}), correlation_id="relay-test")
    unit = Caller("p4", "360102", frozenset({Role.PREPARER}), correlation_id="relay-test")
    app.record_firm(admin, "360100", ec.RecordFirm("91360100MA35K7XY9E", "江西某会计师事务所"))
    app.relate_firm(admin, "360100", "91360100MA35K7XY9E", ec.RelateFirm("360103", "为其提供记账服务"))
    p = app.register_project(unit, "360102", RegisterProject("EN-1", "委托项目", 2024))
    ev = finalized_evaluation(app, city, p.id, finalize=False).id
    today = datetime.date(2026, 11, 30)
    grant = ec.GrantEngagement("91360100MA35K7XY9E", "部门评价委托", [ev], today, today, ["firm.zhang"])
    e = app.grant_engagement(admin, "360100", grant)
    firm = Caller(
        "firm.zhang", "360100", frozenset({Role.EVALUATOR}), correlation_id="relay-test", engagement=str(e.id)
    )
    app.accept_engagement(firm, e.id, ec.AcceptEngagement("本机构与被评价单位无任何利害关系，独立客观评价。"))
    app.change_engagement_staff(admin, e.id, ec.ChangeStaff(["firm.zhang", "firm.li"], "增加人员"))
    app.revoke_engagement(admin, e.id, ec.RevokeEngagement("合同终止"))


def report_events(app: JixiaoApplication, evaluation: UUID, writer: Caller) -> None:
    """The evaluation's report: started, its engagement data, one part of the outline written."""
    app.start_report_of(writer, evaluation)
    team = (Member("张某", "组长", "高级经济师"),)
    app.record_engagement(
        writer, evaluation, Engagement("南昌市医疗保障局", "南昌市医疗保障局", team, method="比较法")
    )
    app.write_section(writer, evaluation, "suggestions", WriteSection("加快预算执行进度。"))


PASSWORD = "Relay-test-2026!"


def account_events(app: JixiaoApplication) -> None:
    """A person's whole account life (password, sign-in, failures to lock-out, sign-out, disable,
    enable) and a service account's token issued and revoked."""
    accounts = quick_accounts(app)
    admin = Caller("admin.360102", "360102", frozenset({Role.ADMIN}), correlation_id="relay-test")
    person = accounts.register_user(
        admin, "360102", RegisterUser("li.lei", "李雷", [Role.PREPARER], password=PASSWORD)
    )
    session = accounts.sign_in(SignIn("360102", "li.lei", PASSWORD))
    accounts.sign_out(
        Caller("li.lei", "360102", frozenset({Role.PREPARER}), correlation_id="relay-test"), session.session
    )
    for _ in range(MAX_FAILURES):
        with contextlib.suppress(SignInRefused):
            accounts.sign_in(SignIn("360102", "li.lei", "wrong-Password-1"))
    accounts.change_contact(admin, person.id, ChangeContact("李雷", "0550-1234567"))
    accounts.disable_user(admin, person.id, WithReason("调岗"))
    accounts.enable_user(admin, person.id, WithReason("复岗"))
    service = accounts.register_user(
        admin,
        "360102",
        RegisterUser("budget-system", "财政预算系统", [Role.AUDITOR], kind=AccountKind.SERVICE),
    )
    token = accounts.issue_token(admin, service.id, IssueToken("预算系统对接", days=30))
    accounts.revoke_token(admin, service.id, token.token_id, WithReason("系统更换"))
    accounts.erase_personal(admin, person.id, WithReason("本人申请删除个人信息"))


def disclosure_events(app: JixiaoApplication) -> None:
    """The district project's approved targets published, withdrawn, the project marked 涉密."""
    from domain.disclosure import Kind
    from domain.ids import declaration_id, project_id
    from services.app.commands.disclosure import Classify, Publish, Withdraw

    reviewer = Caller("r2", "360102", frozenset({Role.REVIEWER}), correlation_id="relay-test")
    p = project_id("360102", 2024, "CY-1")
    done = app.publish(reviewer, Publish(Kind.TARGETS, declaration_id("360102", p)))
    app.withdraw_publication(reviewer, done.aggregate.id, Withdraw(done.result, "依规撤回"))
    app.classify_project(reviewer, p, Classify(True, "涉及敏感信息"))


def evidence_events(app: JixiaoApplication, evaluation: Any, key: str) -> None:
    """A file attached to an indicator, then removed (the file's bytes never leave the platform)."""
    from domain.evidence import EvidenceTarget, TargetKind
    from services.app.evidence import Stored

    evaluator = Caller("e1", "360102", frozenset({Role.EVALUATOR}), correlation_id="relay-test")
    target = EvidenceTarget(TargetKind.INDICATOR, evaluation, key)
    stored = Stored("5e" * 32, 2048, "application/pdf", "评分依据.pdf")
    evidence, attachment = app.attach_evidence(evaluator, target, stored, "评分依据")
    app.detach_evidence(evaluator, evidence.id, attachment, "上传错了文件")
