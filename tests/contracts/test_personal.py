"""One contract for the personal-data key store: PostgreSQL and its twin."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from domain.personal import ERASED, Sealed
from services.app.personal import (
    CREATE_SQL,
    ErasedSubject,
    InMemoryKeyStore,
    KeyStore,
    Personal,
    PostgresKeyStore,
)
from tests.conftest import fresh_database


@pytest.fixture(params=["postgres", "memory"])
def keys(request: pytest.FixtureRequest, postgres_url: str) -> Iterator[KeyStore]:
    if request.param == "memory":
        yield InMemoryKeyStore()
        return
    with fresh_database(postgres_url, "keys") as url:
        pool: ConnectionPool[Any] = ConnectionPool(url, min_size=1, max_size=2, open=True)
        with pool.connection() as conn:
            conn.execute(CREATE_SQL)
        yield PostgresKeyStore(pool)
        pool.close()


def test_sealed_values_reveal_until_the_person_is_erased(keys: KeyStore) -> None:
    personal = Personal(keys)
    name, phone = personal.seal("p1", "张三"), personal.seal("p1", "0550-1234567")
    other = personal.seal("p2", "李四")
    assert (
        "张三" not in name.box and name.subject == "p1" and name != personal.seal("p1", "张三")
    )  # fresh nonce
    assert (personal.reveal(name), personal.reveal(phone), personal.reveal(other)) == (
        "张三",
        "0550-1234567",
        "李四",
    )
    assert personal.erase("p1") and not personal.erase("p1")
    assert personal.reveal(name) == personal.reveal(phone) == ERASED
    assert personal.reveal(other) == "李四"  # someone else's data is untouched
    with pytest.raises(ErasedSubject):
        personal.seal("p1", "张三又来了")  # an erased person's key never comes back
    forged = Sealed("p2", name.box)  # p1's box claimed for p2: refused, not misread
    assert personal.reveal(forged) == "（无法解密）"
    assert personal.reveal(None, "默认") == "默认"
