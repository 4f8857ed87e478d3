"""Reading workbooks of the earlier layout (before the official form, issue 17): one row per
indicator in tree order — 编号 | 一级指标 | 二级指标 | 三级指标 | 分值 | 评分标准 | 年度指标值 |
实际完成值 | 得分 | 扣分 | 扣分原因 | 偏差原因分析及改进措施 — then 合计 / 等级, and two hidden columns
with the indicator's definition and the evaluator's scoring inputs as JSON. Files a bureau
exported and filled in before still import; new files are written as the official form
(``services/web/formsheet.py``).

Columns are found by their header text, so a bureau may reorder or hide them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from services.files.sheets import Sheet, SheetRow
from services.web.cells import DEDUCTION_LINE, SheetError, optional_number, text

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
TOTAL_LABEL, GRADE_LABEL = "合计", "等级"


def read_rows(rows: list[tuple[Any, ...]]) -> Sheet:
    start = next((i for i, r in enumerate(rows) if r and text(r[0]) == HEADERS[0]), None)
    if start is None:
        raise SheetError("未找到表头行：请使用平台导出的自评表 / 评分表")
    columns = {text(v): i for i, v in enumerate(rows[start]) if text(v)}
    missing = [h for h in (*HEADERS[:5], "实际完成值") if h not in columns]
    if missing:
        raise SheetError("表头缺少以下列：" + "、".join(missing))
    sheet = Sheet()
    for offset, raw in enumerate(rows[start + 1 :], start + 2):
        cell = {h: raw[i] if i < len(raw) else None for h, i in columns.items()}
        _read_row(sheet, offset, cell)
    return sheet


def _read_row(sheet: Sheet, line: int, cell: dict[str, Any]) -> None:
    key = text(cell.get("编号"))
    if key == TOTAL_LABEL:
        sheet.total = optional_number(sheet, line, cell.get("得分"), "合计得分")
        return
    if key == GRADE_LABEL:
        sheet.grade = text(cell.get("得分")) or None
        return
    if not key:
        if any(text(v) for v in cell.values()):
            sheet.problems.append((line, "缺少指标编号，本行未导入"))
        return
    levels = [(n, text(cell.get(h))) for n, h in enumerate(LEVELS, 1) if text(cell.get(h))]
    if len(levels) != 1:
        sheet.problems.append(
            (line, f"指标「{key}」应且仅应在一级、二级或三级指标列之一填写名称，本行未导入")
        )
        return
    deductions: list[tuple[Decimal, str]] = []
    for line_text in text(cell.get("扣分原因")).splitlines():
        if not line_text.strip():
            continue
        m = DEDUCTION_LINE.match(line_text)
        if m is None:
            sheet.problems.append((line, f"扣分原因「{line_text.strip()}」应写作“扣2分：原因”，该条未导入"))
            continue
        deductions.append((Decimal(m.group(1)), m.group(2)))
    level, name = levels[0]
    sheet.rows.append(
        SheetRow(
            line=line,
            key=key,
            level=level,
            name=name,
            weight=optional_number(sheet, line, cell.get("分值"), f"指标「{name}」分值"),
            standard=text(cell.get("评分标准")),
            target=text(cell.get("年度指标值")) or None,
            actual=text(cell.get("实际完成值")) or None,
            score=optional_number(sheet, line, cell.get("得分"), f"指标「{name}」得分"),
            deductions=deductions,
            deviation=text(cell.get("偏差原因分析及改进措施")),
            definition=text(cell.get(HEADERS[-2])) or None,
            inputs=text(cell.get(HEADERS[-1])) or None,
        )
    )
