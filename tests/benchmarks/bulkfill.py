"""Millions of real events, fast: domain events encoded once by the platform's mapper for a few
template projects, then copied for many bureaus with COPY into the event table.

A template is a project and its evaluation made by the domain (``workload.project_events``: the
full lifecycle, ~80 events; or ``open_project``: a draft evaluation that takes deductions), in
bureau ``TEMPLATE``, which is never registered. A copy rewrites what names the bureau and the
project inside the encoded JSON — the bureau code, the project's code and the two ids, derived
as the domain derives them (``domain/ids.py``) — so every copy is a project of its own that
decodes, loads and projects like one made by commands; its rows get positions of their own.
Registering the bureaus is left to real commands (``register_hierarchy``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

import psycopg

from domain.context import Actor, acting
from domain.evaluation import Evaluation, EvaluationKind, Evaluator
from domain.ids import evaluation_id, project_id
from domain.indicators import IndicatorSpec
from domain.ledger import Project
from domain.rules import Manual
from domain.tenants import TenantLevel
from services.app.application import JixiaoApplication
from services.eventlog.mapper import MsgspecMapper
from services.eventlog.stream import EVENTS_TABLE
from tests.benchmarks.workload import project_events
from tests.support import register

TEMPLATE = "369999"  # a bureau code no copy keeps
YEAR = 2022
COLUMNS = "originator_id, originator_version, topic, state"
OPEN_KEYS = [f"{i}.{j}" for i in range(4) for j in range(5)]  # the draft evaluation's leaves


@dataclass(frozen=True)
class Template:
    project: str  # the template's ids as text, as they appear in its JSON
    evaluation: str
    code: str  # the project's code
    kind: str  # the evaluation's kind (part of its id)
    rows: tuple[tuple[bool, int, str, bytes], ...]  # (the project's?, version, topic, state)


def register_hierarchy(app: JixiaoApplication, tenants: int) -> list[str]:
    """Provinces, each with 10 cities of 9 counties (101 bureaus a province), by real commands;
    the codes of at least ``tenants`` bureaus, counties first (where projects are)."""
    provinces = -(-tenants // 101)
    counties, others = [], []
    for pp in range(11, 11 + provinces):
        register(app, f"{pp}0000", f"省{pp}医疗保障局", TenantLevel.PROVINCE)
        others.append(f"{pp}0000")
        for cc in range(1, 11):
            city = f"{pp}{cc:02d}00"
            register(app, city, f"市{city}医疗保障局", TenantLevel.MUNICIPAL, f"{pp}0000")
            others.append(city)
            for nn in range(1, 10):
                register(app, f"{pp}{cc:02d}{nn:02d}", f"县{pp}{cc:02d}{nn:02d}", TenantLevel.COUNTY, city)
                counties.append(f"{pp}{cc:02d}{nn:02d}")
    return counties + others


def open_project(tenant: str, n: int, rng: random.Random) -> tuple[Project, Evaluation]:
    """A project whose self-evaluation is a draft: 4 groups of 5 manual leaves, open to deductions."""
    actor = Actor(f"eval.{tenant}", "evaluator", tenant, f"o{n}")
    with acting(actor):
        p = Project.register(tenant, f"P{n}", f"项目{n}", YEAR, "医保局", "医保中心", "年度目标")
        e = Evaluation.start(
            tenant, p.id, YEAR, EvaluationKind.SELF, Evaluator(f"{tenant}医疗保障局", tenant=tenant)
        )
        for i in range(4):
            e.define_indicator(IndicatorSpec(f"{i}", f"一级{i}", Decimal(25)))
            for key in OPEN_KEYS[i * 5 : i * 5 + 5]:
                e.define_indicator(IndicatorSpec(key, f"指标{key}", Decimal(5), parent=f"{i}", rule=Manual()))
    return p, e


def templates(
    make: Callable[[str, int, random.Random], tuple[Project, Evaluation]], n: int
) -> list[Template]:
    mapper = MsgspecMapper()
    rng = random.Random(20)
    out = []
    for k in range(n):
        p, e = make(TEMPLATE, k, rng)
        rows = tuple(
            (owner is p, stored.originator_version, stored.topic, stored.state)
            for owner in (p, e)
            for stored in map(mapper.to_stored_event, owner.collect_events())
        )
        out.append(Template(str(p.id), str(e.id), p.code, e.kind.value, rows))
        assert TEMPLATE not in str(p.id) + str(e.id)
    return out


def copies(template: Template, tenant: str, serial: int) -> Iterator[tuple[object, int, str, bytes]]:
    """The template's rows as bureau ``tenant``'s project ``S<serial>``."""
    code = f"S{serial}"
    pid = project_id(tenant, YEAR, code)
    eid = evaluation_id(tenant, pid, template.kind, tenant)
    swaps = (
        (template.project.encode(), str(pid).encode()),
        (template.evaluation.encode(), str(eid).encode()),
        (f'"code":"{template.code}"'.encode(), f'"code":"{code}"'.encode()),
        (f'"{TEMPLATE}"'.encode(), f'"{tenant}"'.encode()),
        (f'.{TEMPLATE}"'.encode(), f'.{tenant}"'.encode()),
        (f"{TEMPLATE}医".encode(), f"{tenant}医".encode()),
    )
    for of_project, version, topic, state in template.rows:
        for old, new in swaps:
            state = state.replace(old, new)
        yield (pid if of_project else eid), version, topic, state


def evaluation_of(template: Template, tenant: str, serial: int) -> str:
    return str(evaluation_id(tenant, project_id(tenant, YEAR, f"S{serial}"), template.kind, tenant))


class Filler:
    """Appends copies of ``made`` templates for ``tenants`` in turn until the log holds a target."""

    def __init__(
        self, url: str, tenants: Sequence[str], made: Sequence[Template], first_serial: int = 0
    ) -> None:
        self.url = url
        self.tenants = tenants
        self.made = made
        self.serial = first_serial
        self.rows_per_second = 0.0

    def count(self) -> int:
        with psycopg.connect(self.url) as conn:
            row = conn.execute(f"SELECT count(*) FROM {EVENTS_TABLE}").fetchone()
        return int(row[0]) if row else 0

    def add(self, projects: int) -> list[tuple[str, str]]:
        """``projects`` more copies; their (bureau, evaluation id)."""
        added: list[tuple[str, str]] = []
        self._copy(projects, added)
        return added

    def fill_to(self, target: int, chunk: int = 200_000) -> int:
        """Copies until the log holds at least ``target`` events (a commit every ``chunk`` rows)."""
        have = self.count()
        started, rows = time.perf_counter(), 0
        per_project = sum(len(t.rows) for t in self.made) / len(self.made)
        while have < target:
            n = max(1, int(min(chunk, target - have) / per_project))
            done = self._copy(n, None)
            have, rows = have + done, rows + done
        if rows:
            self.rows_per_second = rows / (time.perf_counter() - started)
        return have

    def _copy(self, projects: int, added: list[tuple[str, str]] | None) -> int:
        rows = 0
        sql = f"COPY {EVENTS_TABLE} ({COLUMNS}) FROM STDIN (FORMAT BINARY)"
        with (
            psycopg.connect(self.url, options="-c synchronous_commit=off") as conn,
            conn.cursor() as cur,
            cur.copy(sql) as copy,
        ):
            copy.set_types(["uuid", "int8", "text", "bytea"])
            for _ in range(projects):
                template = self.made[self.serial % len(self.made)]
                tenant = self.tenants[self.serial % len(self.tenants)]
                for row in copies(template, tenant, self.serial):
                    copy.write_row(row)
                    rows += 1
                if added is not None:
                    added.append((tenant, evaluation_of(template, tenant, self.serial)))
                self.serial += 1
        return rows


def closed_templates(n: int = 40) -> list[Template]:
    return templates(project_events, n)


def open_templates(n: int = 1) -> list[Template]:
    return templates(open_project, n)
