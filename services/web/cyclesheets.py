"""The year's first-half forms as .xlsx: the 绩效目标申报表 (out and back in) and the 绩效监控表
(out), in the layout bureaus file them — header block, funds (万元), goals, and the indicator
table with merged 一级 / 二级 cells. Column H (hidden) carries each row's key and parent, so a
filled-in 申报表 reads back row by row; the visible cells are what people type."""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from domain.targets import Nature, TargetIndicator
from services.web.cells import SheetError, number, text

_THIN = Side(style="thin", color="000000")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center")
TABLE_HEAD = ("一级指标", "二级指标", "三级指标", "指标值", "指标性质", "度量单位", "权重")
KEY_HEAD = "编号|上级（系统用）"
WAN = Decimal(10_000)


def _cell(
    ws: Worksheet, row: int, col: int, value: Any, *, to: int | None = None, bold: bool = False
) -> None:
    cell = ws.cell(row, col, value if value not in (None, "") else None)
    cell.border, cell.alignment = _BOX, _WRAP
    if bold:
        cell.font = Font(bold=True)
    if to is not None and to > col:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=to)
        for c in range(col + 1, to + 1):
            ws.cell(row, c).border = _BOX


def _wan(yuan: Any) -> Decimal:
    return (Decimal(str(yuan or "0")) / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _levels(rows: list[dict[str, Any]]) -> list[tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Each leaf with its chain of ancestors (一级, 二级), in tree order."""
    by_key = {r["key"]: r for r in rows}
    kids: dict[str | None, list[dict[str, Any]]] = {}
    for r in rows:
        kids.setdefault(r.get("parent") if r.get("parent") in by_key else None, []).append(r)
    out: list[tuple[list[dict[str, Any]], dict[str, Any]]] = []

    def walk(node: dict[str, Any], chain: list[dict[str, Any]]) -> None:
        below = kids.get(node["key"], [])
        if not below:
            out.append((chain, node))
        for k in below:
            walk(k, [*chain, node])

    for root in kids.get(None, []):
        walk(root, [])
    return out


def _table(ws: Worksheet, top: int, rows: list[dict[str, Any]], extra: list[str], values: Any) -> int:
    head = [*TABLE_HEAD[:4], *extra]
    for c, t in enumerate(head, 1):
        _cell(ws, top, c, t, bold=True)
    ws.cell(top, 8, KEY_HEAD)
    r = top + 1
    started: dict[str, int] = {}
    for chain, leaf in _levels(rows):
        names = [chain[0]["name"] if chain else "", chain[1]["name"] if len(chain) > 1 else "", leaf["name"]]
        for c, name in enumerate(names, 1):
            _cell(ws, r, c, name)
        for c, v in enumerate([leaf.get("value", ""), *values(leaf)], 4):
            _cell(ws, r, c, v)
        ws.cell(r, 8, f"{leaf['key']}|{leaf.get('parent') or ''}")
        for depth, node in enumerate(chain[:2]):
            started.setdefault(f"{depth}:{node['key']}", r)
        r += 1
    for spot, first in started.items():  # merge the 一级 / 二级 cells spanning their leaves
        level, key = spot.split(":", 1)
        col = int(level) + 1
        last = max(i for i in range(first, r) if _owner(ws, i, key, rows, col - 1))
        if last > first:
            ws.merge_cells(start_row=first, start_column=col, end_row=last, end_column=col)
    ws.column_dimensions["H"].hidden = True
    return r


def _owner(ws: Worksheet, row: int, key: str, rows: list[dict[str, Any]], depth: int) -> bool:
    leaf_key = str(ws.cell(row, 8).value or "").split("|")[0]
    by_key = {x["key"]: x for x in rows}
    chain: list[str] = []
    node = by_key.get(leaf_key)
    while node is not None and node.get("parent") in by_key:
        node = by_key[node["parent"]]
        chain.insert(0, node["key"])
    return len(chain) > depth and chain[depth] == key


def _header(ws: Worksheet, title: str, year: int, pairs: list[tuple[str, Any]]) -> int:
    ws.append([title])
    ws.merge_cells("A1:G1")
    ws["A1"].font, ws["A1"].alignment = Font(bold=True, size=14), Alignment(horizontal="center")
    ws.append([f"（{year}年度）"])
    ws.merge_cells("A2:G2")
    ws["A2"].alignment = Alignment(horizontal="center")
    r = 3
    for label, value in pairs:
        _cell(ws, r, 1, label, bold=True, to=2)
        _cell(ws, r, 3, value, to=7)
        r += 1
    for col, width in zip("ABCDEFG", (14, 14, 20, 22, 12, 12, 10), strict=True):
        ws.column_dimensions[col].width = width
    return r


def declaration_workbook(d: dict[str, Any], department: str, unit: str) -> bytes:
    """The 申报表 of ``services/api/targets.view``."""
    details, funds = d["details"], d["details"].get("funds", {})
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "绩效目标申报表"
    r = _header(
        ws,
        "项目支出绩效目标申报表",
        d["year"],
        [
            ("项目名称", d["project_name"]),
            ("主管部门", department),
            ("实施单位", unit),
            ("项目属性", "新增项目" if details.get("kind") == "new" else "延续项目"),
            ("起止时间", f"{details.get('start') or ''} 至 {details.get('end') or ''}"),
            ("项目负责人", details.get("responsible", "")),
            ("年度资金总额（万元）", _wan(funds.get("total"))),
            (
                "其中：财政拨款（万元）",
                _wan(
                    Decimal(str(funds.get("fiscal_upper", "0"))) + Decimal(str(funds.get("fiscal_own", "0")))
                ),
            ),
            ("其他资金（万元）", _wan(funds.get("other"))),
            ("项目概况", details.get("overview", "")),
            ("立项依据", details.get("basis", "")),
            ("中期目标", details.get("midterm_goal", "")),
            ("年度目标", details.get("annual_goal", "")),
        ],
    )
    _table(
        ws,
        r + 1,
        d["indicators"],
        ["指标性质", "度量单位", "权重"],
        lambda leaf: [
            leaf.get("nature") or "",
            leaf.get("unit") or "",
            Decimal(str(leaf.get("weight") or "0")),
        ],
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_declaration(data: bytes) -> tuple[list[TargetIndicator], list[str]]:
    """The indicator rows of a filled 申报表 (branches rebuilt from the key column), and the rows
    that could not be read."""
    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as e:  # not an .xlsx at all
        raise SheetError(f"无法读取文件：不是 .xlsx 工作簿（{type(e).__name__}）") from None
    ws = wb.worksheets[0]
    head_row = next((r for r in range(1, ws.max_row + 1) if text(ws.cell(r, 1).value) == "一级指标"), None)
    if head_row is None:
        raise SheetError("没有找到指标表（表头“一级指标”）")
    found: dict[str, TargetIndicator] = {}
    problems: list[str] = []
    names: dict[int, str] = {}
    for r in range(head_row + 1, ws.max_row + 1):
        marker = text(ws.cell(r, 8).value)
        if "|" not in marker:
            continue
        key, parent = marker.split("|", 1)
        for c in (1, 2, 3):  # merged cells hold their text in the first row only
            if text(ws.cell(r, c).value):
                names[c] = text(ws.cell(r, c).value)
        nature = text(ws.cell(r, 5).value)
        try:
            weight = number(ws.cell(r, 7).value or "0")
            found[key] = TargetIndicator(
                key=key,
                name=names.get(3) or text(ws.cell(r, 3).value),
                weight=weight,
                parent=parent or None,
                value=text(ws.cell(r, 4).value),
                nature=Nature(nature) if nature else None,
                unit=text(ws.cell(r, 6).value),
            )
        except ValueError:
            problems.append(f"第 {r} 行：权重或指标性质无法识别（指标性质应为 =、≥、≤ 或 定性），本行未导入")
    return list(found.values()), problems


def report_workbook(report: dict[str, Any], department: str, unit: str, round_name: str, year: int) -> bytes:
    """The 绩效监控表 of ``services/api/monitoring.report_view``."""
    e = report.get("execution") or {}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "绩效监控表"
    r = _header(
        ws,
        "项目支出绩效运行监控表",
        year,
        [
            ("项目名称", report["project_name"]),
            ("主管部门", department),
            ("实施单位", unit),
            ("监控期", round_name),
            ("全年预算数（万元）", _wan(e.get("annual"))),
            (f"{round_name}执行数（万元）", _wan(e.get("spent"))),
            (
                "全年预计执行数（万元）",
                _wan(e.get("expected_year_end")) if e.get("expected_year_end") else "",
            ),
            (
                "预警",
                "；".join(a["message"] for a in report.get("alerts", []) if not a.get("resolution")) or "无",
            ),
        ],
    )
    lines = {line["key"]: line for line in report.get("lines", [])}

    def answers(leaf: dict[str, Any]) -> list[Any]:
        line = lines.get(leaf["key"], {})
        return [line.get("reached", ""), line.get("expected", ""), line.get("cause") or ""]

    _table(
        ws, r + 1, report.get("targets", []), [f"{round_name}执行情况", "全年预计完成", "偏差原因"], answers
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
