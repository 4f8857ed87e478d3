"""Lists that scale: what a caller asked of a list (search, filters, one page) and what it gets
back (the page's rows, the total count, the years that have rows).

The filters are applied in SQL by the read models' list queries (``projections/rollups/projects.py``,
``projections/scorecards/lists.py``), always under the caller's signed row-level scope; the
adapters (``services/api/listing.py``) check the parameters and refuse bad ones in Chinese before
a query runs, so the values here are already valid.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from msgspec import Struct

MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

T = TypeVar("T")


class ListQuery(Struct, frozen=True):
    """Search ``q`` (in a project's name or code), filters, and the page (from 1)."""

    q: str | None = None
    status: str | None = None  # an evaluation's status: draft, submitted, returned, finalized
    grade: str | None = None  # an evaluation's grade: 优秀, 良好, 优, 良, 中, 差 …
    year: int | None = None
    latest: bool = False  # the latest year that has rows (resolved by the query, reported back)
    project: str | None = None  # one project's evaluations (a uuid's text)
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


class Page(Struct, Generic[T], frozen=True):
    """One page of a list. ``year`` is the year the rows are of (the one asked for, or the latest
    with rows when ``year=latest`` was asked; None for every year); ``years`` every year with rows
    in the caller's list whatever the other filters, newest first, for the year selector."""

    items: list[T]
    total: int
    page: int
    page_size: int
    pages: int
    year: int | None
    years: list[int]


def pattern(q: str) -> str:
    """``q`` as an ILIKE pattern matching it anywhere, its own ``%``, ``_`` and ``\\`` taken literally."""
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def params(query: ListQuery, year: int | None) -> dict[str, Any]:
    """The SQL parameters every list query shares (``year`` resolved already)."""
    return {
        "q": None if query.q is None else pattern(query.q),
        "status": query.status,
        "grade": query.grade,
        "year": year,
        "limit": query.page_size,
        "offset": query.offset,
    }


def page_of(items: list[T], total: int, query: ListQuery, year: int | None, years: list[int]) -> Page[T]:
    pages = max(1, -(-total // query.page_size))
    return Page(items, total, query.page, query.page_size, pages, year, years)
