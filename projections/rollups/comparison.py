"""One project's 单位自评 against each external evaluation of it (部门评价, 财政评价, 第三方), per
indicator and in total — finalized evaluations only (docs/read-side.md, "Comparison and series").

Read from the ledgers and scorecards views (the stored scorecard documents), as ``jixiao_reader``
under row-level security like every API read; nothing is replayed per request.

Indicators are paired by key (编号), and those left over by name (名称); an indicator of one side
only is listed with the other side empty. A gap is large (``flagged``) when it reaches 10 % of the
indicator's weight, or 5 points in the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from msgspec import Struct
from psycopg import Connection

from projections.scorecards.rows import IndicatorRow, Scorecard, decode_scorecard

FINALIZED = "finalized"
INDICATOR_SHARE = Decimal("0.10")  # a gap of ≥ 10 % of the indicator's weight is large
TOTAL_POINTS = Decimal(5)  # a gap of ≥ 5 points in the total is large
KIND_LABEL = {"self": "单位自评", "department": "部门评价", "finance": "财政评价"}

_PROJECT = """
SELECT p.project_id::text, p.tenant, p.code, p.name, p.year
FROM rm_ledgers.projects p WHERE p.project_id = %s
"""
_CARDS = """
SELECT document FROM rm_scorecards.scorecards WHERE project_id = %s ORDER BY kind = 'self' DESC, kind, evaluator
"""


class Side(Struct, frozen=True):
    """One evaluation as a side of the comparison."""

    evaluation_id: str
    kind: str
    label: str  # 单位自评 / 部门评价 / 财政评价 / 第三方评价（…）
    evaluator: str
    status: str
    total: Decimal
    grade: str


class Pair(Struct, frozen=True):
    """One indicator of both sides (or of one side only): scores, the gap, whether it is large."""

    key: str | None  # the self-evaluation's key, else the external's
    name: str
    level: int
    weight: Decimal
    matched_by: str | None  # "key" | "name" | None (one side only)
    external_key: str | None
    external_name: str | None
    self_score: Decimal | None
    external_score: Decimal | None
    difference: Decimal | None  # self − external
    flagged: bool


class Against(Struct, frozen=True):
    """The self-evaluation against one external evaluation."""

    external: Side
    compared: bool  # both finalized
    note: str  # why not compared, in Chinese; "" when compared
    total_difference: Decimal | None
    total_flagged: bool
    indicators: list[Pair]
    flagged: int


class Comparison(Struct, frozen=True):
    project_id: str
    tenant: str
    code: str
    name: str
    year: int
    self_evaluation: Side | None
    externals: list[Against]
    rule: str  # the thresholds, as the screen says them


RULE = "只比较已定稿的评价；指标差异达到该指标分值的 10% 或总分差异达到 5 分标为差异较大"


def side_of(card: Scorecard) -> Side:
    label = KIND_LABEL.get(card.kind, card.kind)
    if card.third_party:
        label = f"第三方评价（{label}）"
    return Side(card.evaluation_id, card.kind, label, card.evaluator, card.status, card.total, card.grade)


def pair_indicators(
    left: Sequence[IndicatorRow], right: Sequence[IndicatorRow]
) -> list[tuple[IndicatorRow | None, IndicatorRow | None, str | None]]:
    """Pairs of ``left`` and ``right`` rows: by key, then the rest by name (first unpaired of that
    name); unpaired rows of either side alone. In ``left``'s order, ``right``'s leftovers last."""
    by_key = {r.key: r for r in right}
    taken: set[str] = set()
    pairs: list[tuple[IndicatorRow | None, IndicatorRow | None, str | None]] = []
    pending: list[int] = []
    for row in left:
        other = by_key.get(row.key)
        if other is not None:
            taken.add(other.key)
            pairs.append((row, other, "key"))
        else:
            pending.append(len(pairs))
            pairs.append((row, None, None))
    for i in pending:
        mine = pairs[i][0]
        assert mine is not None
        found = next((r for r in right if r.key not in taken and r.name == mine.name), None)
        if found is not None:
            taken.add(found.key)
            pairs[i] = (mine, found, "name")
    pairs.extend((None, r, None) for r in right if r.key not in taken)
    return pairs


def large(difference: Decimal | None, weight: Decimal) -> bool:
    return difference is not None and abs(difference) >= weight * INDICATOR_SHARE


def _pair(mine: IndicatorRow | None, theirs: IndicatorRow | None, how: str | None) -> Pair:
    shown = mine or theirs
    assert shown is not None
    mine_score = mine.score if mine is not None and not mine.not_applicable else None
    their_score = theirs.score if theirs is not None and not theirs.not_applicable else None
    gap = None if mine_score is None or their_score is None else mine_score - their_score
    return Pair(
        key=shown.key,
        name=shown.name,
        level=shown.level,
        weight=shown.weight,
        matched_by=how,
        external_key=theirs.key if theirs else None,
        external_name=theirs.name if theirs else None,
        self_score=mine_score,
        external_score=their_score,
        difference=gap,
        flagged=large(gap, shown.weight),
    )


def against(mine: Scorecard | None, theirs: Scorecard) -> Against:
    external = side_of(theirs)
    waiting = [
        label
        for label, card in (("单位自评", mine), (external.label, theirs))
        if card is not None and card.status != FINALIZED
    ]
    if mine is None:
        return Against(external, False, "本项目尚无单位自评，无法比较", None, False, [], 0)
    if waiting:
        note = f"{'、'.join(waiting)}尚未定稿，不作比较（只比较已定稿的评价）"
        return Against(external, False, note, None, False, [], 0)
    rows = [_pair(a, b, how) for a, b, how in pair_indicators(mine.indicators, theirs.indicators)]
    gap = mine.total - theirs.total
    return Against(external, True, "", gap, abs(gap) >= TOTAL_POINTS, rows, sum(1 for r in rows if r.flagged))


def compare_project(conn: Connection[Any], project_id: UUID) -> Comparison | None:
    """The comparison of ``project_id``'s evaluations, or None when the project is not visible."""
    with conn.cursor() as cur:
        found = cur.execute(_PROJECT, (project_id,)).fetchone()
        if found is None:
            return None
        cards = [decode_scorecard(r[0]) for r in cur.execute(_CARDS, (project_id,)).fetchall()]
    mine = next((c for c in cards if c.kind == "self"), None)
    pid, tenant, code, name, year = found
    return Comparison(
        project_id=pid,
        tenant=tenant,
        code=code,
        name=name,
        year=int(year),
        self_evaluation=side_of(mine) if mine else None,
        externals=[against(mine, c) for c in cards if c.kind != "self"],
        rule=RULE,
    )
