"""A least-recently-used map bounded by entries and, optionally, by a total weight.

A server's caches are keyed by what is stored (aggregates, bureaus), which grows for ever: each
is bounded here so that a worker's memory does not grow with the log. What an entry weighs is
the caller's estimate (the command cache: an aggregate's version, the events its state folds —
an evaluation's state grows with its deductions, about 1 KB each, so a bound on entries alone
would not bound memory). Evicting only forgets: the next lookup misses and reads the log again.
An entry heavier than the whole budget is not kept at all. Thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Lru(Generic[K, V]):
    def __init__(self, entries: int, *, weight: int | None = None) -> None:
        """``entries``: the most entries kept (0 keeps nothing); ``weight``: the most total
        weight kept (None: no bound but ``entries``)."""
        self.max_entries = entries
        self.max_weight = weight
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0
        self._lock = threading.Lock()
        self.evicted = 0  # entries forgotten to stay within bounds (the tests and metrics read it)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    @property
    def weight(self) -> int:
        return self._weight

    def get(self, key: K) -> V | None:
        """The entry (now the most recently used), or None."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def put(self, key: K, value: V, weight: int = 1) -> None:
        with self._lock:
            self._forget(key)
            if self.max_entries <= 0 or (self.max_weight is not None and weight > self.max_weight):
                return
            self._entries[key] = (value, weight)
            self._weight += weight
            while len(self._entries) > self.max_entries or (
                self.max_weight is not None and self._weight > self.max_weight
            ):
                _, (_, gone) = self._entries.popitem(last=False)
                self._weight -= gone
                self.evicted += 1

    def pop(self, key: K) -> None:
        with self._lock:
            self._forget(key)

    def _forget(self, key: K) -> None:
        found = self._entries.pop(key, None)
        if found is not None:
            self._weight -= found[1]
