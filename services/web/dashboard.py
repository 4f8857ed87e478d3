"""The parent bureau's dashboard as data: descendants' projects with execution rates, the
distribution of self-evaluation scores and the grade counts, ready to draw.

Scores count finalized self-evaluations only (as the roll-ups do, docs/read-side.md); a project's
row still names its self-evaluation in any status, with that status, so a draft is one click away.

Every figure is computed here in Decimal and travels as a decimal string; the browser shows
those strings as they are. The charts (ECharts) need numbers to lay out bars and areas: the page
converts a string to a number for geometry only, never for a figure it shows (docs/ui.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from projections.rollups.projects import ProjectLine
from projections.rollups.queries import Rollup

HUNDRED = Decimal(100)
# score bands of the distribution chart: (label, lower bound inclusive); the last is 90–100
BINS = (
    ("<60", Decimal(0)),
    ("60–70", Decimal(60)),
    ("70–80", Decimal(70)),
    ("80–90", Decimal(80)),
    ("≥90", Decimal(90)),
)
GRADE_ORDER = ("优秀", "优", "良好", "良", "中", "差")
FINALIZED = "finalized"  # the only status whose scores the dashboard counts


def bar(pct: Decimal | None) -> str:
    """A percentage as a bar length in [0, 100] (over-execution is drawn full and flagged)."""
    if pct is None:
        return "0"
    return str(min(max(pct, Decimal(0)), HUNDRED))


def band(score: Decimal | None) -> int | None:
    """The index of the score band (``BINS``) a score falls in: the colour of a bureau on the region chart."""
    if score is None:
        return None
    return max((i for i, (_, low) in enumerate(BINS) if score >= low), default=0)


def distribution(totals: list[Decimal]) -> list[dict[str, Any]]:
    counts = [0] * len(BINS)
    for total in totals:
        counts[band(total) or 0] += 1
    return [{"label": label, "count": n} for (label, _), n in zip(BINS, counts, strict=True)]


def grade_counts(grades: list[str]) -> list[dict[str, Any]]:
    found: dict[str, int] = {}
    for g in grades:
        found[g] = found.get(g, 0) + 1
    ordered = sorted(found, key=lambda g: (GRADE_ORDER.index(g) if g in GRADE_ORDER else len(GRADE_ORDER), g))
    return [{"grade": g, "count": found[g]} for g in ordered]


def dashboard(
    tenant: dict[str, Any],
    year: int,
    own: Rollup,
    children: list[Rollup],
    names: dict[str, str],
    projects: list[ProjectLine],
    series: list[Rollup] | None = None,
) -> dict[str, Any]:
    selfs = [p.self_evaluation for p in projects]
    final = [s for s in selfs if s is not None and s["status"] == FINALIZED]
    scored = [Decimal(s["total"]) for s in final]
    return {
        "tenant": tenant,
        "year": year,
        "rollup": {**msgspec.to_builtins(own), "bar": bar(own.execution_rate)},
        "children": [
            {
                **msgspec.to_builtins(c),
                "name": names.get(c.tenant, c.tenant),
                "bar": bar(c.execution_rate),
                "band": band(c.average_self_score),
            }
            for c in children
        ],
        "projects": [
            {
                "project_id": p.project_id,
                "tenant": p.tenant,
                "tenant_name": p.tenant_name,
                "code": p.code,
                "name": p.name,
                "annual": str(p.annual),
                "spent": str(p.spent),
                "budget_execution_rate": None
                if p.budget_execution_rate is None
                else str(p.budget_execution_rate),
                "bar": bar(p.budget_execution_rate),
                "over": p.budget_execution_rate is not None and p.budget_execution_rate > HUNDRED,
                "self": s,
            }
            for p, s in zip(projects, selfs, strict=True)
        ],
        "distribution": distribution(scored),
        "grades": grade_counts([s["grade"] for s in final]),
        "unfinalized_selfs": sum(1 for s in selfs if s is not None and s["status"] != FINALIZED),
        # the bureau's roll-up year by year (oldest first), for the chart over years
        "series": [
            {
                "year": r.year,
                "projects": r.projects,
                "budget": str(r.budget),
                "spent": str(r.spent),
                "execution_rate": None if r.execution_rate is None else str(r.execution_rate),
                "average_self_score": None if r.average_self_score is None else str(r.average_self_score),
                "unfinalized": r.unfinalized,
            }
            for r in series or []
        ],
    }
