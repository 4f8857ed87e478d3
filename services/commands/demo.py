"""Demo data: the bureaus of the source reports, their users, the shipped template, the reports.

Idempotent: what exists already is left alone, so ``jixiao up`` can run again and again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from domain.errors import AlreadyExists
from domain.templates import PLATFORM_TENANT
from domain.tenants import Role, TenantLevel
from services.app.accounts import Accounts
from services.app.application import JixiaoApplication
from services.app.builtin import BUILTIN_TEMPLATES, builtin_template
from services.app.commands.inputs import PublishTemplate, RegisterTenant, RegisterUser
from services.app.policy import ROLE_LABEL
from services.commands.demo_cycle import seed_cycle
from services.commands.demo_rectification import seed_rectifications
from services.commands.imports import import_report, operator
from services.files.loader import load_report

# (code, name, level, parent): the tenant trees of source reports 000, 001 and 004
DEMO_TENANTS = (
    ("360000", "江西省医疗保障局", TenantLevel.PROVINCE, None),
    ("360100", "南昌市医疗保障局", TenantLevel.MUNICIPAL, "360000"),
    ("340000", "安徽省医疗保障局", TenantLevel.PROVINCE, None),
    ("341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000"),
    ("341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100"),
    ("650000", "新疆维吾尔自治区医疗保障局", TenantLevel.PROVINCE, None),
    ("652800", "巴音郭楞蒙古自治州医疗保障局", TenantLevel.MUNICIPAL, "650000"),
    ("652829", "博湖县医疗保障局", TenantLevel.COUNTY, "652800"),
)
DEMO_ROLES = (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN, Role.FINANCE)
# a whole team in one account, for trying every page: the city of report 000, the county of 001
TEAM = (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR)
TEAM_BUREAUS = ("360100", "341182")
DEMO_PASSWORD = "Jixiao@2026-demo"  # the demo only: printed by `jixiao up`, never for real bureaus


@dataclass
class DemoSummary:
    tenants: int = 0
    users: int = 0
    templates: int = 0
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    cycles: int = 0  # bureaus whose year of targets and monitoring was loaded
    rectifications: int = 0  # 整改 loaded (one closed, one overdue)


def _accounts(code: str, name: str) -> list[RegisterUser]:
    people = [
        RegisterUser(f"{role.value}.{code}", f"{name}{ROLE_LABEL[role]}", [role], password=DEMO_PASSWORD)
        for role in DEMO_ROLES
    ]
    if code in TEAM_BUREAUS:
        people.append(RegisterUser(f"demo.{code}", f"{name}演示账户", list(TEAM), password=DEMO_PASSWORD))
    return people


def seed_demo(app: JixiaoApplication, reports_dir: Path, accounts: Accounts) -> DemoSummary:
    """The demo's bureaus, accounts (each with ``DEMO_PASSWORD``), the shipped template and the
    source reports."""
    caller = operator(PLATFORM_TENANT, "demo")
    out = DemoSummary()
    for code, name, level, parent in DEMO_TENANTS:
        try:
            app.register_tenant(caller, RegisterTenant(code, name, level, parent))
            out.tenants += 1
        except AlreadyExists:
            pass
        for user in _accounts(code, name):
            try:
                accounts.register_user(operator(code, "demo"), code, user)
                out.users += 1
            except AlreadyExists:
                pass
    for filename in BUILTIN_TEMPLATES:
        name, description, specs = builtin_template(filename)
        try:
            app.publish_template(caller, PLATFORM_TENANT, PublishTemplate(name, list(specs), description))
            out.templates += 1
        except AlreadyExists:
            pass
    for path in sorted(reports_dir.glob("*.yaml")):
        report = load_report(path)
        tenant = report.tenant.code if report.tenant else "360100"
        try:
            done = import_report(app, path, tenant, "demo")
            out.imported.append(f"{path.name}：{done.project} {done.total}（{done.grade}）")
        except AlreadyExists:
            out.skipped.append(path.name)
    out.cycles = seed_cycle(app)
    out.rectifications = seed_rectifications(app)
    return out
