"""The 项目支出绩效自评表 / 评分表 as a bureau files it (the 财预〔2020〕10号 attachment layout), as one
model built from the evaluation and its project: the screen, the print page and the Excel
workbook all lay out this model, so they cannot disagree.

- header: 项目名称, 主管部门, 实施单位 (and for a 评分表 the kind of evaluation and who evaluates);
- 项目资金（万元） by funding source: 年度资金总额 / 其中：当年财政拨款 / 上年结转资金 / 其他资金 ×
  年初预算数 / 全年预算数 / 全年执行数 / 分值 / 执行率 / 得分. Amounts come from the project's ledger,
  converted to 万元 and rounded half-up to 2 decimals (the form's unit; the ledger keeps yuan).
  执行率 is the ledger's 全年执行数 / 全年预算数 (B/A). 分值 and 得分 are those of the evaluation's
  执行率 indicator — a top-level leaf computed from the ledger's B/A rate — which the form shows
  in this grid and therefore not again in the indicator table;
- 年度总体目标: 预期目标 (the project's goal) against 实际完成情况 (its achieved summary);
- the indicator table, one row per leaf, 一级 / 二级 cells spanning their leaves. A 自评表 has
  年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施; a 评分表 (部门 / 财政 / 第三方评价) has
  分值, 评分标准, 实际完成值, 得分, 扣分原因. The last column carries the active deductions
  (``扣2分：原因``, one a line) and then the deviation note;
- 总分 and 自评等级 / 评价等级.

Nothing internal is in the model: no flags, no rule explanations, no evaluator's remarks. The
screen adds those from the scorecard; paper and Excel never see them.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from msgspec import Struct

from domain.evaluation import Evaluation, EvaluationKind
from domain.indicators import IndicatorSpec, LedgerSource, children_of
from domain.ledger import FundingSource, Project, SourceTotals
from projections.scorecards.rows import scorecard_of

WAN = Decimal(10000)
CENT = Decimal("0.01")
KIND_LABEL = {
    EvaluationKind.SELF: "单位自评",
    EvaluationKind.DEPARTMENT: "部门评价",
    EvaluationKind.FINANCE: "财政评价",
}
SOURCE_LABEL = {
    FundingSource.CURRENT: "其中：当年财政拨款",
    FundingSource.CARRYOVER: "上年结转资金",
    FundingSource.OTHER: "其他资金",
}
TOTAL_FUNDS = "年度资金总额"


class Column(Struct, frozen=True):
    code: str  # target | actual | weight | score | standard | notes
    title: str


SELF_COLUMNS = (
    Column("target", "年度指标值"),
    Column("actual", "实际完成值"),
    Column("weight", "分值"),
    Column("score", "得分"),
    Column("notes", "偏差原因分析及改进措施"),
)
REVIEW_COLUMNS = (
    Column("weight", "分值"),
    Column("standard", "评分标准"),
    Column("actual", "实际完成值"),
    Column("score", "得分"),
    Column("notes", "扣分原因"),
)
FUNDS_HEAD = ("年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分")


class Span(Struct, frozen=True):
    """A 一级 or 二级 cell: the branch, and how many leaf rows it spans."""

    key: str
    level: int
    name: str
    weight: Decimal
    score: Decimal | None
    rows: int

    @property
    def label(self) -> str:
        return branch_label(self.name, self.weight)


class FormRow(Struct, frozen=True):
    key: str
    level: int  # the leaf's level: its name spans the name columns from there to 三级指标
    spans: list[Span]  # the branch cells that start on this row, level 1 first
    name: str
    weight: Decimal
    standard: str
    target: str
    actual: str
    score: Decimal | None
    deductions: list[str]  # 扣2分：原因
    deviation: str
    not_applicable: bool = False


class FundsRow(Struct, frozen=True):
    label: str
    initial: Decimal  # 万元
    annual: Decimal
    spent: Decimal
    weight: Decimal | None = None
    rate: Decimal | None = None  # per cent
    score: Decimal | None = None


class OfficialForm(Struct, frozen=True):
    evaluation_id: str
    version: int
    kind: str
    kind_label: str
    form: str  # 自评表 | 评分表
    title: str
    year: int
    name: str
    code: str
    department: str
    unit: str
    evaluator: str
    third_party: bool
    amount_unit: str
    funds: list[FundsRow]
    funds_key: str | None  # the 执行率 indicator shown in the grid
    goal: str
    achieved: str
    columns: list[Column]
    rows: list[FormRow]
    weight_total: Decimal
    total: Decimal
    grade: str
    grade_label: str
    filename: str


def branch_label(name: str, weight: Decimal) -> str:
    return f"{name}（{weight}分）"


def wan(yuan: Decimal) -> Decimal:
    return (yuan / WAN).quantize(CENT, rounding=ROUND_HALF_UP)


def deduction_line(points: Decimal, reason: str) -> str:
    return f"扣{points}分：{' '.join(reason.split())}"


def funds_indicator(e: Evaluation) -> IndicatorSpec | None:
    """The 执行率 (B/A) indicator the 项目资金 grid scores: a top-level leaf from the ledger's B/A."""
    parents = {n.spec.parent for n in e.nodes.values()}
    for key, node in e.nodes.items():
        spec = node.spec
        if (
            spec.parent is None
            and key not in parents
            and spec.ledger_source is LedgerSource.BUDGET_EXECUTION_RATE
        ):
            return spec
    return None


def _funds(p: Project, lifted: IndicatorSpec | None, score: Decimal | None) -> list[FundsRow]:
    total = p.total()
    rows = [
        FundsRow(
            TOTAL_FUNDS,
            wan(total.initial),
            wan(total.annual),
            wan(total.spent),
            lifted.weight if lifted else None,
            total.budget_execution_rate,
            score,
        )
    ]
    per_source = p.totals()
    for source, label in SOURCE_LABEL.items():
        t = per_source.get(source, SourceTotals())
        rows.append(FundsRow(label, wan(t.initial), wan(t.annual), wan(t.spent)))
    return rows


def filename_of(name: str, year: int, form: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .") or "项目"
    return f"{safe}-{year}年度项目支出绩效{form}.xlsx"


def official_form(e: Evaluation, p: Project) -> OfficialForm:
    card = scorecard_of(e)
    by_key = {r.key: r for r in card.indicators}
    lifted = funds_indicator(e)
    skip = lifted.key if lifted else None
    kids = children_of(e.specs())
    chains: list[list[str]] = []

    def walk(key: str, chain: list[str]) -> None:
        below = kids.get(key) or []
        if not below and key != skip:
            chains.append([*chain, key])
        for k in below:
            walk(k.key, [*chain, key])

    for root in kids.get(None) or []:
        walk(root.key, [])
    count: dict[str, int] = {}
    for chain in chains:
        for k in chain[:-1]:
            count[k] = count.get(k, 0) + 1
    active = [d for d in card.deductions if d.active]
    started: set[str] = set()
    rows = []
    for chain in chains:
        leaf = by_key[chain[-1]]
        spans = []
        for k in chain[:-1]:
            if k not in started:
                started.add(k)
                b = by_key[k]
                spans.append(Span(k, b.level, b.name, b.weight, b.score, count[k]))
        rows.append(
            FormRow(
                key=leaf.key,
                level=leaf.level,
                spans=spans,
                name=leaf.name,
                weight=leaf.weight,
                standard=leaf.standard,
                target=leaf.target or "",
                actual=leaf.actual or "",
                score=leaf.score,
                deductions=[deduction_line(d.points, d.reason) for d in active if d.key == leaf.key],
                deviation=leaf.deviation,
                not_applicable=leaf.not_applicable,
            )
        )
    self_form = e.kind is EvaluationKind.SELF
    form = "自评表" if self_form else "评分表"
    return OfficialForm(
        evaluation_id=str(e.id),
        version=e.version,
        kind=e.kind.value,
        kind_label=KIND_LABEL[e.kind],
        form=form,
        title=f"项目支出绩效{form}",
        year=p.year,
        name=p.name,
        code=p.code,
        department=p.department,
        unit=p.implementing_unit,
        evaluator=e.evaluator.name,
        third_party=e.evaluator.third_party,
        amount_unit="万元",
        funds=_funds(p, lifted, by_key[skip].score if skip else None),
        funds_key=skip,
        goal=p.goal,
        achieved=p.achieved,
        columns=list(SELF_COLUMNS if self_form else REVIEW_COLUMNS),
        rows=rows,
        weight_total=sum((r.weight for r in card.indicators if r.parent is None), Decimal(0)),
        total=card.total,
        grade=card.grade,
        grade_label="自评等级" if self_form else "评价等级",
        filename=filename_of(p.name, p.year, form),
    )
