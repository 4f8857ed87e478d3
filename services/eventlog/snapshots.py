"""Snapshots: an aggregate's state every ``EVERY`` versions, so history need not fold from 1.

A snapshot is derived data, never a source of truth: it is written after the events it
summarises have committed, in its own transaction (losing one costs only speed), and
``check`` re-folds the events to prove every stored snapshot equals them (`jixiao verify`
runs it). Time travel starts from the newest snapshot at or before the requested moment or
version and folds the remaining events.

The state is encoded with msgspec through one explicit Struct per snapshotted aggregate, so
nothing but data is ever decoded (no pickle) and a change to an aggregate's fields fails the
round-trip test rather than silently dropping state.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import msgspec
from psycopg import Connection, Cursor
from psycopg.rows import tuple_row

from domain.evaluation import Deduction, Evaluation, EvaluationKind, Evaluator, Status
from domain.grades import GradeScheme
from domain.ledger import LedgerEntry, LedgerStatement, Project, SourceTotals
from domain.personal import Sealed
from domain.scorecard import IndicatorState
from domain.tenants import Role
from domain.users import AccountKind, User

EVERY = 100
TABLE = "jixiao_snapshots"

CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    originator_id uuid NOT NULL,
    originator_version bigint NOT NULL,
    taken_at timestamptz NOT NULL,
    kind text NOT NULL,
    state bytea NOT NULL,
    PRIMARY KEY (originator_id, originator_version)
)
"""


class _Base(msgspec.Struct, kw_only=True):
    _id: UUID
    _version: int
    _created_on: datetime.datetime
    _modified_on: datetime.datetime
    tenant: str


class EvaluationState(_Base, kw_only=True):
    project_id: UUID
    year: int
    kind: EvaluationKind
    evaluator: Evaluator
    grade_scheme: GradeScheme
    status: Status
    nodes: dict[str, IndicatorState]
    deductions: dict[str, Deduction]
    ledger: SourceTotals | None
    stated_total: Decimal | None
    stated_grade: str | None
    template: tuple[UUID, str, int] | None = None


class ProjectState(_Base, kw_only=True):
    code: str
    name: str
    year: int
    department: str
    implementing_unit: str
    goal: str
    achieved: str
    entries: list[LedgerEntry]
    statement: LedgerStatement | None
    reasons: dict[str, str] = {}


class UserState(_Base, kw_only=True):
    username: str
    display_name: str
    roles: tuple[Role, ...]
    kind: AccountKind
    disabled: bool
    has_password: bool
    failures: int
    locked_until: datetime.datetime | None
    sessions_not_before: datetime.datetime | None
    last_sign_in: datetime.datetime | None
    ended: tuple[str, ...]
    tokens: dict[str, tuple[str, datetime.datetime, bool]]
    name: Sealed | None
    phone: Sealed | None
    erased: bool


_STATES: dict[type[Any], type[_Base]] = {Evaluation: EvaluationState, Project: ProjectState, User: UserState}
_KINDS: dict[str, tuple[type[Any], type[_Base]]] = {cls.__name__: (cls, st) for cls, st in _STATES.items()}
_ENCODER = msgspec.json.Encoder(decimal_format="string")
_DECODERS = {name: msgspec.json.Decoder(st) for name, (_, st) in _KINDS.items()}


def snapshottable(aggregate: Any) -> bool:
    return type(aggregate) in _STATES


def encode(aggregate: Any) -> bytes:
    state_cls = _STATES[type(aggregate)]
    fields = {f: aggregate.__dict__[f] for f in state_cls.__struct_fields__}
    return _ENCODER.encode(state_cls(**fields))


def decode(kind: str, state: bytes) -> Any:
    cls, _ = _KINDS[kind]
    decoded = _DECODERS[kind].decode(state)
    aggregate = object.__new__(cls)
    aggregate.__dict__.update({f: getattr(decoded, f) for f in decoded.__struct_fields__})
    aggregate.__dict__["_pending_events"] = []
    return aggregate


def due(before: int, after: int) -> bool:
    """Whether saving moved the aggregate across a multiple of ``EVERY``."""
    return after // EVERY > before // EVERY


INSERT_SQL = (
    f"INSERT INTO {TABLE} (originator_id, originator_version, taken_at, kind, state) "
    "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING"
)


def row(aggregate: Any) -> tuple[Any, ...]:
    """The snapshot's row: encoded now, so that it can be written later from another thread."""
    return (
        aggregate.id,
        aggregate.version,
        aggregate.modified_on,
        type(aggregate).__name__,
        encode(aggregate),
    )


def take(cur: Cursor[Any], aggregate: Any) -> None:
    cur.execute(INSERT_SQL, row(aggregate))


def nearest(
    conn: Connection[Any],
    aggregate_id: UUID,
    version: int | None,
    until: datetime.datetime | None,
) -> Any | None:
    """The newest snapshot at or before ``version`` / ``until`` (both optional), decoded, or None."""
    query = f"SELECT kind, state FROM {TABLE} WHERE originator_id = %s"
    params: list[Any] = [aggregate_id]
    if version is not None:
        query += " AND originator_version <= %s"
        params.append(version)
    if until is not None:
        query += " AND taken_at <= %s"
        params.append(until)
    with conn.cursor(row_factory=tuple_row) as cur:
        row = cur.execute(
            query + " ORDER BY originator_version DESC LIMIT 1", params, prepare=True
        ).fetchone()
    if row is None or row[0] not in _KINDS:
        return None
    return decode(row[0], bytes(row[1]))


def stored(conn: Connection[Any], tenant: str | None = None) -> list[tuple[UUID, int, str, bytes]]:
    query = f"SELECT originator_id, originator_version, kind, state FROM {TABLE}"
    params: tuple[Any, ...] = ()
    if tenant is not None:
        query += " WHERE convert_from(state, 'UTF8')::jsonb ->> 'tenant' = %s"
        params = (tenant,)
    with conn.cursor(row_factory=tuple_row) as cur:
        return [
            (r[0], int(r[1]), r[2], bytes(r[3]))
            for r in cur.execute(query + " ORDER BY originator_id, originator_version", params)
        ]
