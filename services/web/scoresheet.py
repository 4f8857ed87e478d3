"""The 评分表 / 自评表 as an .xlsx workbook: written from an evaluation, read back into rows.

Layout (one sheet, like the source reports' tables): a title, the project block (名称, 主管部门,
实施单位, 项目资金), then one row per indicator — 编号 | 一级指标 | 二级指标 | 三级指标 | 分值 |
评分标准 | 年度指标值 | 实际完成值 | 得分 | 扣分 | 扣分原因 | 偏差原因分析及改进措施 — and the 合计 /
等级 rows. Two hidden columns carry what a person does not type but a re-import needs: the
indicator's definition (rule, parent, ledger source) and the evaluator's scoring inputs
(checklist items met, tier, survey counts), both as JSON.

Columns are found by their header text, so a bureau may reorder or hide them. Numbers are read
as Decimal from the shortest text of the cell's value, never through float arithmetic.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from services.files.sheets import Sheet, SheetRow

HEADERS = (
    "编号",
    "一级指标",
    "二级指标",
    "三级指标",
    "分值",
    "评分标准",
    "年度指标值",
    "实际完成值",
    "得分",
    "扣分",
    "扣分原因",
    "偏差原因分析及改进措施",
    "指标定义（系统用，请勿修改）",
    "评分数据（系统用，请勿修改）",
)
LEVELS = HEADERS[1:4]
WIDTHS = (8, 10, 12, 26, 7, 40, 14, 14, 8, 7, 30, 30, 20, 20)
TOTAL_LABEL, GRADE_LABEL = "合计", "等级"
DEDUCTION_LINE = re.compile(r"^\s*扣?\s*(\d+(?:\.\d+)?)\s*分\s*[：:]\s*(.+?)\s*$")


# ---- writing ------------------------------------------------------------------------------------
_THIN = Side(style="thin", color="888888")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD = PatternFill("solid", fgColor="E8EEF7")


def write(
    title: str, info: list[tuple[str, str]], lines: list[SheetRow], total: Decimal, grade: str
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "评分表"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=12)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    for label, value in info:
        ws.append([label, value])
        ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=12)
    ws.append([])
    ws.append(list(HEADERS))
    header = ws.max_row
    for line in lines:
        names = ["", "", ""]
        names[line.level - 1] = line.name
        ws.append(
            [
                line.key,
                *names,
                line.weight,
                line.standard,
                line.target or "",
                line.actual or "",
                line.score,
                sum((p for p, _ in line.deductions), Decimal(0)) or None,
                "\n".join(f"扣{p}分：{r}" for p, r in line.deductions),
                line.deviation,
                line.definition or "",
                line.inputs or "",
            ]
        )
    ws.append(
        [
            TOTAL_LABEL,
            "",
            "",
            "",
            sum((x.weight or Decimal(0) for x in lines if x.level == 1), Decimal(0)),
            "",
            "",
            "",
            total,
        ]
    )
    ws.append([GRADE_LABEL, "", "", "", "", "", "", "", grade])
    for row in ws.iter_rows(min_row=header, max_row=ws.max_row, max_col=len(HEADERS)):
        for cell in row:
            cell.border = _BOX
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[header]:
        cell.font, cell.fill = Font(bold=True), _HEAD
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for hidden in (len(HEADERS) - 1, len(HEADERS)):
        ws.column_dimensions[get_column_letter(hidden)].hidden = True
    ws.freeze_panes = f"B{header + 1}"
    ws.print_title_rows = f"{header}:{header}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- reading ------------------------------------------------------------------------------------
class SheetError(Exception):
    """The file as a whole cannot be read (not an .xlsx, no header row): nothing is imported."""


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        return Decimal(repr(value))  # the shortest text that round-trips: what the cell shows
    try:
        return Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError(value) from None


def read(data: bytes) -> Sheet:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # zip, XML or format errors: the file is not a workbook we can read
        raise SheetError(f"无法读取 Excel 文件（.xlsx）：{type(e).__name__}") from None
    ws = wb.worksheets[0] if wb.worksheets else None
    if ws is None:
        raise SheetError("Excel 文件中没有工作表")
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    start = next((i for i, r in enumerate(rows) if r and _text(r[0]) == HEADERS[0]), None)
    if start is None:
        raise SheetError("未找到表头行（第一列为“编号”）：请使用平台导出的评分表模板")
    columns = {_text(v): i for i, v in enumerate(rows[start]) if _text(v)}
    missing = [h for h in (*HEADERS[:5], "实际完成值") if h not in columns]
    if missing:
        raise SheetError("表头缺少以下列：" + "、".join(missing))
    sheet = Sheet()
    for offset, raw in enumerate(rows[start + 1 :], start + 2):
        cell = {h: raw[i] if i < len(raw) else None for h, i in columns.items()}
        _read_row(sheet, offset, cell)
    return sheet


def _read_row(sheet: Sheet, line: int, cell: dict[str, Any]) -> None:
    key = _text(cell.get("编号"))
    if key == TOTAL_LABEL:
        sheet.total = _optional_number(sheet, line, cell.get("得分"), "合计得分")
        return
    if key == GRADE_LABEL:
        sheet.grade = _text(cell.get("得分")) or None
        return
    if not key:
        if any(_text(v) for v in cell.values()):
            sheet.problems.append((line, "缺少指标编号，本行未导入"))
        return
    levels = [(n, _text(cell.get(h))) for n, h in enumerate(LEVELS, 1) if _text(cell.get(h))]
    if len(levels) != 1:
        sheet.problems.append(
            (line, f"指标「{key}」应且仅应在一级、二级或三级指标列之一填写名称，本行未导入")
        )
        return
    deductions: list[tuple[Decimal, str]] = []
    for text in _text(cell.get("扣分原因")).splitlines():
        if not text.strip():
            continue
        m = DEDUCTION_LINE.match(text)
        if m is None:
            sheet.problems.append((line, f"扣分原因「{text.strip()}」应写作“扣2分：原因”，该条未导入"))
            continue
        deductions.append((Decimal(m.group(1)), m.group(2)))
    level, name = levels[0]
    sheet.rows.append(
        SheetRow(
            line=line,
            key=key,
            level=level,
            name=name,
            weight=_optional_number(sheet, line, cell.get("分值"), f"指标「{name}」分值"),
            standard=_text(cell.get("评分标准")),
            target=_text(cell.get("年度指标值")) or None,
            actual=_text(cell.get("实际完成值")) or None,
            score=_optional_number(sheet, line, cell.get("得分"), f"指标「{name}」得分"),
            deductions=deductions,
            deviation=_text(cell.get("偏差原因分析及改进措施")),
            definition=_text(cell.get(HEADERS[-2])) or None,
            inputs=_text(cell.get(HEADERS[-1])) or None,
        )
    )


def _optional_number(sheet: Sheet, line: int, value: Any, what: str) -> Decimal | None:
    if _text(value) == "":
        return None
    try:
        return _number(value)
    except ValueError:
        sheet.problems.append((line, f"{what}「{_text(value)}」不是数字，已忽略"))
        return None
