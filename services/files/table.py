"""The indicator table as text (评分表): what ``jixiao score`` prints."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from domain.evaluation import Evaluation
from domain.indicators import level_of
from domain.rules import describe
from services.files.scorer import Scored


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit(text: str, cols: int) -> str:
    """Cut to ``cols`` display columns (CJK counts double) and pad."""
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > cols - (1 if len(text) > len(out) + 1 else 0):
            out += "…"
            used += 1
            break
        out += ch
        used += w
    return out + " " * max(0, cols - used)


def _num(d: Decimal | None) -> str:
    return "" if d is None else f"{d}"


COLUMNS = (
    ("指标", 30),
    ("分值", 7),
    ("评分标准", 30),
    ("指标值", 14),
    ("实际完成值", 14),
    ("得分", 7),
    ("表中得分", 9),
)


def render(scored: Scored) -> str:
    ev = scored.evaluation
    p = scored.project
    lines = [f"{p.year} 年度 {p.name}（{p.code}）— {ev.evaluator.name}", ""]
    lines.append("".join(fit(title, w) for title, w in COLUMNS))
    lines.append("-" * sum(w for _, w in COLUMNS))
    specs = ev.specs()
    for key, node in ev.nodes.items():
        spec = node.spec
        indent = "  " * (level_of(key, specs) - 1)
        leaf = spec.rule is not None
        score = ev.score_of(node) if leaf else ev.subtotal(key)
        cells = (
            indent + spec.name,
            _num(spec.weight),
            (spec.standard or describe(spec.rule)) if spec.rule is not None else "",
            spec.target or "",
            node.actual or "",
            "不适用" if spec.not_applicable else _num(score),
            _num(node.stated_score),
        )
        lines.append("".join(fit(c, w) for c, (_, w) in zip(cells, COLUMNS, strict=True)).rstrip())
        for d in ev.deductions.values():
            if d.key == key and d.active:
                lines.append(f"{indent}    扣 {d.points} 分（{d.deduction_id}）：{d.reason}")
    lines += ["", *_summary(ev, scored)]
    return "\n".join(lines)


def _summary(ev: Evaluation, scored: Scored) -> list[str]:
    total = ev.total()
    out = [f"计算总分：{total}    等级：{ev.grade()}"]
    if ev.stated_total is not None or ev.stated_grade is not None:
        out.append(f"表中总分：{_num(ev.stated_total)}    表中等级：{ev.stated_grade or ''}")
    ledger = scored.project.total()
    if scored.project.entries:
        out.append(
            f"全年预算 {ledger.annual} 元，到位 {ledger.received} 元，支出 {ledger.spent} 元；"
            f"资金到位率 {_pct(ledger.funds_received_rate)}，预算执行率 {_pct(ledger.execution_rate)}，"
            f"执行率(B/A) {_pct(ledger.budget_execution_rate)}"
        )
    flags = scored.flags
    out.append(f"提示（{len(flags)}）：" if flags else "提示：无")
    out += [f"  ⚠ [{f.code}] {f.message}" for f in flags]
    out.append(f"拒绝（{len(scored.refusals)}）：" if scored.refusals else "拒绝：无")
    out += [
        f"  ✗ {r.row}：{r.message} [{r.code}]" if r.row else f"  ✗ {r.message} [{r.code}]"
        for r in scored.refusals
    ]
    return out


def _pct(p: Decimal | None) -> str:
    return "—" if p is None else f"{p}%"
