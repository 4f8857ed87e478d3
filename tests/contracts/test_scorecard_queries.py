"""One contract for the scorecards read model: the projection on PostgreSQL and its in-memory
twin answer the same queries the same way, fed the same events."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from projections.core.runner import Projector
from projections.registry import projection
from projections.scorecards.memory import InMemoryScorecards
from projections.scorecards.queries import PostgresScorecards, ScorecardQueries
from services.commands.demo import seed_demo
from services.compose import build_application
from services.eventlog.stream import decode_rows
from tests.conftest import fresh_database
from tests.support import quick_accounts

REPORTS = Path(__file__).resolve().parents[2] / "reports"


@pytest.fixture(scope="module")
def seeded(postgres_url: str) -> Iterator[str]:
    """The demo's bureaus and source reports, projected."""
    with fresh_database(postgres_url, "sc") as url:
        app = build_application(url)
        seed_demo(app, REPORTS, quick_accounts(app))
        app.close()
        with Projector(url, projection("scorecards")) as p:
            p.ensure()
            p.catch_up()
        yield url


def _twin(conn: psycopg.Connection[Any]) -> InMemoryScorecards:
    """The twin, fed every stored event in order."""
    twin = InMemoryScorecards()
    rows = conn.execute(
        "SELECT notification_id, originator_id, originator_version, topic, state FROM jixiao_events "
        "ORDER BY notification_id"
    ).fetchall()
    twin.apply(decode_rows([(p, o, v, t, bytes(s)) for p, o, v, t, s in rows]))
    return twin


@pytest.fixture(params=["postgres", "memory"])
def queries(request: pytest.FixtureRequest, seeded: str) -> Iterator[ScorecardQueries]:
    with psycopg.connect(seeded, autocommit=True) as conn:
        if request.param == "postgres":
            yield PostgresScorecards(conn)
            return
        yield _twin(conn)


def test_a_bureaus_list(queries: ScorecardQueries) -> None:
    rows = queries.list("341182")
    assert len(rows) == 8 and [r["year"] for r in rows] == [2021] * 8
    assert all(isinstance(r["evaluation_id"], UUID) and isinstance(r["total"], Decimal) for r in rows)
    assert queries.list("341182", 2020) == [] and queries.list("999999") == []


def test_one_scorecard_and_its_document(queries: ScorecardQueries) -> None:
    nanchang = queries.list("360100", 2022)
    assert len(nanchang) == 1 and nanchang[0]["total"] == Decimal("99.74") and nanchang[0]["grade"] == "优秀"
    eid = nanchang[0]["evaluation_id"]
    found = queries.document(eid)
    assert found is not None
    version, document = found
    card = queries.scorecard(eid)
    assert card is not None and card.version == version and card.total == Decimal("99.74")
    assert b'"total":"99.74"' in document


def test_unknown_evaluations_are_absent(queries: ScorecardQueries) -> None:
    missing = UUID(int=1)
    assert queries.document(missing) is None and queries.scorecard(missing) is None


def test_twin_and_projection_agree_row_for_row(seeded: str) -> None:
    answers: list[Any] = []
    with psycopg.connect(seeded, autocommit=True) as conn:
        real = PostgresScorecards(conn)
        twin = _twin(conn)
        for tenant in ("360100", "341182", "652829"):
            listed = real.list(tenant)
            assert listed == twin.list(tenant)
            for r in listed:
                assert real.document(r["evaluation_id"]) == twin.document(r["evaluation_id"])
                answers.append(r["evaluation_id"])
    assert len(answers) == 10
