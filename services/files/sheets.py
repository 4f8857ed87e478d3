"""A filled 评分表 (a sheet: the rows of an .xlsx file, read by ``services/web/formsheet.py``, or ``scoresheet.py`` for the earlier layout) into
an evaluation, row by row, through the domain's own commands.

Same policy as ``jixiao import``: each row goes through the aggregate's command; a refused row
is reported with the domain's Chinese message and its Excel row number and records nothing,
the rest carries on; everything accepted is saved in one transaction. What an import does:

- **定义**: a row whose indicator exists keeps its definition, changed only where the visible
  columns (name, 分值, 评分标准, 年度指标值) differ; a new row needs the hidden definition column
  (its rule), otherwise it is refused.
- **实际完成值** and the hidden scoring inputs are recorded when they differ from what is stored.
- **扣分**: each "扣N分：原因" line the indicator does not already have is applied (evaluator role
  only); an import never revises or withdraws a deduction — that is done on the scorecard, with
  its own reason.
- **得分**, **合计**, **等级** are what the form states: a difference from the computed figure is
  flagged, never copied over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

import msgspec

from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.ledger import SourceTotals
from domain.rules import RuleInput
from services.files.scorer import Collector, Refusal


@dataclass
class SheetRow:
    """One indicator row as the sheet states it (text as typed, numbers as Decimal); written the same way."""

    line: int  # the Excel row number, for messages (0 when writing)
    key: str
    level: int
    name: str
    weight: Decimal | None
    standard: str
    target: str | None
    actual: str | None
    score: Decimal | None
    deductions: list[tuple[Decimal, str]]
    deviation: str | None  # None: the sheet has no cell for it (kept as stored)
    definition: str | None
    inputs: str | None


@dataclass
class Sheet:
    rows: list[SheetRow] = field(default_factory=list)
    total: Decimal | None = None
    grade: str | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, message): rows not understood


@dataclass
class Outcome:
    refusals: list[Refusal]
    rows: int


def _row(r: SheetRow) -> str:
    return f"第 {r.line} 行 · 指标「{r.name}」"


def _spec(e: Evaluation, r: SheetRow, branches: set[str]) -> IndicatorSpec:
    """The definition the row asks for: stored (or from the hidden column), then the visible edits."""
    existing = e.nodes.get(r.key)
    if r.definition:
        try:
            base = msgspec.json.decode(r.definition, type=IndicatorSpec)
        except msgspec.DecodeError as err:
            raise ValueError(f"指标定义列无法读取（{err}），本行未导入") from None
        base = msgspec.structs.replace(base, key=r.key)
    elif existing is not None:
        base = existing.spec
    else:
        if r.key not in branches:
            raise ValueError("新增的末级指标缺少指标定义列（评分规则），本行未导入")
        parent = r.key.rsplit(".", 1)[0] if "." in r.key else None
        base = IndicatorSpec(key=r.key, name=r.name, weight=r.weight or Decimal(0), parent=parent)
    changes: dict[str, object] = {"name": r.name, "standard": r.standard, "target": r.target}
    if r.weight is not None:
        changes["weight"] = r.weight
    return msgspec.structs.replace(base, **changes)


# inputs the 实际完成值 text or the definition already carries: a re-import takes them from there,
# so editing the text in Excel is not overridden by a stale hidden copy
DERIVED = ("target", "due", "reverse")
FROM_TEXT = ("value", "ratio_pct", "completed_on", "category")


def written_inputs(actual: str | None, given: RuleInput | None, from_ledger: bool) -> str:
    """The hidden 评分数据 cell for a row: only the inputs nothing else in the row carries."""
    if given is None:
        return ""
    drop = set(DERIVED) | (set(FROM_TEXT) if actual else set()) | ({"ratio_pct"} if from_ledger else set())
    kept = {k: v for k, v in msgspec.to_builtins(given).items() if k not in drop}
    return msgspec.json.encode(kept).decode() if kept else ""


def _inputs(text: str | None) -> RuleInput | None:
    if not text:
        return None
    try:
        return msgspec.json.decode(text, type=RuleInput)
    except msgspec.DecodeError as err:
        raise ValueError(f"评分数据列无法读取（{err}）") from None


def apply_sheet(
    e: Evaluation, sheet: Sheet, figures: SourceTotals | None, *, may_deduct: bool, source: str
) -> Outcome:
    c = Collector()
    for line, message in sheet.problems:
        c.refusals.append(Refusal(f"第 {line} 行", message, "import.row_unreadable"))
    parents = {r.key.rsplit(".", 1)[0] for r in sheet.rows if "." in r.key}
    branches = {r.key for r in sheet.rows if r.key in parents}
    defined: set[str] = set()
    for r in sheet.rows:
        try:
            spec = _spec(e, r, branches)
        except ValueError as err:
            c.refusals.append(Refusal(_row(r), str(err), "import.definition"))
            continue
        if spec.parent is not None and spec.parent not in defined and spec.parent not in e.nodes:
            c.refusals.append(
                Refusal(_row(r), "上级指标未能录入，本行一并未录入", "indicator.parent_refused")
            )
            continue
        existing = e.nodes.get(r.key)
        unchanged = existing is not None and existing.spec == spec
        if unchanged or c.ok(partial(e.define_indicator, spec, reason=f"导入 Excel「{source}」")):
            defined.add(r.key)
    if figures is not None and any(n.spec.ledger_source is not None for n in e.nodes.values()):
        c.attempt(lambda: e.sync_ledger(figures))
    for r in sheet.rows:
        if r.key in defined and r.key not in branches:
            _values(c, e, r, may_deduct)
    if (sheet.total, sheet.grade) != (None, None):
        c.attempt(lambda: e.record_stated_total(sheet.total, sheet.grade))
    return Outcome(c.refusals, len(sheet.rows))


def _values(c: Collector, e: Evaluation, r: SheetRow, may_deduct: bool) -> None:
    node = e.nodes[r.key]
    row = _row(r)
    try:
        given = _inputs(r.inputs)
    except ValueError as err:
        c.refusals.append(Refusal(row, str(err), "import.inputs"))
        given = None
    stored = (node.actual, written_inputs(node.actual, node.given, node.spec.ledger_source is not None))
    if (r.actual is not None or given is not None) and (r.actual, r.inputs or "") != stored:
        _attempt(c, row, lambda: e.record_actual(r.key, r.actual, given))
    deviation = r.deviation
    if deviation is not None and deviation != node.deviation:
        _attempt(c, row, lambda: e.note_deviation(r.key, deviation))
    have = [(d.points, d.reason) for d in e.deductions.values() if d.active and d.key == r.key]
    for points, reason in r.deductions:
        if (points, reason) in have:
            continue
        if not may_deduct:
            c.refusals.append(Refusal(row, f"扣{points}分需要评价人角色，未录入", "forbidden.role"))
            continue
        n = 1 + sum(1 for d in e.deductions.values() if d.key == r.key)
        while f"{r.key}-D{n}" in e.deductions:
            n += 1
        _attempt(c, row, partial(e.apply_deduction, f"{r.key}-D{n}", r.key, points, reason))
    stated = r.score
    if stated is not None and stated != node.stated_score:
        _attempt(c, row, lambda: e.record_stated_score(r.key, stated))


def _attempt(c: Collector, row: str, fn: Callable[[], object]) -> None:
    """Like the collector's attempt, with the Excel row number in front of the domain's row."""
    before = len(c.refusals)
    c.attempt(fn)
    for i in range(before, len(c.refusals)):
        refused = c.refusals[i]
        c.refusals[i] = Refusal(row, refused.message, refused.code)
