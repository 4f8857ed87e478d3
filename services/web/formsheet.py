"""The official form (``services/web/form.py``) as an .xlsx workbook, and a filled one read back.

Sheet 1 (自评表 / 评分表) is the form as printed: title and year, 项目名称 / 主管部门 / 实施单位,
项目资金（万元） grid, 年度总体目标, the indicator table with merged 一级 / 二级 cells, 总分, the
grade and the 填报人 / 联系电话 / 填报日期 line; A4 landscape, fitted to the page width.
Column J (hidden) carries each row's indicator key (编号). Sheet 2 (指标定义, hidden) lists
every indicator in tree order with its definition and the evaluator's scoring inputs as JSON:
what a re-import needs and nobody types.

Reading: the visible cells people fill in (实际完成值, 分值, 得分, 年度指标值 or 评分标准, the
notes cell with ``扣2分：原因`` lines and the deviation note, 一级 / 二级 labels ``名称（50分）``,
总分, the grade) over the hidden definitions. Columns are found by their header text.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import msgspec
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook as Book
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from domain.indicators import IndicatorSpec
from services.files.sheets import Sheet, SheetRow
from services.web.cells import SheetError, notes, optional_number, text
from services.web.form import FUNDS_HEAD, TOTAL_FUNDS, OfficialForm

DEFINITIONS = "指标定义"
DEF_HEAD = ("编号", "层级", "名称", "指标定义（系统用，请勿修改）", "评分数据（系统用，请勿修改）")
KEY = "编号"
LEVELS = ("一级指标", "二级指标", "三级指标")
LAST = 9  # columns A–I are the form; J is the hidden key
WIDTHS = {
    "self": (9, 12, 14, 34, 14, 14, 7, 9, 30, 10),
    "review": (9, 12, 14, 30, 10, 40, 14, 9, 30, 10),
}
AMOUNT, RATE, SCORE = "#,##0.00", '0.00"%"', "0.00"
TOTAL_LABEL = "总分"
GRADE_LABELS = ("自评等级", "评价等级", "等级")
BRANCH = re.compile(r"^(.*?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")


# ---- writing ------------------------------------------------------------------------------------
def _put(
    ws: Worksheet, row: int, col: int, value: Any, *, to: tuple[int, int] | None = None, fmt: str = ""
) -> None:
    cell = ws.cell(row, col, value if value not in (None, "") else None)
    if fmt and isinstance(value, Decimal):
        cell.number_format = fmt
    if to is not None and to != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=to[0], end_column=to[1])


def write(form: OfficialForm, definitions: list[SheetRow]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = form.form
    _put(ws, 1, 1, form.title, to=(1, LAST))
    _put(ws, 2, 1, f"（{form.year}年度）", to=(2, LAST))
    _put(ws, 3, 1, "项目名称")
    _put(ws, 3, 2, form.name, to=(3, LAST))
    _put(ws, 4, 1, "主管部门")
    _put(ws, 4, 2, form.department, to=(4, 4))
    _put(ws, 4, 5, "实施单位")
    _put(ws, 4, 6, form.unit, to=(4, LAST))
    r = 5
    if form.kind != "self":
        _put(ws, r, 1, "评价类型")
        _put(ws, r, 2, form.kind_label, to=(r, 4))
        _put(ws, r, 5, "评价机构")
        _put(ws, r, 6, form.evaluator + ("（第三方）" if form.third_party else ""), to=(r, LAST))
        r += 1
    r = _funds(ws, r, form)
    _put(ws, r, 1, "年度总体目标", to=(r + 1, 1))
    _put(ws, r, 2, "预期目标", to=(r, 5))
    _put(ws, r, 6, "实际完成情况", to=(r, LAST))
    _put(ws, r + 1, 2, form.goal, to=(r + 1, 5))
    _put(ws, r + 1, 6, form.achieved, to=(r + 1, LAST))
    r += 2
    header = r
    codes = [c.code for c in form.columns]
    for col, title in enumerate((*LEVELS, *(c.title for c in form.columns), KEY), 2):
        _put(ws, header, col, title)
    _put(ws, header, 1, "绩效指标", to=(header + max(len(form.rows), 1), 1))
    for row in form.rows:
        r += 1
        for span in row.spans:
            _put(ws, r, 1 + span.level, span.label, to=(r + span.rows - 1, 1 + span.level))
        _put(ws, r, 1 + row.level, row.name, to=(r, 4))
        values = {
            "target": row.target,
            "actual": row.actual,
            "weight": row.weight,
            "standard": row.standard,
            "score": row.score,
            "notes": "\n".join([*row.deductions, *([row.deviation] if row.deviation else [])]),
        }
        for col, code in enumerate(codes, 5):
            _put(ws, r, col, values[code], fmt=SCORE if code == "score" else "")
        _put(ws, r, LAST + 1, row.key)
    r = max(r, header + 1) + 1
    _put(ws, r, 1, TOTAL_LABEL, to=(r, 4))
    _put(ws, r, 5 + codes.index("weight"), form.weight_total)
    _put(ws, r, 5 + codes.index("score"), form.total, fmt=SCORE)
    _put(ws, r + 1, 1, form.grade_label, to=(r + 1, 4))
    _put(ws, r + 1, 5 + codes.index("score"), form.grade)
    _style(ws, r + 1, header, form.kind)
    r += 3
    _put(ws, r, 1, "填报人：", to=(r, 2))
    _put(ws, r, 5, "联系电话：")
    _put(ws, r, 7, "填报日期：")
    for col in (3, 4, 6, 8, 9):
        ws.cell(r, col).border = Border(bottom=_THIN)
    _definitions(wb, definitions)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _funds(ws: Worksheet, r: int, form: OfficialForm) -> int:
    _put(ws, r, 1, f"项目资金（{form.amount_unit}）", to=(r + len(form.funds), 1))
    _put(ws, r, 2, None, to=(r, 3))
    for col, title in enumerate(FUNDS_HEAD, 4):
        _put(ws, r, col, title)
    for i, f in enumerate(form.funds, 1):
        _put(ws, r + i, 2, f.label, to=(r + i, 3))
        for col, value, fmt in (
            (4, f.initial, AMOUNT),
            (5, f.annual, AMOUNT),
            (6, f.spent, AMOUNT),
            (7, f.weight, ""),
            (8, f.rate, RATE),
            (9, f.score, SCORE),
        ):
            _put(ws, r + i, col, "—" if value is None else value, fmt=fmt)
        if i == 1 and form.funds_key:
            _put(ws, r + i, LAST + 1, form.funds_key)
    return r + len(form.funds) + 1


def _style(ws: Worksheet, last: int, header: int, kind: str) -> None:
    for row in ws.iter_rows(min_row=3, max_row=last, max_col=LAST):
        for cell in row:
            cell.border = _BOX
            cell.alignment = _WRAP
    for cell in ws[header][:LAST]:
        cell.font, cell.alignment = Font(bold=True), _CENTER
    ws["A1"].font = Font(bold=True, size=16)
    for ref in ("A1", "A2"):
        ws[ref].alignment = _CENTER
    for i, width in enumerate(WIDTHS["self" if kind == "self" else "review"], 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.column_dimensions[get_column_letter(LAST + 1)].hidden = True
    ws.print_title_rows = f"{header}:{header}"
    ws.print_area = f"A1:{get_column_letter(LAST)}{last + 2}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _definitions(wb: Book, rows: list[SheetRow]) -> None:
    ws = wb.create_sheet(DEFINITIONS)
    ws.append(list(DEF_HEAD))
    for r in rows:
        ws.append([r.key, r.level, r.name, r.definition or "", r.inputs or ""])
    ws.sheet_state = "hidden"


# ---- reading ------------------------------------------------------------------------------------
def read(wb: Book) -> Sheet:
    form = next((ws for ws in wb.worksheets if ws.title != DEFINITIONS), None)
    if form is None:
        raise SheetError("Excel 文件中没有自评表 / 评分表工作表")
    defs = list(wb[DEFINITIONS].iter_rows(values_only=True))[1:]
    rows = list(form.iter_rows(values_only=True))
    header = next((i for i, r in enumerate(rows) if "三级指标" in r and KEY in r), None)
    if header is None:
        raise SheetError("未找到指标表头（一级指标、二级指标、三级指标……编号）：请使用平台导出的表格")
    columns = {text(v): i for i, v in enumerate(rows[header]) if text(v)}
    missing = [h for h in (*LEVELS, "分值", "实际完成值", "得分") if h not in columns]
    if missing:
        raise SheetError("表头缺少以下列：" + "、".join(missing))
    sheet = Sheet()
    specs: dict[str, tuple[int, IndicatorSpec | None, SheetRow]] = {}
    for line, d in enumerate(defs, 2):
        key, level, name, definition, inputs = (*d, None, None, None, None, None)[:5]
        if not text(key):
            continue
        try:
            spec: IndicatorSpec | None = msgspec.json.decode(text(definition), type=IndicatorSpec)
        except msgspec.DecodeError:
            spec = None  # the import refuses the row with the decoder's message
        row = SheetRow(
            line,
            text(key),
            min(max(int(text(level)) if text(level).isdigit() else 1, 1), len(LEVELS)),
            text(name),
            spec.weight if spec else None,
            spec.standard if spec else "",
            spec.target if spec else None,
            None,
            None,
            [],
            None,
            text(definition) or None,
            text(inputs) or None,
        )
        specs[row.key] = (row.level, spec, row)
    seen: set[str] = set()
    labelled: set[str] = set()
    for line, raw in enumerate(rows[header + 1 :], header + 2):
        first = text(raw[0]) if raw else ""
        if first == TOTAL_LABEL:
            sheet.total = optional_number(sheet, line, _at(raw, columns["得分"]), "总分")
        elif first in GRADE_LABELS:
            sheet.grade = text(_at(raw, columns["得分"])) or None
        else:
            key = text(_at(raw, columns[KEY]))
            if key in specs and key not in seen:
                seen.add(key)
                _leaf(sheet, line, raw, columns, specs, key, labelled)
            elif key:  # rows without a key are the form's own lines (labels, 填报人)
                sheet.problems.append((line, f"未知的指标编号「{key}」，本行未导入"))
    _funds_row(sheet, rows[:header], specs)
    sheet.rows = [row for _, _, row in specs.values()]
    return sheet


def _at(raw: tuple[Any, ...], i: int) -> Any:
    return raw[i] if i < len(raw) else None


def _leaf(
    sheet: Sheet,
    line: int,
    raw: tuple[Any, ...],
    columns: dict[str, int],
    specs: dict[str, tuple[int, IndicatorSpec | None, SheetRow]],
    key: str,
    labelled: set[str],
) -> None:
    level, _, row = specs[key]
    name = text(_at(raw, columns[LEVELS[level - 1]])) or row.name
    row.line, row.name = line, name
    row.weight = optional_number(sheet, line, _at(raw, columns["分值"]), f"指标「{name}」分值")
    row.actual = text(_at(raw, columns["实际完成值"])) or None
    row.score = optional_number(sheet, line, _at(raw, columns["得分"]), f"指标「{name}」得分")
    if "年度指标值" in columns:
        row.target = text(_at(raw, columns["年度指标值"])) or None
    if "评分标准" in columns:
        row.standard = text(_at(raw, columns["评分标准"]))
    cell = next((columns[h] for h in ("偏差原因分析及改进措施", "扣分原因") if h in columns), None)
    if cell is not None:
        row.deductions, row.deviation = notes(_at(raw, cell))
    spec = specs[key][1]
    while spec is not None and spec.parent in specs:
        up_level, up_spec, up = specs[spec.parent]
        label = text(_at(raw, columns[LEVELS[up_level - 1]])) if up_level < len(LEVELS) else ""
        if label and spec.parent not in labelled:
            labelled.add(spec.parent)
            m = BRANCH.match(label)
            up.line, up.name = line, m.group(1) if m else label
            if m:
                up.weight = Decimal(m.group(2))
        spec = up_spec


def _funds_row(
    sheet: Sheet, rows: list[tuple[Any, ...]], specs: dict[str, tuple[int, IndicatorSpec | None, SheetRow]]
) -> None:
    head = next((r for r in rows if r and FUNDS_HEAD[0] in r), None)
    total = next(((i, r) for i, r in enumerate(rows, 1) if r and TOTAL_FUNDS in r), None)
    if head is None or total is None:
        return
    line, raw = total
    key = text(_at(raw, LAST))
    if key not in specs:
        return
    row = specs[key][2]
    row.line = line
    row.weight = optional_number(sheet, line, _at(raw, head.index("分值")), "执行率分值")
    row.score = optional_number(sheet, line, _at(raw, head.index("得分")), "执行率得分")
