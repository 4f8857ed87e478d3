"""整改 through the named commands (in-memory log): a city's 部门评价 of a county project,
finalized, its findings tied to indicators and ledger entries, sent with a deadline, answered
by the county, not accepted (a reason and a new deadline), answered again, accepted; the
overdue rule at its edges; and every refusal (an open evaluation, the evaluated bureau deciding,
the demander answering, a finding pointing at nothing, a demand dated forward)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import UUID

import pytest

from domain.errors import DomainError, InvalidState, NotFound
from domain.evaluation import EvaluationKind
from domain.ledger import EntryKind, FundingSource
from domain.rectification import Measure, Overdue, SourceKind, Status
from domain.rectification.rules import overdue
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.cycle_inputs import (
    FileMeasures,
    OpenRectification,
    RecordFinding,
    ReviewRectification,
    SendDemand,
    WithdrawFinding,
)
from services.app.commands.inputs import RecordEntry
from services.app.commands.targets import today
from services.app.errors import Forbidden
from services.compose import build_in_memory
from tests.support import events_of, finalized_evaluation, project, register, staff

COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR, Role.REVIEWER)
CITY = staff("341100", "city", Role.EVALUATOR, Role.REVIEWER)
CITY_AUDITOR = staff("341100", "audit", Role.AUDITOR)
SIBLING = staff("341181", "sibling")
D = datetime.date


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    register(a, "341181", "天长市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def _finalized(app: JixiaoApplication, finalize: bool = True) -> UUID:
    """A city's 部门评价 of a county project with one ledger entry (L0001)."""
    p = project(app, COUNTY, "P1", "城乡居民医保宣传", 2024)
    app.record_entry(
        COUNTY,
        p.id,
        RecordEntry(EntryKind.INITIAL_BUDGET, FundingSource.CURRENT, Decimal(1000), D(2024, 1, 2)),
    )
    return finalized_evaluation(app, CITY, p.id, finalize=finalize).id


def test_the_whole_round_trip(app: JixiaoApplication) -> None:
    ev = _finalized(app)
    r = app.open_rectification(CITY, OpenRectification(SourceKind.EVALUATION, ev))
    assert (r.tenant, r.demander, r.status) == ("341182", "341100", Status.DRAFT)
    assert r.send_by == r.source_closed_on + datetime.timedelta(days=20) and "部门评价" in r.source_label
    f1 = app.record_finding(CITY, r.id, RecordFinding("宣传覆盖不足", ["1.1"], ["L0001"], "扩大覆盖")).result
    f2 = app.record_finding(CITY, r.id, RecordFinding("档案不全")).result
    assert (f1, f2) == ("F1", "F2")
    app.withdraw_finding(CITY, r.id, "F2", WithdrawFinding("与 F1 重复"))
    app.send_demand(CITY, r.id, SendDemand("请于 30 日内报送整改措施"))
    sent = app.load_rectification(r.id)
    assert sent.status is Status.SENT and sent.answer_by == today() + datetime.timedelta(days=30)
    assert list(sent.findings) == ["F1"]  # F3 would be next: numbers are never reused
    app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "增加宣传点", "覆盖率 95%", True)]))
    app.review_rectification(CITY, r.id, ReviewRectification(False, "覆盖率无佐证", answer_days=10))
    again = app.load_rectification(r.id)
    assert again.status is Status.SENT and again.answer_by == today() + datetime.timedelta(days=10)
    app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "补充佐证", "覆盖率 95%", True)], "已补"))
    done = app.review_rectification(CITY, r.id, ReviewRectification(True)).aggregate
    assert done.status is Status.CLOSED and len(done.answers) == 2 and len(done.reviews) == 2
    last = events_of(app, r.id)[-1]
    assert last.meta.actor_tenant == "341100" and last.meta.tenant == "341182"  # type: ignore[attr-defined]


def test_refusals_store_nothing(app: JixiaoApplication) -> None:
    draft = _finalized(app, finalize=False)
    with pytest.raises(InvalidState, match="已定稿"):
        app.open_rectification(CITY, OpenRectification(SourceKind.EVALUATION, draft))
    app.submit(CITY, draft)
    app.finalize(CITY, draft)
    with pytest.raises(Forbidden, match="提出整改的单位"):  # the evaluated bureau cannot demand of itself
        app.open_rectification(COUNTY, OpenRectification(SourceKind.EVALUATION, draft))
    with pytest.raises(NotFound):  # a sibling bureau does not see it
        app.open_rectification(SIBLING, OpenRectification(SourceKind.EVALUATION, draft))
    with pytest.raises(Forbidden):  # an auditor only reads
        app.open_rectification(CITY_AUDITOR, OpenRectification(SourceKind.EVALUATION, draft))
    r = app.open_rectification(CITY, OpenRectification(SourceKind.EVALUATION, draft))
    before = len(events_of(app, r.id))
    with pytest.raises(NotFound, match=r"9\.9"):
        app.record_finding(CITY, r.id, RecordFinding("x", ["9.9"]))
    with pytest.raises(NotFound, match="L0099"):
        app.record_finding(CITY, r.id, RecordFinding("x", [], ["L0099"]))
    with pytest.raises(DomainError, match="至少一个问题"):
        app.send_demand(CITY, r.id, SendDemand("请整改"))
    app.record_finding(CITY, r.id, RecordFinding("问题"))
    with pytest.raises(DomainError, match="晚于今天"):
        app.send_demand(CITY, r.id, SendDemand("请整改", sent_on=today() + datetime.timedelta(days=1)))
    with pytest.raises(InvalidState, match="拟定中"):  # nothing sent, nothing to answer
        app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "措施")]))
    app.send_demand(CITY, r.id, SendDemand("请整改"))
    with pytest.raises(Forbidden):  # the demander does not answer for the unit
        app.file_measures(CITY, r.id, FileMeasures([Measure("F1", "措施")]))
    with pytest.raises(DomainError, match="F1 尚未填写"):
        app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "  ")]))
    with pytest.raises(NotFound, match="F7"):
        app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "措施"), Measure("F7", "措施")]))
    app.file_measures(COUNTY, r.id, FileMeasures([Measure("F1", "措施")]))
    with pytest.raises(Forbidden, match="被整改单位只能报送"):  # nor does the unit accept its own answer
        app.review_rectification(COUNTY, r.id, ReviewRectification(True))
    with pytest.raises(DomainError, match="原因"):
        app.review_rectification(CITY, r.id, ReviewRectification(False, " "))
    assert len(events_of(app, r.id)) == before + 3  # the finding, the demand, the answer


def test_a_self_evaluation_is_rectified_within_the_bureau(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P2", "自评项目", 2024)
    ev = finalized_evaluation(app, COUNTY, p.id, EvaluationKind.SELF)
    r = app.open_rectification(COUNTY, OpenRectification(SourceKind.EVALUATION, ev.id))
    assert r.demander == "341182"
    with pytest.raises(Forbidden, match="提出整改的单位"):
        app.open_rectification(CITY, OpenRectification(SourceKind.EVALUATION, ev.id, send_days=5))


@pytest.mark.parametrize(
    ("status", "on", "expected"),
    [
        (Status.DRAFT, D(2025, 5, 21), None),  # the last day to send
        (Status.DRAFT, D(2025, 5, 22), ("send", 1)),
        (Status.SENT, D(2025, 6, 30), None),
        (Status.SENT, D(2025, 7, 3), ("answer", 3)),
        (Status.ANSWERED, D(2025, 12, 1), None),  # answered: the demander's turn, no warning
        (Status.CLOSED, D(2025, 12, 1), None),
    ],
)
def test_overdue_at_its_edges(status: Status, on: datetime.date, expected: tuple[str, int] | None) -> None:
    found = overdue(status, D(2025, 5, 21), D(2025, 6, 30), [], on)
    assert (None if found is None else (found.which, found.days_late)) == expected


def test_a_deadline_is_warned_about_once(app: JixiaoApplication) -> None:
    warned = [Overdue("answer", D(2025, 6, 30), D(2025, 7, 1), 1)]
    assert overdue(Status.SENT, D(2025, 5, 21), D(2025, 6, 30), warned, D(2025, 7, 9)) is None
    assert overdue(Status.SENT, D(2025, 5, 21), D(2025, 7, 30), warned, D(2025, 7, 31)) is not None  # new one


def test_the_check_warns_once_per_deadline(app: JixiaoApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    from services.app.commands import rectification as commands

    ev = _finalized(app)
    r = app.open_rectification(CITY, OpenRectification(SourceKind.EVALUATION, ev))
    app.record_finding(CITY, r.id, RecordFinding("问题"))
    later = today() + datetime.timedelta(days=21)
    monkeypatch.setattr(commands, "today", lambda: later)
    assert app.check_rectifications(CITY, "341100", [r.id]) == 1  # not sent within 20 days
    assert app.check_rectifications(CITY, "341100", [r.id]) == 0
    flagged = app.load_rectification(r.id)
    assert flagged.open_warning() == Overdue("send", today() + datetime.timedelta(days=20), later, 1)
    app.send_demand(CITY, r.id, SendDemand("请整改", answer_days=5))
    assert flagged.open_warning() is not None and app.load_rectification(r.id).open_warning() is None
    with pytest.raises(NotFound):
        app.check_rectifications(COUNTY, "341100", [r.id])  # a county does not check its city's region
    with pytest.raises(Forbidden):
        app.check_rectifications(CITY_AUDITOR, "341100", [r.id])
