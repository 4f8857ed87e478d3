"""Reading scorecards (for the HTTP API): the same ``Scorecard`` shape time travel returns."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from psycopg import Connection

from projections.scorecards.rows import Scorecard, decode_scorecard

SCHEMA = "rm_scorecards"


def scorecard_document(conn: Connection[Any], evaluation_id: UUID) -> tuple[int, bytes] | None:
    """The stored scorecard as the API sends it, with its version: (version, JSON bytes)."""
    # the document's bytes as stored, in binary format: no decoding to str and encoding back
    row = conn.execute(
        f"SELECT version, convert_to(document, 'UTF8') FROM {SCHEMA}.scorecards WHERE evaluation_id = %s",
        (evaluation_id,),
        prepare=True,
        binary=True,
    ).fetchone()
    return None if row is None else (int(row[0]), bytes(row[1]))


def get_scorecard(conn: Connection[Any], evaluation_id: UUID) -> Scorecard | None:
    found = scorecard_document(conn, evaluation_id)
    return None if found is None else decode_scorecard(found[1])


def list_scorecards(conn: Connection[Any], tenant: str, year: int | None = None) -> list[dict[str, Any]]:
    """A bureau's evaluations: id, project, kind, status, total, grade, number of flags."""
    query = (
        f"SELECT evaluation_id, project_id, year, kind, evaluator, status, total, grade, flag_count "
        f"FROM {SCHEMA}.scorecards WHERE tenant = %s"
        + (" AND year = %s" if year is not None else "")
        + " ORDER BY year, project_id, kind"
    )
    params: tuple[Any, ...] = (tenant, year) if year is not None else (tenant,)
    cols = ("evaluation_id", "project_id", "year", "kind", "evaluator", "status", "total", "grade", "flags")
    with conn.cursor() as cur:
        return [dict(zip(cols, row, strict=True)) for row in cur.execute(query, params).fetchall()]


class ScorecardQueries(Protocol):
    """The scorecards read model as its readers see it: ``PostgresScorecards`` (the projection's
    table, on the caller's connection) and ``projections.scorecards.memory.InMemoryScorecards``
    (its twin for unit tests) — one contract suite, ``tests/contracts/test_scorecard_queries.py``."""

    def document(self, evaluation_id: UUID) -> tuple[int, bytes] | None:
        """(version, the scorecard as the API sends it), or None."""

    def scorecard(self, evaluation_id: UUID) -> Scorecard | None: ...

    def list(self, tenant: str, year: int | None = None) -> list[dict[str, Any]]:
        """A bureau's evaluations, as ``list_scorecards``."""


class PostgresScorecards:
    def __init__(self, conn: Connection[Any]) -> None:
        self.conn = conn

    def document(self, evaluation_id: UUID) -> tuple[int, bytes] | None:
        return scorecard_document(self.conn, evaluation_id)

    def scorecard(self, evaluation_id: UUID) -> Scorecard | None:
        return get_scorecard(self.conn, evaluation_id)

    def list(self, tenant: str, year: int | None = None) -> list[dict[str, Any]]:
        return list_scorecards(self.conn, tenant, year)
