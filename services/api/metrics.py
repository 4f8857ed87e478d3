"""Prometheus metrics: requests, latencies, projection lag, relay lag; and which followers (the
projections, the relay) have stopped following — behind and not moving for ``STALL_SECONDS`` —
what readiness reports (``/readyz``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from psycopg import Connection

from services.relay.tracking import SCHEMA as RELAY_SCHEMA

STALL_SECONDS = 30.0


class Metrics:
    def __init__(self, projections: Sequence[str], clock: Callable[[], float] = time.monotonic) -> None:
        self.registry = CollectorRegistry()
        self._clock = clock
        self._moved: dict[str, tuple[int, float]] = {}  # follower → (position, when it was first seen there)
        self._behind: dict[str, int] = {}
        self.projections = list(projections)
        self.requests = Counter(
            "jixiao_http_requests_total",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jixiao_http_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.lag = Gauge(
            "jixiao_projection_lag_events", "Events not yet projected", ["projection"], registry=self.registry
        )

        self.relay_lag = Gauge(
            "jixiao_relay_lag_events", "Events not yet acknowledged by NATS JetStream", registry=self.registry
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def projection_lag(self, conn: Connection[Any]) -> dict[str, int]:
        head_row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM jixiao_events").fetchone()
        head = int(head_row[0]) if head_row else 0
        lags: dict[str, int] = {}
        for name in self.projections:
            try:
                row = conn.execute(f"SELECT position FROM rm_{name}.tracking").fetchone()
            except Exception:  # not created yet
                conn.rollback()
                continue
            lags[name] = head - int(row[0]) if row else head
            self.lag.labels(name).set(lags[name])
            self._see(name, int(row[0]) if row else 0, lags[name])
        try:
            row = conn.execute(f"SELECT position FROM {RELAY_SCHEMA}.tracking").fetchone()
        except Exception:  # the relay has never run: nothing relayed yet
            conn.rollback()
            row = None
        lags["relay"] = head - int(row[0]) if row else head
        self.relay_lag.set(lags["relay"])
        self._see("relay", int(row[0]) if row else 0, lags["relay"])
        return lags

    def _see(self, name: str, position: int, lag: int) -> None:
        now = self._clock()
        seen = self._moved.get(name)
        if seen is None or seen[0] != position:
            self._moved[name] = (position, now)
        self._behind[name] = lag

    def not_following(self) -> dict[str, int]:
        """The followers behind the log whose position has not moved for ``STALL_SECONDS`` (as of
        the last ``projection_lag``), with their lag in events."""
        now = self._clock()
        return {
            name: lag
            for name, lag in self._behind.items()
            if lag > 0 and now - self._moved[name][1] > STALL_SECONDS
        }

    def render(self) -> bytes:
        return generate_latest(self.registry)
