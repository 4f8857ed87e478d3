"""One contract, two implementations: the idempotency store on PostgreSQL and its twin."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from psycopg_pool import ConnectionPool

from services.api.idempotency import (
    CREATE_SQL,
    Idempotency,
    InMemoryIdempotency,
    KeyReused,
    PostgresIdempotency,
    Recorded,
)
from tests.conftest import fresh_database


@pytest.fixture(params=["postgres", "memory"])
def store(request: pytest.FixtureRequest, postgres_url: str) -> Iterator[Idempotency]:
    if request.param == "memory":
        yield InMemoryIdempotency()
        return
    with fresh_database(postgres_url, "idem") as url:
        pool: ConnectionPool[Any] = ConnectionPool(url, min_size=1, max_size=8, open=True)
        with pool.connection() as conn:
            conn.execute(CREATE_SQL)
        yield PostgresIdempotency(pool)
        pool.close()


class Counting:
    def __init__(self, status: int = 201) -> None:
        self.calls = 0
        self.status = status
        self.lock = threading.Lock()

    def __call__(self) -> Recorded:
        with self.lock:
            self.calls += 1
            n = self.calls
        return Recorded(self.status, f"answer {n}".encode(), f'"{n}"')


def test_a_retry_gets_the_first_answer_without_running_again(store: Idempotency) -> None:
    run = Counting()
    first, replayed = store.run("360100/lisi", "k1", "hash-a", run)
    again, replayed_again = store.run("360100/lisi", "k1", "hash-a", run)
    assert (replayed, replayed_again) == (False, True)
    assert again == first == Recorded(201, b"answer 1", '"1"') and run.calls == 1


def test_the_key_reused_for_another_request_is_refused(store: Idempotency) -> None:
    run = Counting()
    store.run("360100/lisi", "k1", "hash-a", run)
    with pytest.raises(KeyReused):
        store.run("360100/lisi", "k1", "hash-b", run)
    assert run.calls == 1


def test_keys_are_per_owner(store: Idempotency) -> None:
    run = Counting()
    store.run("360100/lisi", "k1", "hash-a", run)
    other, replayed = store.run("341182/lisi", "k1", "hash-b", run)
    assert not replayed and other.body == b"answer 2"


def test_a_server_error_is_not_pinned(store: Idempotency) -> None:
    failing = Counting(status=503)
    store.run("o", "k", "h", failing)
    _, replayed = store.run("o", "k", "h", failing)
    assert not replayed and failing.calls == 2


def test_concurrent_retries_run_the_command_once(store: Idempotency) -> None:
    run = Counting()
    answers: list[tuple[Recorded, bool]] = []
    lock = threading.Lock()

    def retry() -> None:
        found = store.run("o", "same", "h", run)
        with lock:
            answers.append(found)

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert run.calls == 1 and len(answers) == 8
    assert sum(1 for _, replayed in answers if not replayed) == 1
    assert {a.body for a, _ in answers} == {b"answer 1"}
