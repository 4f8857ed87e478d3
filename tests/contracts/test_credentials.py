"""One contract for the password store: PostgreSQL and its twin."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from psycopg_pool import ConnectionPool

from services.app.credentials import (
    CREATE_SQL,
    Credentials,
    InMemoryCredentials,
    PostgresCredentials,
    hash_password,
    verify_password,
)
from tests.conftest import fresh_database

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(params=["postgres", "memory"])
def store(request: pytest.FixtureRequest, postgres_url: str) -> Iterator[Credentials]:
    if request.param == "memory":
        yield InMemoryCredentials()
        return
    with fresh_database(postgres_url, "cred") as url:
        pool: ConnectionPool[Any] = ConnectionPool(url, min_size=1, max_size=2, open=True)
        with pool.connection() as conn:
            conn.execute(CREATE_SQL)
        yield PostgresCredentials(pool)
        pool.close()


def test_a_password_is_kept_as_a_hash_and_replaced(store: Credentials) -> None:
    who = uuid.uuid4()
    assert store.get(who) is None
    store.put(who, hash_password("First-pass-2026", FAST))
    stored = store.get(who)
    assert stored is not None and "First-pass-2026" not in stored and stored.startswith("$argon2id$")
    assert verify_password(stored, "First-pass-2026") and not verify_password(stored, "first-pass-2026")
    store.put(who, hash_password("Second-pass-2026", FAST))
    assert verify_password(store.get(who), "Second-pass-2026") and not verify_password(
        store.get(who), "First-pass-2026"
    )
    assert store.get(uuid.uuid4()) is None and not verify_password(None, "anything")
