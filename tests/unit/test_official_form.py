"""The 项目支出绩效自评表 as a bureau files it (财预〔2020〕10号 layout): the form model from the
evaluation and its ledger, the .xlsx laid out from it (merged 一级 / 二级 cells, widths, number
formats, A4 landscape), and the round trip — export, fill in as a bureau does, import, re-export —
compared cell by cell with the filled-in workbook. Report 001 table 2 (三医建设业务经费: 10 万元
当年财政拨款 + 14 万元 其他资金, a top-level 执行率 indicator of 10 points)."""

from __future__ import annotations

import io
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from domain.context import Actor, acting
from services.api.plumbing import attachment
from services.files.loader import load_report
from services.files.scorer import Scored, score_report
from services.files.sheets import apply_sheet
from services.web.excel import read, workbook
from services.web.form import official_form

REPORT = Path(__file__).resolve().parents[2] / "reports" / "001-mingguang-2021-2-sanyi.yaml"
ACTOR = Actor("form-test", "evaluator", "341182", str(uuid.uuid4()))


def _scored() -> Scored:
    return score_report(load_report(REPORT), "341182", ACTOR)


def _sheet(data: bytes) -> Worksheet:
    ws = load_workbook(io.BytesIO(data)).worksheets[0]
    assert isinstance(ws, Worksheet)
    return ws


def _rows_by_key(ws: Worksheet) -> dict[str, int]:
    return {str(ws.cell(r, 10).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 10).value}


def _columns(ws: Worksheet) -> dict[str, int]:
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 4).value == "三级指标")
    return {str(ws.cell(header, c).value): c for c in range(1, 11) if ws.cell(header, c).value}


def test_the_form_takes_its_funds_grid_from_the_ledger_and_the_execution_indicator() -> None:
    s = _scored()
    form = official_form(s.evaluation, s.project)
    assert (form.title, form.form, form.grade_label) == ("项目支出绩效自评表", "自评表", "自评等级")
    assert form.filename == "三医建设业务经费-2021年度项目支出绩效自评表.xlsx"
    grid = {f.label: f for f in form.funds}
    assert list(grid) == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    total = grid["年度资金总额"]
    assert (total.initial, total.annual, total.spent) == (Decimal("24.00"),) * 3  # 万元
    assert (total.weight, total.rate, total.score) == (Decimal(10), Decimal("100.00"), Decimal("10.00"))
    assert (grid["其中：当年财政拨款"].annual, grid["其他资金"].spent) == (Decimal("10.00"), Decimal("14.00"))
    assert grid["上年结转资金"].weight is None and grid["其他资金"].rate is None
    # the 执行率 indicator is in the grid, not again in the table
    assert form.funds_key == "1" and "1" not in {r.key for r in form.rows}
    assert [c.title for c in form.columns] == [
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]
    first = form.rows[0]
    assert [(s.label, s.rows) for s in first.spans] == [("产出指标（50分）", 4), ("数量指标（30分）", 2)]
    assert form.rows[1].spans == [] and (form.weight_total, form.total, form.grade) == (
        100,
        Decimal("100.00"),
        "优",
    )


def test_the_workbook_is_the_form_with_merged_cells_widths_and_number_formats() -> None:
    s = _scored()
    ws = _sheet(workbook(s.evaluation, s.project))
    assert (ws.title, ws["A1"].value, ws["A2"].value) == ("自评表", "项目支出绩效自评表", "（2021年度）")
    rows, cols = _rows_by_key(ws), _columns(ws)
    merged = {str(m) for m in ws.merged_cells.ranges}
    output = rows["2.1.1"]
    assert ws.cell(output, 2).value == "产出指标（50分）" and f"B{output}:B{output + 3}" in merged
    assert ws.cell(output, 3).value == "数量指标（30分）" and f"C{output}:C{output + 1}" in merged
    funds = rows["1"]  # the 执行率 indicator's key stands on the 年度资金总额 row
    assert ws.cell(funds, 2).value == "年度资金总额" and ws.cell(funds, 4).number_format == "#,##0.00"
    assert (ws.cell(funds, 4).value, ws.cell(funds, 8).value, ws.cell(funds, 9).value) == (24, 100, 10)
    assert ws.cell(funds, 8).number_format == '0.00"%"'
    assert ws.cell(funds + 1, 7).value == "—"
    assert list(cols)[1:] == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分",
                              "偏差原因分析及改进措施", "编号"]  # fmt: skip
    assert ws.column_dimensions["D"].width >= 30 and ws.column_dimensions["J"].hidden
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert ws.parent["指标定义"].sheet_state == "hidden"
    header = attachment("三医建设业务经费-2021年度项目支出绩效自评表.xlsx")
    assert header.startswith('attachment; filename="') and "filename*=UTF-8''%E4%B8%89%E5%8C%BB" in header


def _cells(ws: Worksheet) -> dict[tuple[int, int], tuple[Any, str]]:
    return {
        (c.row, c.column): (c.value, c.number_format)
        for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=10)
        for c in row
    }


def test_export_fill_in_import_and_re_export_agree_cell_by_cell() -> None:
    s = _scored()
    e, p = s.evaluation, s.project
    ws = _sheet(workbook(e, p))
    rows, cols = _rows_by_key(ws), _columns(ws)
    # a bureau fills in: 2 of 3 people (ratio 2/3 × 10), a deduction with its reason and a
    # deviation note in the notes column, the scores and total it computes by hand
    ws.cell(rows["2.1.2"], cols["实际完成值"]).value = "2人"
    ws.cell(rows["2.1.2"], cols["得分"]).value = Decimal("6.67")
    ws.cell(rows["2.1.2"], cols["偏差原因分析及改进措施"]).value = "一名宣传员年中离职\n已补充招聘"
    ws.cell(rows["3.1.1"], cols["得分"]).value = Decimal(14)
    ws.cell(rows["3.1.1"], cols["偏差原因分析及改进措施"]).value = "扣1分：宣传材料未归档"
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    ws.cell(total, cols["得分"]).value = Decimal("95.67")
    filled = io.BytesIO()
    assert ws.parent is not None
    ws.parent.save(filled)

    with acting(ACTOR):
        done = apply_sheet(e, read(filled.getvalue()), p.total(), may_deduct=True, source="三医.xlsx")
    assert done.refusals == []
    assert (e.total(), e.grade()) == (Decimal("95.67"), "优")
    assert not [f for f in e.flags() if f.code.endswith("stated_mismatch")]
    again = _sheet(workbook(e, p))
    before, after = _cells(_sheet(filled.getvalue())), _cells(again)
    assert {k: v for k, v in after.items() if before.get(k) != v} == {}
    assert {str(m) for m in again.merged_cells.ranges} == {str(m) for m in ws.merged_cells.ranges}
    # importing the re-exported file again changes nothing
    pending = len(e.pending_events)
    with acting(ACTOR):
        assert apply_sheet(e, read(filled.getvalue()), p.total(), may_deduct=True, source="x").refusals == []
    assert len(e.pending_events) == pending


def test_a_workbook_of_the_earlier_layout_still_imports() -> None:
    from openpyxl import Workbook

    from services.web.scoresheet import HEADERS

    s = _scored()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2021 年度项目支出绩效自评表"])
    ws.append(list(HEADERS))
    ws.append(
        ["2.1.2", "", "", "乡镇、街道至少安排3人负责医保政策的宣传和答疑解惑", 10, "", "3人", "2人", 6.67]
    )
    ws.append(["3.1.1", "", "", "有效缓解群众看病就医的经济负担", 15, "", "有效缓解", "有效缓解", 14, 1,
               "扣1分：宣传材料未归档", "已督促补齐", "", '{"tier":1,"points":15}'])  # fmt: skip
    ws.append(["合计", "", "", "", 100, "", "", "", 95.67])
    out = io.BytesIO()
    wb.save(out)
    with acting(ACTOR):
        done = apply_sheet(s.evaluation, read(out.getvalue()), None, may_deduct=True, source="旧版.xlsx")
    assert done.refusals == [] and s.evaluation.total() == Decimal("95.67")
    assert s.evaluation.nodes["3.1.1"].deviation == "已督促补齐"
