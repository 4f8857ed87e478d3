"""Shared fixtures: one real PostgreSQL for the whole run (embedded unless DATABASE_URL is set).

Each test that stores events gets a fresh database (CREATE DATABASE … TEMPLATE-free, cheap),
so tests never see each other's events.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

REPO = Path(__file__).resolve().parent.parent
REPORTS = REPO / "reports"

# pgserver logs at INFO from an atexit hook, after pytest has closed the streams it captured:
# every run ended in "--- Logging error ---" tracebacks that looked like failures
logging.getLogger("pgserver").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("DATABASE_URL")
    if external:
        yield external
        return
    from services.runtime.postgres import start_postgres

    server = start_postgres(tmp_path_factory.mktemp("pgdata"))
    try:
        yield server.url
    finally:
        server.stop()


@contextmanager
def fresh_database(postgres_url: str, prefix: str = "t") -> Iterator[str]:
    """Create an empty database on the shared server; drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    info = conninfo_to_dict(postgres_url)
    info["dbname"] = name
    yield make_conninfo(**{k: v for k, v in info.items() if v is not None})
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url(postgres_url: str) -> Iterator[str]:
    """A fresh, empty database for one test."""
    with fresh_database(postgres_url) as url:
        yield url


def free_port() -> int:
    """A port nobody listens on now (tests never use the default ports 4222/8000)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def count_events(url: str) -> int:
    """Rows in the event table: what a refused command must not change."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM jixiao_events").fetchone()
    assert row is not None
    return int(row[0])


@pytest.fixture
def event_count(database_url: str) -> Callable[[], int]:
    return lambda: count_events(database_url)
