"""Engagements through the named commands (in-memory log): a firm recorded with a relation; an
engagement of the bureau's own 部门评价 granted; refused for a related bureau, another bureau's
evaluation, a bad credit code, an empty staff, a period ending before it starts; accepted only by
its staff with a declaration; whom it admits on which day; revoked with a reason."""

from __future__ import annotations

import datetime

import pytest

from domain.engagements import check_firm_code
from domain.errors import DomainError, InvalidState, NotFound
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands import engagements as ec
from services.app.policy import Caller
from services.compose import build_in_memory
from tests.support import finalized_evaluation, project, register, staff

CITY = staff("341100", "city", Role.EVALUATOR, Role.REVIEWER, Role.FINANCE)
COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.FINANCE)
FIRM, D = "91341100MA2N8XKQ3B", datetime.date


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    register(a, "341181", "天长市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def test_credit_codes() -> None:
    check_firm_code(FIRM)
    for bad in ("91341100MA2N8XKQ3", "91341100MA2N8XKQ3I", "９１341100MA2N8XKQ3B"):
        with pytest.raises(DomainError, match="统一社会信用代码"):
            check_firm_code(bad)


def test_grant_accept_admit_revoke(app: JixiaoApplication) -> None:
    ev = finalized_evaluation(app, CITY, project(app, COUNTY, "E1", "项目", 2024).id, finalize=False).id
    elsewhere = finalized_evaluation(
        app, COUNTY, project(app, COUNTY, "E2", "自评", 2024).id, finalize=False
    ).id
    app.record_firm(CITY, "341100", ec.RecordFirm(FIRM, "滁州某会计师事务所"))
    grant = ec.GrantEngagement(FIRM, "部门评价委托", [ev], D(2025, 3, 1), D(2025, 4, 30), ["firm.a"])
    with pytest.raises(NotFound, match="不是本单位开展的评价"):  # the county's own self-evaluation
        app.grant_engagement(
            CITY, "341100", ec.GrantEngagement(FIRM, "x", [elsewhere], D(2025, 3, 1), D(2025, 4, 30), ["a"])
        )
    with pytest.raises(DomainError, match="早于"):
        app.grant_engagement(
            CITY, "341100", ec.GrantEngagement(FIRM, "x", [ev], D(2025, 5, 1), D(2025, 4, 30), ["a"])
        )
    with pytest.raises(NotFound):  # the evaluated county does not engage for its city (nor sees it)
        app.grant_engagement(COUNTY, "341100", grant)
    e = app.grant_engagement(CITY, "341100", grant)
    assert not e.admits("firm.a", D(2025, 3, 2))  # not accepted yet
    firm = Caller("firm.a", "341100", frozenset({Role.EVALUATOR}), engagement=str(e.id))
    stranger = Caller("firm.b", "341100", frozenset({Role.EVALUATOR}), engagement=str(e.id))
    other = Caller("firm.a", "341100", frozenset({Role.EVALUATOR}), engagement="not-this-one")
    with pytest.raises(DomainError, match="名单"):
        app.accept_engagement(stranger, e.id, ec.AcceptEngagement("本机构与被评价单位无任何利害关系。"))
    with pytest.raises(NotFound):
        app.accept_engagement(other, e.id, ec.AcceptEngagement("本机构与被评价单位无任何利害关系。"))
    accepted = app.accept_engagement(
        firm, e.id, ec.AcceptEngagement("本机构与被评价单位无任何利害关系。")
    ).aggregate
    assert accepted.admits("firm.a", D(2025, 3, 1)) and accepted.admits("firm.a", D(2025, 4, 30))
    assert not accepted.admits("firm.a", D(2025, 5, 1)) and not accepted.admits("firm.b", D(2025, 3, 2))
    with pytest.raises(InvalidState):
        app.accept_engagement(firm, e.id, ec.AcceptEngagement("再次接受：本机构无利害关系。"))
    with pytest.raises(DomainError, match="原因"):
        app.revoke_engagement(CITY, e.id, ec.RevokeEngagement(" "))
    done = app.revoke_engagement(CITY, e.id, ec.RevokeEngagement("合同终止")).aggregate
    assert done.revoked and not done.admits("firm.a", D(2025, 3, 2))


def test_a_related_firm_is_not_engaged(app: JixiaoApplication) -> None:
    ev = finalized_evaluation(app, CITY, project(app, COUNTY, "E3", "项目", 2024).id, finalize=False).id
    app.record_firm(CITY, "341100", ec.RecordFirm(FIRM, "滁州某会计师事务所"))
    app.relate_firm(CITY, "341100", FIRM, ec.RelateFirm("341182", "为其提供记账服务"))
    with pytest.raises(DomainError, match="为其提供记账服务"):
        app.grant_engagement(
            CITY, "341100", ec.GrantEngagement(FIRM, "x", [ev], D(2025, 3, 1), D(2025, 4, 30), ["a"])
        )
