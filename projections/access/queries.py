"""Reading the access model: a bureau's accounts and tokens (its administrators' screens), and
what no longer grants access (the API's revocation list, ``revocations_since``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from msgspec import Struct
from psycopg import Connection

from domain.personal import Sealed

SCHEMA = "rm_access"


class AccountRow(Struct, frozen=True):
    tenant: str
    username: str
    display_name: str  # a person's name once the API has revealed it (已删除 after erasure)
    kind: str
    roles: list[str]
    disabled: bool
    has_password: bool
    locked_until: datetime.datetime | None
    last_sign_in: datetime.datetime | None
    version: int
    erased: bool = False
    name_sealed: Sealed | None = None  # the stored, sealed name (never sent: see ``reveal``)


class TokenRow(Struct, frozen=True):
    token_id: str
    username: str
    label: str
    issued_at: datetime.datetime
    expires: datetime.datetime
    revoked: bool


def accounts(conn: Connection[Any], tenant: str) -> list[AccountRow]:
    rows = conn.execute(
        f"SELECT tenant, username, display_name, kind, roles, disabled, has_password, locked_until, "
        f"last_sign_in, version, erased, name_sealed FROM {SCHEMA}.accounts WHERE tenant = %s ORDER BY kind, username",
        (tenant,),
    ).fetchall()
    found = []
    for (
        tenant_,
        username,
        display,
        kind,
        roles,
        disabled,
        has_password,
        locked,
        last,
        version,
        erased,
        sealed,
    ) in rows:
        name = None if sealed is None else msgspec.json.decode(sealed, type=Sealed)
        found.append(
            AccountRow(
                tenant_,
                username,
                display,
                kind,
                roles,
                disabled,
                has_password,
                locked,
                last,
                version,
                erased,
                name,
            )
        )
    return found


def reveal(rows: list[AccountRow], open_: Callable[[Sealed], str]) -> list[AccountRow]:
    """The rows with each person's name opened by ``open_`` (the API's key store) and the sealed
    value dropped: what a bureau's administrators see."""
    return [
        msgspec.structs.replace(r, display_name=open_(r.name_sealed), name_sealed=None)
        if r.name_sealed
        else r
        for r in rows
    ]


def tokens(conn: Connection[Any], tenant: str) -> list[TokenRow]:
    rows = conn.execute(
        f"SELECT token_id, username, label, issued_at, expires, revoked FROM {SCHEMA}.tokens "
        "WHERE tenant = %s ORDER BY issued_at DESC",
        (tenant,),
    ).fetchall()
    return [TokenRow(*r) for r in rows]


@dataclass
class Revocations:
    """What the API refuses although the token's signature is good, as of ``position``."""

    position: int = 0
    ended: set[str] = field(default_factory=set)  # sessions signed out and revoked tokens (by id)
    not_before: dict[tuple[str, str], datetime.datetime] = field(default_factory=dict)  # (tenant, user)
    disabled: set[tuple[str, str]] = field(default_factory=set)


def revocations_since(conn: Connection[Any], found: Revocations) -> Revocations:
    """Bring ``found`` up to the access model's newest rows (the API's own role: no RLS), read in
    one snapshot so that no row committed between the three reads is skipped."""
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        return _since(conn, found)


def _since(conn: Connection[Any], found: Revocations) -> Revocations:
    last = found.position
    for tenant, username, disabled, not_before, position in conn.execute(
        f"SELECT tenant, username, disabled, not_before, position FROM {SCHEMA}.accounts WHERE position > %s",
        (last,),
    ).fetchall():
        key = (tenant, username)
        if disabled:
            found.disabled.add(key)
        else:
            found.disabled.discard(key)
        if not_before is not None:
            found.not_before[key] = not_before
        found.position = max(found.position, int(position))
    for token_id, revoked, position in conn.execute(
        f"SELECT token_id, revoked, position FROM {SCHEMA}.tokens WHERE position > %s", (last,)
    ).fetchall():
        if revoked:
            found.ended.add(token_id)
        found.position = max(found.position, int(position))
    for session, position in conn.execute(
        f"SELECT session, position FROM {SCHEMA}.ended_sessions WHERE position > %s", (last,)
    ).fetchall():
        found.ended.add(session)
        found.position = max(found.position, int(position))
    return found
