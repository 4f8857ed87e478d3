"""Who may do what, where: one policy for every command and query.

A decision depends on three things only:

- the **caller**: user, bureau (tenant), roles, and — for a third-party firm's token — the
  evaluations granted to it;
- the **relation** of the caller's bureau to the data's bureau in the tenant tree: ``own``,
  ``descendant`` (the data belongs to a bureau below the caller's) or ``none``;
- the **action** (one name per command and per query, ``ACTIONS``).

Each action has a rule: the roles that may run it and a *scope* that reads the relation:

==================  ==========================================================================
scope               allowed
==================  ==========================================================================
``read``            own or descendant data; a third party: its granted evaluations
``tenant_write``    own bureau only (a descendant's: 403 read-only)
``evaluation``      the bureau that evaluates (its evaluator: the bureau itself for a 自评, the
                    supervising or finance bureau for a 部门/财政评价, the commissioning bureau
                    when a firm does the work); a third party: its granted evaluations. The
                    evaluated bureau reads, and never changes scores, deductions, totals or the
                    lifecycle of an evaluation someone else runs on it
``respond``         as ``evaluation``, and the evaluated bureau too (its 偏差原因分析)
``start``           own project (any kind), a descendant's (department/finance kinds only)
``supervise``       a descendant's data only: the supervising bureau's and the finance side's
                    reviews and decisions — never the declaring bureau's own (403)
``region``          own or descendant data: the supervising side's actions over its region
                    (a monitoring round's deadline check, the 整改 overdue check)
``demand``          the demanding bureau of a 整改 only (the bureau that evaluated or monitored:
                    the bureau itself for a 自评); the evaluated bureau answers, never decides
``province``        the platform operator's tenant only
``platform``        any caller whose role fits (e.g. signing in, one's own profile)
==================  ==========================================================================

Data outside the caller's reach is answered as *not found*, never as forbidden: its existence
is not revealed. The role is checked first, before the request's body is read, so an auditor
who sends an incomplete command is told 403, not 400 (``check_role``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from domain.errors import NotFound
from domain.tenants import Role
from services.app.errors import Forbidden

PLATFORM = "000000"  # the platform operator's tenant: its admins register provinces


@dataclass(frozen=True)
class Caller:
    """Who calls: the person (or system) behind a token, a session or the command line."""

    user: str
    tenant: str
    roles: frozenset[Role]
    evaluations: frozenset[str] = field(default_factory=frozenset)  # a third party's grants
    correlation_id: str = ""
    token_id: str = ""  # the token's or session's id (revocable)
    issued_at: float = 0.0  # when the token or session was issued (seconds since the epoch)
    via: str = "token"  # token | session | service
    operator: bool = False  # the platform's operator at the server's command line
    engagement: str = ""  # a firm's person reaching evaluations through an engagement (its id)

    @property
    def restricted(self) -> bool:
        """A third-party evaluator's token: the named evaluations only, nothing else."""
        return bool(self.evaluations) or bool(self.engagement)

    def has(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))


class Relation(enum.StrEnum):
    OWN = "own"
    DESCENDANT = "descendant"
    NONE = "none"


class Scope(enum.StrEnum):
    READ = "read"
    TENANT_WRITE = "tenant_write"
    EVALUATION = "evaluation"
    RESPOND = "respond"
    START = "start"
    SUPERVISE = "supervise"
    REGION = "region"
    DEMAND = "demand"
    PROVINCE = "province"
    PLATFORM = "platform"


@dataclass(frozen=True)
class Target:
    """What a decision needs to know of the data acted on."""

    tenant: str
    evaluation: str | None = None  # the evaluation's id, for third-party grants
    evaluator_tenant: str | None = (
        None  # an evaluation's writer (the bureau that evaluates); a 整改's demander
    )
    self_evaluation: bool = False  # a 单位自评 (only its own bureau may start one)


@dataclass(frozen=True)
class Rule:
    roles: tuple[Role, ...]
    scope: Scope
    third_party: bool = False  # whether a restricted (third-party) token may run it at all


PREPARE = (Role.PREPARER, Role.EVALUATOR)
SCORE = (Role.EVALUATOR,)
REVIEW = (Role.REVIEWER,)
ADMIN = (Role.ADMIN,)
HISTORY = (Role.AUDITOR, Role.REVIEWER, Role.ADMIN)  # audit trails and time travel
ANY = tuple(Role)
FINANCE = (Role.FINANCE,)
MONITOR = (Role.REVIEWER, Role.FINANCE)  # the supervising bureau or the finance side
DISCLOSE = (Role.REVIEWER, Role.ADMIN)  # who speaks for the bureau in public
EVIDENCE_WRITERS = (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.FINANCE)  # any who edits a target

ACTIONS: dict[str, Rule] = {
    # commands
    "tenant.register": Rule(ADMIN, Scope.TENANT_WRITE),
    "tenant.register_province": Rule(ADMIN, Scope.PROVINCE),
    "user.register": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.change_roles": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.set_password": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.disable": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.enable": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.issue_token": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.revoke_token": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.change_contact": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.erase_personal": Rule(ADMIN, Scope.TENANT_WRITE),
    "user.list": Rule((Role.ADMIN, Role.AUDITOR), Scope.TENANT_WRITE),
    "me.change_password": Rule(ANY, Scope.PLATFORM),
    "me.sign_out": Rule(ANY, Scope.PLATFORM, third_party=True),
    "template.publish": Rule((Role.ADMIN, Role.EVALUATOR), Scope.TENANT_WRITE),
    "template.revise": Rule((Role.ADMIN, Role.EVALUATOR), Scope.TENANT_WRITE),
    "template.list": Rule(ANY, Scope.READ),
    "project.register": Rule(PREPARE, Scope.TENANT_WRITE),
    "project.record_entry": Rule(PREPARE, Scope.TENANT_WRITE),
    "project.record_statement": Rule(PREPARE, Scope.TENANT_WRITE),
    "project.record_summary": Rule(PREPARE, Scope.TENANT_WRITE),
    "project.import_file": Rule(PREPARE, Scope.TENANT_WRITE),
    "evaluation.start": Rule(PREPARE, Scope.START),
    "evaluation.define_indicator": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.adopt_template": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.move_template": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.record_actual": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.note_deviation": Rule(PREPARE, Scope.RESPOND, third_party=True),
    "evaluation.record_stated_score": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.record_stated_total": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.sync_ledger": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    # an import may carry deductions: the scoring role is stamped when the caller holds it
    "evaluation.import_sheet": Rule((Role.EVALUATOR, Role.PREPARER), Scope.EVALUATION, third_party=True),
    "evaluation.submit": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evaluation.apply_deduction": Rule(SCORE, Scope.EVALUATION, third_party=True),
    "evaluation.judge_score": Rule(SCORE, Scope.EVALUATION, third_party=True),
    "evaluation.revise_deduction": Rule(SCORE, Scope.EVALUATION, third_party=True),
    "evaluation.withdraw_deduction": Rule(SCORE, Scope.EVALUATION, third_party=True),
    "evaluation.return": Rule(REVIEW, Scope.EVALUATION, third_party=True),
    "evaluation.finalize": Rule(REVIEW, Scope.EVALUATION, third_party=True),
    "evaluation.reopen": Rule(REVIEW, Scope.EVALUATION, third_party=True),
    # 绩效目标: declared by the unit, reviewed above it, adjusted on request
    "targets.declare": Rule(PREPARE, Scope.TENANT_WRITE),
    "targets.edit": Rule(PREPARE, Scope.TENANT_WRITE),
    "targets.submit": Rule(PREPARE, Scope.TENANT_WRITE),
    "targets.review_supervisor": Rule(REVIEW, Scope.SUPERVISE),
    "targets.review_finance": Rule(FINANCE, Scope.SUPERVISE),
    "targets.review": Rule(
        (Role.REVIEWER, Role.FINANCE), Scope.SUPERVISE
    ),  # the route's guard; the stage picks one above
    "targets.request_adjustment": Rule(PREPARE, Scope.TENANT_WRITE),
    "targets.decide_adjustment": Rule(FINANCE, Scope.SUPERVISE),
    # 绩效运行监控
    "monitoring.open_round": Rule(MONITOR, Scope.TENANT_WRITE),
    "monitoring.close_round": Rule(MONITOR, Scope.TENANT_WRITE),
    "monitoring.answer": Rule(PREPARE, Scope.TENANT_WRITE),
    "monitoring.submit": Rule(PREPARE, Scope.TENANT_WRITE),
    "monitoring.check": Rule(MONITOR, Scope.TENANT_WRITE),  # the round's own bureau runs its check
    "monitoring.flag_overdue": Rule(MONITOR, Scope.REGION),  # … which flags projects across its region
    "monitoring.resolve_alert": Rule(PREPARE, Scope.TENANT_WRITE),
    "monitoring.decide_alert": Rule(FINANCE, Scope.SUPERVISE),
    # 整改: the demander records findings, sends and verifies; the evaluated bureau answers
    "rectification.open": Rule((Role.EVALUATOR, Role.REVIEWER, Role.FINANCE), Scope.DEMAND),
    "rectification.record_finding": Rule((Role.EVALUATOR, Role.REVIEWER, Role.FINANCE), Scope.DEMAND),
    "rectification.withdraw_finding": Rule((Role.EVALUATOR, Role.REVIEWER, Role.FINANCE), Scope.DEMAND),
    "rectification.send": Rule(MONITOR, Scope.DEMAND),
    "rectification.review": Rule(MONITOR, Scope.DEMAND),
    "rectification.answer": Rule(PREPARE, Scope.TENANT_WRITE),
    "rectification.check": Rule(MONITOR, Scope.REGION),  # the overdue check over the caller's region
    "rectification.flag_overdue": Rule(MONITOR, Scope.REGION),
    # 结果应用: the finance side's policy and its decisions; recommendations are made by the platform
    "results.adopt_policy": Rule(FINANCE, Scope.TENANT_WRITE),
    "results.revise_policy": Rule(FINANCE, Scope.TENANT_WRITE),
    "results.recommend": Rule(FINANCE, Scope.REGION),
    "results.decide": Rule(FINANCE, Scope.SUPERVISE),  # the finance side above, as for targets
    # 委托第三方: the bureau records firms, engages, revokes; the firm's person accepts
    "engagement.record_firm": Rule((Role.REVIEWER, Role.FINANCE, Role.ADMIN), Scope.TENANT_WRITE),
    "engagement.grant": Rule((Role.REVIEWER, Role.FINANCE, Role.ADMIN), Scope.TENANT_WRITE),
    "engagement.revoke": Rule((Role.REVIEWER, Role.FINANCE, Role.ADMIN), Scope.TENANT_WRITE),
    "engagement.accept": Rule(ANY, Scope.PLATFORM, third_party=True),  # the command checks whose
    "engagement.read": Rule(ANY, Scope.READ),
    # 评价报告: written by whoever writes the evaluation (a firm through its grant)
    "report.write": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    # 信息公开: the bureau itself publishes, withdraws, marks 涉密 (docs/disclosure.md)
    "disclosure.publish": Rule(DISCLOSE, Scope.TENANT_WRITE),
    "disclosure.withdraw": Rule(DISCLOSE, Scope.TENANT_WRITE),
    "project.classify": Rule(DISCLOSE, Scope.TENANT_WRITE),
    # 佐证材料: attached or removed by whoever may edit what it is attached to (EVIDENCE_EDIT);
    # the routes' guards take any role that may edit one of them
    "evidence.attach": Rule(EVIDENCE_WRITERS, Scope.EVALUATION, third_party=True),
    "evidence.detach": Rule(EVIDENCE_WRITERS, Scope.EVALUATION, third_party=True),
    "evidence.edit_indicator": Rule(PREPARE, Scope.EVALUATION, third_party=True),
    "evidence.edit_deduction": Rule(SCORE, Scope.EVALUATION, third_party=True),
    "evidence.edit_ledger_entry": Rule(PREPARE, Scope.TENANT_WRITE),
    "evidence.edit_finding": Rule((Role.EVALUATOR, Role.REVIEWER, Role.FINANCE), Scope.DEMAND),
    "evidence.edit_rectification": Rule(PREPARE, Scope.TENANT_WRITE),
    # queries
    "me.read": Rule(ANY, Scope.PLATFORM, third_party=True),
    "tenant.read": Rule(ANY, Scope.READ),
    "tenant.list_evaluations": Rule(ANY, Scope.READ),
    "tenant.list_projects": Rule(ANY, Scope.READ),
    "tenant.rollup": Rule(ANY, Scope.READ),
    "tenant.dashboard": Rule(ANY, Scope.READ),
    "project.read_ledger": Rule(ANY, Scope.READ),
    "project.ledger_history": Rule(HISTORY, Scope.READ),
    "evaluation.read": Rule(ANY, Scope.READ, third_party=True),
    "evaluation.lineage": Rule(ANY, Scope.READ, third_party=True),
    "evaluation.what_if": Rule(ANY, Scope.READ, third_party=True),
    "evaluation.export": Rule(ANY, Scope.READ, third_party=True),
    "evaluation.as_of": Rule(HISTORY, Scope.READ, third_party=True),
    "evaluation.history": Rule(HISTORY, Scope.READ, third_party=True),
    "evaluation.integrity": Rule(HISTORY, Scope.READ, third_party=True),
    "platform.integrity": Rule((Role.AUDITOR, Role.ADMIN), Scope.PLATFORM),
    "targets.read": Rule(ANY, Scope.READ),
    "targets.history": Rule(HISTORY, Scope.READ),
    "monitoring.read": Rule(ANY, Scope.READ),
    "rectification.read": Rule(ANY, Scope.READ),
    "rectification.history": Rule(HISTORY, Scope.READ),
    "results.read": Rule(ANY, Scope.READ),
    "results.history": Rule(HISTORY, Scope.READ),
    # 自评与外部评价对比, a project's years (issue 19 §6): readers of the project's bureau and above
    "evaluation.compare": Rule(ANY, Scope.READ),
    "project.series": Rule(ANY, Scope.READ),
    "disclosure.list": Rule(ANY, Scope.READ),
    "disclosure.history": Rule(HISTORY, Scope.READ),
    "evidence.read": Rule(ANY, Scope.READ, third_party=True),
    "evidence.history": Rule(HISTORY, Scope.READ, third_party=True),
}

# the action that decides who may attach evidence to (or remove it from) each kind of thing:
# the same roles and scope as editing the thing itself
EVIDENCE_EDIT = {
    "indicator": "evidence.edit_indicator",  # as evaluation.record_actual
    "deduction": "evidence.edit_deduction",  # as evaluation.apply_deduction
    "ledger_entry": "evidence.edit_ledger_entry",  # as project.record_entry
    "finding": "evidence.edit_finding",  # as rectification.record_finding (the demanding bureau)
    "rectification": "evidence.edit_rectification",  # as rectification.answer (the unit's measures)
}

ROLE_LABEL = {
    Role.PREPARER: "填报人",
    Role.EVALUATOR: "评价人",
    Role.REVIEWER: "审核人",
    Role.AUDITOR: "审计人员",
    Role.ADMIN: "管理员",
    Role.FINANCE: "财政审核人",
}

# A third party's time travel needs no history role: its own granted evaluation's versions
_THIRD_PARTY_ANY_ROLE = frozenset({"evaluation.as_of"})


def rule_of(action: str) -> Rule:
    try:
        return ACTIONS[action]
    except KeyError:
        raise KeyError(f"no policy for action {action!r}") from None


def check_role(caller: Caller, action: str) -> Role:
    """The role the caller acts in for ``action`` (the first of the rule's roles it holds);
    ``Forbidden`` when it holds none. Needs no data: runs before the request body is read."""
    rule = rule_of(action)
    if caller.operator:
        return rule.roles[0]
    if caller.restricted and action in _THIRD_PARTY_ANY_ROLE:
        return next(iter(sorted(caller.roles)), Role.EVALUATOR)
    for role in rule.roles:
        if role in caller.roles:
            return role
    names = "、".join(ROLE_LABEL[r] for r in rule.roles)
    raise Forbidden(f"此操作需要以下角色之一：{names}", code="forbidden.role")


def authorize(caller: Caller, action: str, target: Target | None, relation: Relation) -> Role:
    """The whole decision: the role (``check_role``), then the scope against the data.
    ``relation`` is the caller's bureau's relation to ``target.tenant`` (``Relation.NONE``
    when there is no target). Returns the role to stamp on the events."""
    role = check_role(caller, action)
    if caller.operator:
        return role
    rule = rule_of(action)
    if caller.restricted:
        granted = target is not None and target.evaluation in caller.evaluations
        if not rule.third_party or (rule.scope is not Scope.PLATFORM and not granted):
            raise _hidden(action)
        return role
    scope = rule.scope
    if scope is Scope.PLATFORM:
        return role
    if scope is Scope.PROVINCE:
        if caller.tenant != PLATFORM:
            raise Forbidden("只有平台管理员可以登记省级单位", code="forbidden.scope")
        return role
    if relation is Relation.NONE:
        raise _hidden(action)
    if scope is Scope.READ:
        return role
    if scope is Scope.TENANT_WRITE:
        if relation is not Relation.OWN:
            raise Forbidden("上级单位对下级单位的数据只读", code="forbidden.read_only")
        return role
    if scope is Scope.REGION:
        return role
    if scope is Scope.DEMAND:
        if target is not None and target.evaluator_tenant == caller.tenant:
            return role
        raise Forbidden(
            "整改要求由提出整改的单位记录、下达和验收，被整改单位只能报送整改情况", code="forbidden.demander"
        )
    if scope is Scope.SUPERVISE:
        if relation is Relation.OWN:
            raise Forbidden(
                "本单位的申报或报送须由上级主管部门或财政部门审核、决定", code="forbidden.own_review"
            )
        return role
    assert target is not None
    if scope is Scope.START:
        if relation is Relation.DESCENDANT and target.self_evaluation:
            raise Forbidden("自评只能由项目所在单位发起", code="forbidden.read_only")
        return role
    if target.evaluator_tenant == caller.tenant:  # the evaluating bureau
        return role
    if scope is Scope.RESPOND and relation is Relation.OWN:  # the evaluated bureau answers
        return role
    if relation is Relation.OWN:
        raise Forbidden(
            "此评价由评价单位评分，被评价单位只能查看与填写偏差原因说明", code="forbidden.evaluated_bureau"
        )
    raise Forbidden("上级单位对下级单位的评价只读（部门评价除外）", code="forbidden.read_only")


_WHAT = {
    "tenant": "单位",
    "user": "单位",
    "template": "单位",
    "project": "项目",
    "evaluation": "评价",
    "targets": "绩效目标",
    "monitoring": "监控",
    "rectification": "整改",
    "results": "预算建议",
    "disclosure": "公开信息",
    "evidence": "佐证材料",
}


def _hidden(action: str) -> NotFound:
    what = _WHAT.get(action.partition(".")[0], "记录")
    return NotFound(f"{what}不存在", code="not_found")
