"""The authorization policy, enumerated: every action × every role × every relation × caller kind.

The expectations below are written out independently of ``services/app/policy.py`` (a second
statement of the same rules): a change to the policy that this table does not share fails here.
"""

from __future__ import annotations

import itertools

import pytest

from domain.errors import NotFound
from domain.tenants import Role
from services.app.errors import Forbidden
from services.app.policy import ACTIONS, PLATFORM, Caller, Relation, Target, authorize, check_role

P, E, R, A, D, F = Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR, Role.ADMIN, Role.FINANCE
ALL = frozenset(Role)
# action → (roles allowed, scope, a third party's token may run it)
EXPECTED: dict[str, tuple[frozenset[Role], str, bool]] = {
    "tenant.register": (frozenset({D}), "tenant_write", False),
    "tenant.register_province": (frozenset({D}), "province", False),
    "user.register": (frozenset({D}), "tenant_write", False),
    **{
        f"user.{a}": (frozenset({D}), "tenant_write", False)
        for a in (
            "change_roles",
            "set_password",
            "disable",
            "enable",
            "issue_token",
            "revoke_token",
            "change_contact",
            "erase_personal",
        )
    },
    "user.list": (frozenset({D, A}), "tenant_write", False),
    "me.change_password": (ALL, "platform", False),
    "me.sign_out": (ALL, "platform", True),
    "template.publish": (frozenset({D, E}), "tenant_write", False),
    "template.revise": (frozenset({D, E}), "tenant_write", False),
    "template.list": (ALL, "read", False),
    "project.register": (frozenset({P, E}), "tenant_write", False),
    "project.record_entry": (frozenset({P, E}), "tenant_write", False),
    "project.record_statement": (frozenset({P, E}), "tenant_write", False),
    "project.record_summary": (frozenset({P, E}), "tenant_write", False),
    "project.import_file": (frozenset({P, E}), "tenant_write", False),
    "evaluation.start": (frozenset({P, E}), "start", False),
    "evaluation.note_deviation": (frozenset({P, E}), "respond", True),
    **{
        f"targets.{a}": (frozenset({P, E}), "tenant_write", False)
        for a in ("declare", "edit", "submit", "request_adjustment")
    },
    "targets.review_supervisor": (frozenset({R}), "supervise", False),
    "targets.review_finance": (frozenset({F}), "supervise", False),
    "targets.review": (frozenset({R, F}), "supervise", False),
    "targets.decide_adjustment": (frozenset({F}), "supervise", False),
    "targets.read": (ALL, "read", False),
    "targets.history": (frozenset({A, R, D}), "read", False),
    "monitoring.open_round": (frozenset({R, F}), "tenant_write", False),
    "monitoring.close_round": (frozenset({R, F}), "tenant_write", False),
    **{
        f"monitoring.{a}": (frozenset({P, E}), "tenant_write", False)
        for a in ("answer", "submit", "resolve_alert")
    },
    "monitoring.check": (frozenset({R, F}), "tenant_write", False),
    "monitoring.flag_overdue": (frozenset({R, F}), "region", False),
    "monitoring.decide_alert": (frozenset({F}), "supervise", False),
    "monitoring.read": (ALL, "read", False),
    # 信息公开: the bureau's reviewer or admin speaks for it; anyone of the bureau (or above) reads
    "disclosure.publish": (frozenset({R, D}), "tenant_write", False),
    "disclosure.withdraw": (frozenset({R, D}), "tenant_write", False),
    "project.classify": (frozenset({R, D}), "tenant_write", False),
    "disclosure.list": (ALL, "read", False),
    "disclosure.history": (frozenset({A, R, D}), "read", False),
    **{
        f"rectification.{a}": (frozenset({E, R, F}), "demand", False)
        for a in ("open", "record_finding", "withdraw_finding")
    },
    "rectification.send": (frozenset({R, F}), "demand", False),
    "rectification.review": (frozenset({R, F}), "demand", False),
    "rectification.answer": (frozenset({P, E}), "tenant_write", False),
    "rectification.check": (frozenset({R, F}), "region", False),
    "rectification.flag_overdue": (frozenset({R, F}), "region", False),
    "rectification.read": (ALL, "read", False),
    "rectification.history": (frozenset({A, R, D}), "read", False),
    "results.adopt_policy": (frozenset({F}), "tenant_write", False),
    "results.revise_policy": (frozenset({F}), "tenant_write", False),
    "results.recommend": (frozenset({F}), "region", False),
    "results.decide": (frozenset({F}), "supervise", False),
    "results.read": (ALL, "read", False),
    "results.history": (frozenset({A, R, D}), "read", False),
    **{
        f"evaluation.{a}": (frozenset({P, E}), "evaluation", True)
        for a in (
            "define_indicator",
            "adopt_template",
            "move_template",
            "record_actual",
            "record_stated_score",
            "record_stated_total",
            "sync_ledger",
            "import_sheet",
            "submit",
        )
    },
    **{
        f"evaluation.{a}": (frozenset({E}), "evaluation", True)
        for a in ("apply_deduction", "revise_deduction", "withdraw_deduction", "judge_score")
    },
    **{f"evaluation.{a}": (frozenset({R}), "evaluation", True) for a in ("return", "finalize", "reopen")},
    "report.write": (frozenset({P, E}), "evaluation", True),
    **{
        f"engagement.{a}": (frozenset({R, F, D}), "tenant_write", False)
        for a in ("record_firm", "grant", "revoke")
    },
    "engagement.accept": (ALL, "platform", True),
    "engagement.read": (ALL, "read", False),
    "me.read": (ALL, "platform", True),
    "tenant.read": (ALL, "read", False),
    "tenant.list_evaluations": (ALL, "read", False),
    "tenant.list_projects": (ALL, "read", False),
    "tenant.rollup": (ALL, "read", False),
    "tenant.dashboard": (ALL, "read", False),
    "project.read_ledger": (ALL, "read", False),
    "project.ledger_history": (frozenset({A, R, D}), "read", False),
    "evaluation.read": (ALL, "read", True),
    "evaluation.lineage": (ALL, "read", True),
    "evaluation.what_if": (ALL, "read", True),
    "evaluation.export": (ALL, "read", True),
    "evaluation.as_of": (frozenset({A, R, D}), "read", True),
    "evaluation.history": (frozenset({A, R, D}), "read", True),
    "evaluation.integrity": (frozenset({A, R, D}), "read", True),
    "platform.integrity": (frozenset({A, D}), "platform", False),
    # 佐证材料: as editing what it is attached to; reading: as reading it
    "evidence.attach": (frozenset({P, E, R, F}), "evaluation", True),  # the routes' guards
    "evidence.detach": (frozenset({P, E, R, F}), "evaluation", True),
    "evidence.edit_indicator": (frozenset({P, E}), "evaluation", True),
    "evidence.edit_deduction": (frozenset({E}), "evaluation", True),
    "evidence.edit_ledger_entry": (frozenset({P, E}), "tenant_write", False),
    "evidence.edit_finding": (frozenset({E, R, F}), "demand", False),
    "evidence.edit_rectification": (frozenset({P, E}), "tenant_write", False),
    "evidence.read": (ALL, "read", True),
    "evidence.history": (frozenset({A, R, D}), "read", True),
    "evaluation.compare": (ALL, "read", False),
    "project.series": (ALL, "read", False),
}
ROLE_SETS = [frozenset()] + [frozenset({r}) for r in Role] + [ALL]
TARGETS = {
    "plain": Target("341182"),
    "own_evaluation": Target("341182", "ev-1", "341182"),
    "evaluated_by_grandparent": Target("341182", "ev-1", "340000"),
    "evaluated_by_caller": Target("341182", "ev-1", "341100"),
    "self_evaluation": Target("341182", self_evaluation=True),
    "demanded_by_caller": Target("341182", None, "341100"),  # a 整改 the caller's bureau demands
}


def expected(action: str, roles: frozenset[Role], relation: Relation, target: str, tenant: str) -> str:
    allowed, scope, _ = EXPECTED[action]
    if not roles & allowed:
        return "403"
    if scope == "platform":
        return "ok"
    if scope == "province":
        return "ok" if tenant == PLATFORM else "403"
    if relation is Relation.NONE:
        return "404"
    if scope == "read":
        return "ok"
    if scope == "tenant_write":
        return "ok" if relation is Relation.OWN else "403"
    if scope == "region":
        return "ok"
    if scope == "supervise":  # above the data only: never one's own bureau
        return "403" if relation is Relation.OWN else "ok"
    if scope == "start":
        return "403" if relation is Relation.DESCENDANT and target == "self_evaluation" else "ok"
    # evaluation: only the bureau that evaluates writes; respond: the evaluated bureau too;
    # demand: only the bureau that demands the 整改
    evaluator = TARGETS[target].evaluator_tenant
    if evaluator == tenant:
        return "ok"
    if scope == "respond" and relation is Relation.OWN:
        return "ok"
    return "403"


def outcome(caller: Caller, action: str, target: Target, relation: Relation) -> str:
    try:
        authorize(caller, action, target, relation)
    except Forbidden:
        return "403"
    except NotFound:
        return "404"
    return "ok"


def test_the_table_names_every_action() -> None:
    assert set(EXPECTED) == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_bureau_staff(action: str) -> None:
    checked = 0
    for roles, relation, (name, target), tenant in itertools.product(
        ROLE_SETS, Relation, TARGETS.items(), ("341100", PLATFORM)
    ):
        caller = Caller("u", tenant, roles)
        want = expected(action, roles, relation, name, tenant)
        assert outcome(caller, action, target, relation) == want, (
            action,
            sorted(roles),
            relation,
            name,
            tenant,
        )
        checked += 1
    assert checked == len(ROLE_SETS) * 3 * len(TARGETS) * 2


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_third_party_tokens(action: str) -> None:
    allowed, _, third_party = EXPECTED[action]
    for roles, granted, relation in itertools.product(ROLE_SETS, (True, False), Relation):
        caller = Caller("firm", "000001", roles, evaluations=frozenset({"ev-1"}))
        target = Target("341182", "ev-1" if granted else "ev-2", None)
        role_ok = bool(roles & allowed) or action == "evaluation.as_of"
        if not role_ok:
            want = "403"
        elif not third_party or (not granted and EXPECTED[action][1] != "platform"):
            want = "404"
        else:
            want = "ok"
        assert outcome(caller, action, target, relation) == want, (action, sorted(roles), granted, relation)


def test_the_operator_may_do_anything_and_is_stamped_with_the_rules_first_role() -> None:
    operator = Caller("ops", "341182", frozenset(), operator=True)
    for action, (allowed, _, _) in EXPECTED.items():
        role = authorize(operator, action, Target("999999"), Relation.NONE)
        assert role in allowed


def test_roles_are_checked_without_data() -> None:
    auditor = Caller("a", "360100", frozenset({A}))
    with pytest.raises(Forbidden) as refused:
        check_role(auditor, "evaluation.apply_deduction")
    assert refused.value.code == "forbidden.role" and "评价人" in refused.value.message
    assert check_role(Caller("m", "360100", frozenset({P, E})), "evaluation.import_sheet") is E


def test_evidence_is_edited_by_whoever_may_edit_what_it_is_attached_to() -> None:
    from services.app.policy import EVIDENCE_EDIT

    same = {
        "indicator": "evaluation.record_actual",
        "deduction": "evaluation.apply_deduction",
        "ledger_entry": "project.record_entry",
        "finding": "rectification.record_finding",
        "rectification": "rectification.answer",
    }
    assert set(EVIDENCE_EDIT) == set(same)
    for kind, action in EVIDENCE_EDIT.items():
        assert EXPECTED[action] == EXPECTED[same[kind]], kind
