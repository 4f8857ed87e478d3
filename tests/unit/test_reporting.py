"""The evaluation report (评价报告): written through the named commands (in-memory log) by whoever
writes the evaluation — not by the evaluated bureau of a 部门评价 — and rendered as .docx and PDF
that are read back: the official outline in order, the engagement data, the figures filled from
the evaluation (total, grade, the 评分表 with deductions and their reasons), the narrative."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from uuid import UUID

import pytest
from docx import Document as read_docx
from pypdf import PdfReader

from domain.errors import DomainError, NotFound
from domain.ledger import EntryKind, FundingSource
from domain.reporting import OUTLINE, Engagement, Member
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import RecordEntry
from services.app.commands.reporting import WriteSection
from services.app.errors import Forbidden
from services.compose import build_in_memory
from services.reporting import docx, pdf
from services.reporting.model import UNWRITTEN
from tests.support import deduct, events_of, finalized_evaluation, project, register, staff

COUNTY = staff("341182", "county", Role.PREPARER, Role.EVALUATOR)
CITY = staff("341100", "city", Role.EVALUATOR, Role.REVIEWER)


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def _evaluated(app: JixiaoApplication) -> UUID:
    p = project(app, COUNTY, "RP-1", "医保宣传项目", 2024)
    app.record_entry(
        COUNTY,
        p.id,
        RecordEntry(
            EntryKind.INITIAL_BUDGET, FundingSource.CURRENT, Decimal(50000), datetime.date(2024, 1, 2)
        ),
    )
    ev = finalized_evaluation(app, CITY, p.id, finalize=False)
    deduct(app, CITY, ev.id, "D1", "1.1", "12.5", "宣传覆盖不足")
    app.submit(CITY, ev.id)
    app.finalize(CITY, ev.id)
    return ev.id


def test_written_by_the_evaluator_and_rendered_both_ways(app: JixiaoApplication) -> None:
    ev = _evaluated(app)
    app.start_report_of(CITY, ev)
    team = (Member("张某", "组长", "高级经济师"), Member("李某", "成员"))
    engagement = Engagement(
        "滁州市医疗保障局",
        "滁州市医疗保障局绩效评价组",
        team,
        datetime.date(2025, 3, 1),
        datetime.date(2025, 3, 31),
        datetime.date(2025, 4, 10),
        "比较法、因素分析法",
        "3 月 10 日现场核查",
        ("资金拨付凭证", "宣传签到表"),
    )
    app.record_engagement(CITY, ev, engagement)
    app.write_section(CITY, ev, "suggestions", WriteSection("一、扩大宣传覆盖。\n二、细化指标值。"))
    report = app.load_evaluation_report(ev)
    assert len(events_of(app, report.id)) == 3
    document = app.report_document(report, app.evaluation(ev))
    assert [s.heading for s in document.sections] == [h for _, h in OUTLINE]

    word = read_docx(io.BytesIO(docx.render(document)))
    text = "\n".join(p.text for p in word.paragraphs)
    cells = "\n".join(c.text for t in word.tables for row in t.rows for c in row.cells)
    positions = [text.index(h) for _, h in OUTLINE]
    assert positions == sorted(positions)  # the outline, in order
    assert "评价得分为 87.50 分，评价等级为“良”" in text
    assert "一、扩大宣传覆盖。" in text and "二、细化指标值。" in text and UNWRITTEN in text
    assert "扣 12.5 分：宣传覆盖不足" in cells and "张某" in cells and "滁州市医疗保障局绩效评价组" in cells
    assert "50,000.00" in cells  # the ledger's budget

    reader = PdfReader(io.BytesIO(pdf.render(document)))
    pages = "".join(page.extract_text() for page in reader.pages).replace(" ", "").replace("\n", "")
    for _, heading in OUTLINE:
        assert heading.replace(" ", "") in pages
    assert "87.50" in pages and "宣传覆盖不足" in pages and "扩大宣传覆盖" in pages


def test_who_may_write_and_what_is_refused(app: JixiaoApplication) -> None:
    ev = _evaluated(app)
    with pytest.raises(Forbidden):  # the evaluated bureau does not write the city's report
        app.start_report_of(COUNTY, ev)
    app.start_report_of(CITY, ev)
    with pytest.raises(Forbidden):
        app.write_section(COUNTY, ev, "other", WriteSection("x"))
    with pytest.raises(NotFound, match="可写"):
        app.write_section(CITY, ev, "preface", WriteSection("x"))
    with pytest.raises(DomainError, match="早于"):
        late = Engagement(period_start=datetime.date(2025, 3, 1), period_end=datetime.date(2025, 2, 1))
        app.record_engagement(CITY, ev, late)
    with pytest.raises(DomainError, match="姓名"):
        app.record_engagement(CITY, ev, Engagement(team=(Member(" "),)))
    report = app.load_evaluation_report(ev)
    assert report.version == 1  # nothing stored by the refusals
    app.write_section(CITY, ev, "other", WriteSection(""))
    assert app.load_evaluation_report(ev).version == 1  # nothing new: nothing recorded
