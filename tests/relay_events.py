"""A small history with every kind of event: what relay tests publish and check."""

from __future__ import annotations

from decimal import Decimal

from domain.context import Actor
from domain.templates import PLATFORM_TENANT
from domain.tenants import Role, Tenant, TenantLevel, User
from services.app.application import JixiaoApplication
from services.app.builtin import BUILTIN_TEMPLATES, builtin_template
from services.commands.imports import import_report
from tests.conftest import REPORTS

ADMIN = Actor("admin", "admin", PLATFORM_TENANT, "relay-test")
TREE = (
    ("360000", "江西省医疗保障局", TenantLevel.PROVINCE, None),
    ("360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000"),
    ("360102", "东湖区医疗保障局", TenantLevel.DISTRICT, "360100"),
    ("360103", "西湖区医疗保障局", TenantLevel.DISTRICT, "360100"),
)


def register_tree(app: JixiaoApplication) -> None:
    for code, name, level, parent in TREE:
        app.register_tenant(ADMIN, code, name, level, parent)


def every_kind_of_event(app: JixiaoApplication) -> None:
    """Tenants 360000 → 360100 → 360102 / 360103, then at least one event of every class."""
    register_tree(app)
    app.change(ADMIN, Tenant, app.tenant("360103").id, lambda t: t.rename("西湖区医保局"))
    user = app.register_user(ADMIN, "360102", "evaluator.360102", "评价人", (Role.EVALUATOR,))
    app.change(ADMIN, User, user.id, lambda u: u.change_roles((Role.EVALUATOR, Role.REVIEWER), "兼任审核"))
    name, description, specs = builtin_template(BUILTIN_TEMPLATES[0])
    tpl = app.publish_template(ADMIN, PLATFORM_TENANT, name, specs, description)
    app.change(ADMIN, type(tpl), tpl.id, lambda t: t.revise(specs[:-1], "删去最后一项"))
    done = import_report(app, REPORTS / "004-bohu-2022.yaml", "360102", "import")
    evaluation = done.evaluation
    ev = app.evaluation(evaluation)
    key = next(k for k, n in ev.nodes.items() if n.spec.rule is not None and n.spec.weight >= 2)
    actor = Actor("e1", "evaluator", "360102", "relay-test")
    app.apply_deduction(actor, evaluation, "d-relay", key, Decimal("0.5"), "资料不全")
    app.revise_deduction(actor, evaluation, "d-relay", Decimal("1"), "复核后加重")
    app.withdraw_deduction(actor, evaluation, "d-relay", "补交了资料")
    app.on_evaluation(actor, evaluation, lambda e: e.record_stated_score(key, Decimal("1")))
    app.on_evaluation(actor, evaluation, lambda e: e.note_deviation(key, "偏差说明"))
    app.on_evaluation(actor, evaluation, lambda e: e.record_stated_total(Decimal("90"), "优"))
    app.submit(actor, evaluation)
    app.return_for_revision(Actor("r1", "reviewer", "360102", "relay-test"), evaluation, "请补充说明")
