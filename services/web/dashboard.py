"""The parent bureau's dashboard as data: descendants' projects with execution rates, the
distribution of self-evaluation scores and the grade counts, ready to draw.

Every figure is computed here in Decimal; the browser only draws. Bar lengths travel as
percentage strings (``"93.41"``) that SVG takes as they are, so no score or amount ever passes
through a JavaScript float.
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


def bar(pct: Decimal | None) -> str:
    """A percentage as a bar length in [0, 100] (over-execution is drawn full and flagged)."""
    if pct is None:
        return "0"
    return str(min(max(pct, Decimal(0)), HUNDRED))


def distribution(totals: list[Decimal]) -> list[dict[str, Any]]:
    counts = [0] * len(BINS)
    for total in totals:
        index = max(i for i, (_, low) in enumerate(BINS) if total >= low)
        counts[index] += 1
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
) -> dict[str, Any]:
    selfs = [p.self_evaluation for p in projects]
    scored = [Decimal(s["total"]) for s in selfs if s is not None]
    return {
        "tenant": tenant,
        "year": year,
        "rollup": {**msgspec.to_builtins(own), "bar": bar(own.execution_rate)},
        "children": [
            {**msgspec.to_builtins(c), "name": names.get(c.tenant, c.tenant), "bar": bar(c.execution_rate)}
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
        "grades": grade_counts([s["grade"] for s in selfs if s is not None]),
    }
