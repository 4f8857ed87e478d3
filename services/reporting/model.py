"""The evaluation report as a neutral document (headings, paragraphs, tables), built from the
report's engagement data and narrative and the evaluation's figures — the same model for .docx
and PDF, so both files say the same thing.

Filled from the evaluation: the project's funds and execution (the ledger), the approved targets'
annual goal, the total score and grade, each first-level indicator's score, every indicator's
weight, score and deductions with reasons (the annex's 评分表). The evaluator's narrative follows
the figures in each part; a part left unwritten says so (「（未填写）」) rather than vanishing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from domain.evaluation import Evaluation
from domain.ledger import Project
from domain.money import format_yuan
from domain.reporting import OUTLINE, EvaluationReport

UNWRITTEN = "（未填写）"


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""


@dataclass
class Section:
    heading: str
    blocks: list[str | Table] = field(default_factory=list)


@dataclass
class Document:
    title: str
    meta: list[tuple[str, str]]
    sections: list[Section]


def _score(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _funds(project: Project) -> list[str | Table]:
    t = project.total()
    rate = "—" if t.execution_rate is None else f"{t.execution_rate}%"
    return [
        Table(
            ("年度预算数（元）", "到位资金（元）", "执行数（元）", "预算执行率"),
            ((format_yuan(t.annual), format_yuan(t.received), format_yuan(t.spent), rate),),
            "项目资金情况",
        )
    ]


def _level_one(e: Evaluation) -> Table:
    tops = [n for n in e.nodes.values() if n.spec.parent is None]
    return Table(
        ("一级指标", "权重", "得分"),
        tuple((n.spec.name, f"{n.spec.weight}", _score(e.subtotal(n.spec.key))) for n in tops),
        "各一级指标得分",
    )


def _score_table(e: Evaluation) -> Table:
    scores = e.scores()
    reasons: dict[str, list[str]] = {}
    for d in e.deductions.values():
        if d.active:
            reasons.setdefault(d.key, []).append(f"扣 {d.points} 分：{d.reason}")
    rows = tuple(
        (
            n.spec.key,
            n.spec.name,
            f"{n.spec.weight}",
            n.spec.target or "",
            n.actual or "",
            _score(scores.get(n.spec.key)) if n in e.leaves() else _score(e.subtotal(n.spec.key)),
            "；".join(reasons.get(n.spec.key, [])),
        )
        for n in e.nodes.values()
    )
    return Table(
        ("编号", "指标", "权重", "指标值", "实际完成值", "得分", "扣分原因"), rows, "绩效评价指标评分表"
    )


def build(report: EvaluationReport, e: Evaluation, project: Project, annual_goal: str = "") -> Document:
    """The document; ``annual_goal``: the approved targets' 年度目标 (when declared)."""
    g = report.engagement
    total = e.total()
    grade = e.grade_scheme.grade(total)
    period = "" if g.period_start is None else f"{g.period_start} 至 {g.period_end or ''}"
    meta = [
        ("项目名称", project.name),
        ("评价年度", f"{e.year} 年度"),
        ("委托单位", g.commissioner),
        ("评价机构", g.implementer or e.evaluator.name),
        ("评价工作期间", period),
        ("报告日期", "" if g.report_date is None else g.report_date.isoformat()),
    ]
    filled: dict[str, list[str | Table]] = {
        "basic": [
            f"项目名称：{project.name}；主管部门：{project.department or '—'}；实施单位：{project.implementing_unit or '—'}。",
            *(_funds(project)),
            *([f"年度绩效目标：{annual_goal}"] if annual_goal else []),
        ],
        "work": [
            *([f"评价方法：{g.method}"] if g.method else []),
            *([f"现场工作安排：{g.fieldwork}"] if g.fieldwork else []),
            *(
                [
                    Table(
                        ("姓名", "分工", "职称或单位"),
                        tuple((m.name, m.duty, m.title) for m in g.team),
                        "评价工作组",
                    )
                ]
                if g.team
                else []
            ),
            *(
                [Table(("序号", "访谈与核查事项"), tuple((str(n), c) for n, c in enumerate(g.checklist, 1)))]
                if g.checklist
                else []
            ),
        ],
        "conclusion": [
            f"经综合评价，该项目 {e.year} 年度绩效评价得分为 {total:.2f} 分，评价等级为“{grade}”。",
            _level_one(e),
        ],
        "analysis": [_level_one(e)],
        "annex": [_score_table(e)],
    }
    sections = []
    for key, heading in OUTLINE:
        blocks = list(filled.get(key, []))
        text = report.sections.get(key, "").strip()
        if text:
            blocks.extend(p.strip() for p in text.split("\n") if p.strip())
        elif key not in ("analysis", "annex", "conclusion"):
            blocks.append(UNWRITTEN)
        sections.append(Section(heading, blocks))
    return Document(f"{project.name}{e.year}年度绩效评价报告", meta, sections)
