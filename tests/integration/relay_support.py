"""What the relay tests share: a real nats-server with the generated accounts, the relay in a
thread or a process, a load of events, and a reader of everything the stream holds."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import nats
import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from domain.context import Actor
from domain.evaluation import Evaluation
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import Role
from services.app.application import JixiaoApplication
from services.relay.jetstream import POSITION, StreamSettings
from services.relay.permissions import STREAM
from services.relay.relay import Relay
from services.relay.tracking import SCHEMA
from services.runtime.nats import EmbeddedNats, start_nats
from tests.conftest import REPO, free_port
from tests.relay_events import TREE
from tests.support import define, evaluation, project, staff

PATHS = {"360000": ("360000",), "360100": ("360000", "360100")}
PATHS |= {"360102": ("360000", "360100", "360102"), "360103": ("360000", "360100", "360103")}
assert set(PATHS) == {code for code, *_ in TREE}


def start_server(data_dir: Path, port: int | None = None) -> EmbeddedNats:
    return start_nats(data_dir, port or free_port(), PATHS)


@contextmanager
def relay_thread(
    database_url: str, nats_url: str, key: Ed25519PrivateKey | None = None, **options: Any
) -> Iterator[Relay]:
    """The relay in a thread of its own with its own event loop, stopped on exit."""
    relay = Relay(database_url, nats_url, key or Ed25519PrivateKey.generate(), **options)
    stop = threading.Event()
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(relay.run(stop.is_set))
        except BaseException as e:  # surfaced when the test ends
            errors.append(e)

    thread = threading.Thread(target=run, name="test-relay", daemon=True)
    thread.start()
    try:
        yield relay
    finally:
        stop.set()
        thread.join(timeout=20)
        relay.close()
    assert not errors, errors


def relay_process(database_url: str, nats_url: str, data_dir: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "NATS_URL": nats_url, "JIXIAO_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "services.cli", "relay", "run"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def relayed_position(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        try:
            row = conn.execute(f"SELECT position FROM {SCHEMA}.tracking").fetchone()
        except psycopg.errors.UndefinedTable:
            return 0
    return int(row[0]) if row else 0


def event_positions(database_url: str) -> dict[int, str]:
    """Every stored event's position → tenant."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT notification_id, convert_from(state, 'UTF8')::jsonb #>> '{meta,tenant}' FROM jixiao_events"
        ).fetchall()
    return {int(p): str(t) for p, t in rows}


LOADER = Actor("load", "evaluator", "360102", "relay-load")  # bulk notes: many events per save


def evaluations(app: JixiaoApplication, tenants: tuple[str, ...] = ("360102", "360103")) -> list[UUID]:
    ids = []
    for i, tenant in enumerate(tenants):
        caller = staff(tenant, "load", Role.EVALUATOR, cid="relay-load")
        p = project(app, caller, f"R{i}", f"中继项目{i}", 2022)
        ev = evaluation(app, caller, p.id)
        define(app, caller, ev.id, IndicatorSpec("1", "规范", Decimal(100), rule=Manual()))
        ids.append(ev.id)
    return ids


def write_notes(app: JixiaoApplication, evaluation: UUID, saves: int, per_save: int) -> None:
    def notes(start: int) -> Any:
        def write(e: Evaluation) -> None:
            for k in range(start, start + per_save):
                e.note_deviation("1", f"偏差说明 {k}")

        return write

    for s in range(saves):
        app.change(LOADER, Evaluation, evaluation, notes(s * per_save))


@dataclass(frozen=True)
class Received:
    position: int
    tenant: str
    msg_id: str
    type_name: str


async def read_stream(nats_url: str, filter_subject: str = "jixiao.>", idle: float = 1.0) -> list[Received]:
    """Everything the stream holds under ``filter_subject``, in stream order (platform user)."""
    nc = await nats.connect(nats_url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            filter_subject,
            stream=STREAM,
            config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
        )
        out: list[Received] = []
        while True:
            try:
                msgs = await sub.fetch(batch=1000, timeout=idle)
            except (TimeoutError, nats.errors.TimeoutError):  # idle: the stream is read
                return out
            for m in msgs:
                h = m.headers or {}
                out.append(Received(int(h[POSITION]), h["Jixiao-Tenant"], h["Nats-Msg-Id"], h["Jixiao-Type"]))
    finally:
        await nc.close()


def assert_exactly_once_in_order(received: list[Received], expected: dict[int, str]) -> None:
    events = [r for r in received if r.type_name != "integrity.checkpoint"]
    positions = [r.position for r in events]
    assert len(positions) == len(set(positions)), "duplicates"
    assert set(positions) == set(expected), (len(positions), len(expected))
    assert all(r.tenant == expected[r.position] for r in events)
    by_tenant: dict[str, list[int]] = {}
    for r in events:
        by_tenant.setdefault(r.tenant, []).append(r.position)
    for tenant, seen in by_tenant.items():
        assert seen == sorted(seen), f"out of order for {tenant}"


SMALL_STREAM = StreamSettings(max_age=3600.0)
