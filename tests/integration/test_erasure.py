"""Crypto-shredding on real PostgreSQL: a person's name and phone never appear in the event log;
erasing the person destroys their key, after which every view shows 已删除 — while the events,
the hash chain, `verify` and a projection rebuild are untouched and keep working."""

from __future__ import annotations

import psycopg
import pytest

from domain.errors import InvalidState
from domain.personal import ERASED
from domain.tenants import Role, TenantLevel
from domain.users import User
from projections.access.queries import accounts, reveal
from projections.core.runner import Projector
from projections.integrity.verify import verify
from projections.registry import projection
from services.app.commands.inputs import ChangeContact, RegisterUser, WithReason
from services.compose import build_accounts, build_application, install
from tests.support import FAST_HASHER, register, staff

ADMIN = staff("341182", "admin", Role.ADMIN)


def _project(url: str, *names: str) -> None:
    for name in names:
        with Projector(url, projection(name)) as p:
            p.catch_up()


def test_a_person_erased_reads_as_deleted_and_nothing_else_changes(database_url: str) -> None:
    install(database_url)
    app = build_application(database_url)
    accounts = build_accounts(app, database_url, hasher=FAST_HASHER)
    register(app, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(app, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(app, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    person = accounts.register_user(
        ADMIN, "341182", RegisterUser("zhang.san", "张三", [Role.PREPARER], phone="13800000000")
    )
    accounts.change_contact(ADMIN, person.id, ChangeContact("张三丰", "0550-1234567"))
    keep = accounts.register_user(ADMIN, "341182", RegisterUser("li.si", "李四", [Role.PREPARER]))
    _project(database_url, "access", "integrity", "audit", "tenants")
    with psycopg.connect(database_url) as conn:
        stored = b"".join(bytes(r[0]) for r in conn.execute("SELECT state FROM jixiao_events").fetchall())
        assert (
            "张三".encode() not in stored and b"13800000000" not in stored and b"0550-1234567" not in stored
        )
        shown = {r.username: r.display_name for r in reveal(accounts_rows(conn), accounts.personal.reveal)}
        assert shown["zhang.san"] == "张三丰" and shown["li.si"] == "李四"
        chain_before = conn.execute("SELECT count(*), max(position) FROM rm_integrity.chain").fetchone()

    accounts.erase_personal(ADMIN, person.id, WithReason("本人申请删除"))
    _project(database_url, "access", "integrity", "audit")
    erased = app.load(User, person.id)
    assert erased.erased and accounts.name_of(erased) == ERASED
    assert accounts.name_of(app.load(User, keep.id)) == "李四"
    with pytest.raises(InvalidState):  # no new personal data for an erased person
        accounts.change_contact(ADMIN, person.id, ChangeContact("张三", None))
    with psycopg.connect(database_url) as conn:
        shown = {r.username: r.display_name for r in reveal(accounts_rows(conn), accounts.personal.reveal)}
        assert shown == {"zhang.san": ERASED, "li.si": "李四"}
        assert conn.execute(
            "SELECT key FROM jixiao_person_keys WHERE subject = %s", (str(person.id),)
        ).fetchone() == (None,)
        report = verify(conn, None, [])
        assert report.ok, report.findings  # the chain covers ciphertext: nothing stored changed
        assert report.events > chain_before[0]
        conn.execute("SET ROLE jixiao_reader")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM jixiao_person_keys")
    with Projector(database_url, projection("access")) as p:
        p.rebuild()  # a rebuild from zero folds the same events: still 已删除, still no plaintext
    with psycopg.connect(database_url) as conn:
        shown = {r.username: r.display_name for r in reveal(accounts_rows(conn), accounts.personal.reveal)}
        assert shown == {"zhang.san": ERASED, "li.si": "李四"}
    app.close()


def accounts_rows(conn: psycopg.Connection) -> list:  # type: ignore[type-arg]
    return accounts(conn, "341182")
