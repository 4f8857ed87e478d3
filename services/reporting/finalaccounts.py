"""The 部门决算 summary of self-evaluations as the final accounts print it: a text section and an
Excel table, from ``projections/rollups/finalaccounts.py`` and the problems and measures of the
evaluated projects' 整改."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Font

from projections.rollups.finalaccounts import FinalAccounts


@dataclass(frozen=True)
class Problem:
    project: str
    finding: str
    measures: str  # the unit's 整改措施 (latest filing), "" before one


def _wan(yuan: Decimal) -> str:
    return f"{(yuan / 10000).quantize(Decimal('0.01'))}"


def text(s: FinalAccounts, bureau: str, problems: list[Problem]) -> str:
    """The section of the 部门决算 that reports the bureau's project self-evaluations."""
    lines = [
        f"{bureau}{s.year}年度共有项目 {s.projects} 个，年度预算 {_wan(s.money)} 万元。"
        f"已完成绩效自评并定稿的项目 {s.evaluated} 个，覆盖资金 {_wan(s.money_evaluated)} 万元，"
        f"占项目支出预算的 {s.money_share}%。"
    ]
    if s.grades:
        parts = [
            f"评价等级为“{g.grade}”的 {g.count} 个（占 {g.count_share}%），资金 {_wan(g.money)} 万元（占 {g.money_share}%）"
            for g in s.grades
        ]
        lines.append("其中：" + "；".join(parts) + "。")
    if problems:
        lines.append("发现的主要问题及整改措施：")
        for n, p in enumerate(problems, 1):
            measure = f"整改措施：{p.measures}" if p.measures else "整改措施尚未报送"
            lines.append(f"{n}. {p.project}：{p.finding}。{measure}。")
    else:
        lines.append("自评未发现需要整改的问题。")
    return "\n".join(lines)


def workbook(s: FinalAccounts, bureau: str, problems: list[Problem]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "自评结果汇总"
    ws.append([f"{bureau}{s.year}年度项目支出绩效自评结果汇总"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["项目总数", s.projects, "已定稿自评项目数", s.evaluated])
    ws.append(
        [
            "项目预算（元）",
            str(s.money),
            "覆盖资金（元）",
            str(s.money_evaluated),
            "覆盖比例（%）",
            str(s.money_share),
        ]
    )
    ws.append([])
    ws.append(["评价等级", "项目数", "项目数占比（%）", "资金（元）", "资金占比（%）"])
    for g in s.grades:
        ws.append([g.grade, g.count, str(g.count_share), str(g.money), str(g.money_share)])
    ws.append([])
    ws.append(["项目", "年度预算（元）", "自评得分", "评价等级"])
    for r in s.rows:
        ws.append([r.name, str(r.annual), "" if r.total is None else str(r.total), r.grade or "未定稿"])
    problems_sheet = wb.create_sheet("问题与整改")
    problems_sheet.append(["项目", "问题", "整改措施"])
    for p in problems:
        problems_sheet.append([p.project, p.finding, p.measures])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
