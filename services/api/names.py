"""Bureau names for the read side's labels, kept in the API process.

A dashboard's rows are counted under row-level security; naming each row by a join with the
tenants' read model there costs a second evaluation of the caller's scope and a filtered scan
(half the dashboard's time, measured: 1.1 ms against 0.65 ms). Names are not scoped data — the
codes come from the scoped query — so they are read here, all at once, with the application's
role, and kept for ``ttl`` seconds: a bureau renamed shows its new name within that time. A code
not known yet (a bureau registered since) reads them again, at most once a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from psycopg_pool import ConnectionPool

from projections.tenants.queries import tenant_names

TTL_SECONDS = 30.0
_RETRY_SECONDS = 1.0


class TenantNames:
    def __init__(
        self,
        pool: ConnectionPool[Any],
        ttl: float = TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool = pool
        self._ttl = ttl
        self._clock = clock
        self._names: dict[str, str] = {}
        self._read_at: float | None = None
        self._lock = threading.Lock()

    def _read(self) -> None:
        with self._pool.connection() as conn:
            self._names = tenant_names(conn)
        self._read_at = self._clock()

    def of(self, codes: Iterable[str]) -> dict[str, str]:
        """Each code's name (a code without one keeps the code as its label)."""
        wanted = list(codes)
        with self._lock:
            now = self._clock()
            age = None if self._read_at is None else now - self._read_at
            missing = any(c not in self._names for c in wanted)
            if age is None or age >= self._ttl or (missing and age >= _RETRY_SECONDS):
                self._read()
            return {c: self._names.get(c, c) for c in wanted}
