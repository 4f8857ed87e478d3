"""The composition root: the one place that builds the platform's parts from the settings.

``jixiao up``, every API worker process, the other CLI commands and the test fixtures all build
through these functions, so the product and its tests run the same assembly. Nothing here runs
at import time: each function connects when called.

- ``install`` — every table, function and policy the platform needs in PostgreSQL (the event
  log's, the read models', the API's); idempotent, run once at start-up.
- ``build_application`` — the application service on the PostgreSQL event log;
  ``build_in_memory`` — the same on the in-memory twin (unit tests).
- ``build_platform`` — the API's shared parts (``services.api.plumbing.Platform``);
  ``build_api`` — the HTTP application on them.
- ``projector`` — a projector of one read model, configured from the settings.
"""

from __future__ import annotations

import logging
from typing import Any

from argon2 import PasswordHasher
from litestar import Litestar
from psycopg import Connection
from psycopg_pool import ConnectionPool

from projections.core.runner import READER_ROLE, Projector
from projections.core.scope import load_key
from projections.registry import NAMES, projection
from services.api.app import create_app
from services.api.auth import TokenConfig, Verifier
from services.api.idempotency import CREATE_SQL as IDEMPOTENCY_SQL
from services.api.idempotency import PostgresIdempotency
from services.api.metrics import Metrics
from services.api.oidc import OidcConfig
from services.api.plumbing import Platform
from services.api.ratelimit import RateLimiter
from services.app.accounts import Accounts
from services.app.application import JixiaoApplication
from services.app.credentials import CREATE_SQL as CREDENTIALS_SQL
from services.app.credentials import HASHER, PostgresCredentials
from services.app.personal import CREATE_SQL as PERSON_KEYS_SQL
from services.app.personal import Personal, PostgresKeyStore
from services.app.tree import TenantTree
from services.eventlog.memory import InMemoryEventLog
from services.eventlog.postgres import PostgresEventLog
from services.evidence.config import evidence_of
from services.runtime.settings import Settings
from services.web import web_handlers

_INSTALL_LOCK = 7306  # API workers starting together install one at a time


def install_event_log(database_url: str) -> None:
    """Only the event table and its guard (a relay run on its own reads nothing else)."""
    PostgresEventLog(database_url).close()


def install(database_url: str, settings: Settings | None = None) -> None:
    """The event table and its guard, every read model's schema, the API's tables and the
    reader's scope function. Safe to run again and by several processes at once."""
    install_event_log(database_url)
    workers = (settings or Settings()).rebuild_workers
    for name in NAMES:
        with Projector(database_url, projection(name), rebuild_workers=workers) as p:
            p.ensure()
    with ConnectionPool(database_url, min_size=1, max_size=1, open=True) as pool, pool.connection() as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_INSTALL_LOCK,))
        conn.execute(IDEMPOTENCY_SQL)
        conn.execute(CREDENTIALS_SQL)
        conn.execute(PERSON_KEYS_SQL)


def build_application(
    database_url: str,
    *,
    pool_size: int = 5,
    serving: bool = False,
    cache_size: int = 0,
    tenants_cached: int = TenantTree.SIZE,
) -> JixiaoApplication:
    """The application on PostgreSQL. ``serving``: a long-running server (snapshots written in
    the background; the group commit itself starts with ``UnitOfWork.serve`` on its loop).
    ``cache_size``: aggregates a long script keeps between its commands (a bulk load);
    ``tenants_cached``: bureaus' lineages kept for authorizing (``services/app/tree.py``)."""
    log = PostgresEventLog(database_url, pool_size=pool_size, background_snapshots=serving)
    return JixiaoApplication(log, cache_size=cache_size, tenants_cached=tenants_cached)


def build_accounts(
    app: JixiaoApplication, database_url: str, *, hasher: PasswordHasher | None = None
) -> Accounts:
    """The account service beside ``app`` (its password store on PostgreSQL); close the app to
    release it too. ``hasher``: cheaper Argon2 parameters for tests that set many passwords."""
    pool: ConnectionPool[Any] = ConnectionPool(database_url, min_size=1, max_size=2, open=True)
    app.on_close(pool.close)
    return Accounts(app, PostgresCredentials(pool), Personal(PostgresKeyStore(pool)), hasher=hasher or HASHER)


def build_in_memory() -> JixiaoApplication:
    """The same application on the in-memory event log: unit tests, ``jixiao score``."""
    return JixiaoApplication(InMemoryEventLog())


def projector(settings: Settings, database_url: str, name: str) -> Projector:
    return Projector(database_url, projection(name), rebuild_workers=settings.rebuild_workers)


def build_platform(
    settings: Settings, database_url: str, *, pool_size: int = 8, command_cache: int | None = None
) -> Platform:
    """The API's parts. No aggregate cache of the library's: an aggregate loads from its newest
    snapshot and the events after it (under 100), where a cold cache replayed the whole log in
    a worker thread while holding the GIL (74 ms for 2,800 events, measured); commands keep a
    cache of their own (``services/app/writes.py``), bounded by the settings' ``cache_*``
    (``command_cache`` overrides its number of aggregates)."""
    logging.getLogger("jixiao.api.access").setLevel(logging.INFO if settings.access_log else logging.WARNING)
    app = build_application(
        database_url, pool_size=pool_size, serving=True, tenants_cached=settings.cache_tenants
    )

    def as_reader(conn: Connection[Any]) -> None:
        conn.execute(f"SET ROLE {READER_ROLE}")

    read_pool: ConnectionPool[Any] = ConnectionPool(database_url, min_size=2, max_size=pool_size, open=True)
    with read_pool.connection() as conn:
        scope_key = load_key(conn)
    reader_pool: ConnectionPool[Any] = ConnectionPool(
        database_url,
        min_size=2,
        max_size=pool_size,
        open=True,
        configure=as_reader,
        kwargs={"autocommit": True},
    )
    platform = Platform(
        app=app,
        read_pool=read_pool,
        reader_pool=reader_pool,
        verifier=Verifier(TokenConfig.from_settings(settings)),
        idempotency=PostgresIdempotency(read_pool),
        limiter=RateLimiter(settings.rate_limit, burst=max(1, int(settings.rate_limit * 2))),
        metrics=Metrics(NAMES),
        scope_key=scope_key,
        command_cache=settings.cache_aggregates if command_cache is None else command_cache,
        cache_events=settings.cache_events,
        accounts=Accounts(app, PostgresCredentials(read_pool), Personal(PostgresKeyStore(read_pool))),
        evidence=evidence_of(settings),
    )
    platform.read_revocations()  # the first requests are checked against what is revoked already
    return platform


def build_api(settings: Settings, database_url: str | None = None) -> Litestar:
    """The HTTP application (``install`` must have run: a worker process does not run DDL)."""
    url = database_url or settings.database_url
    if url is None:
        raise ValueError("build_api needs a database URL (settings.database_url or the argument)")
    oidc = None
    if settings.oidc_issuer:
        oidc = OidcConfig(
            settings.oidc_issuer,
            settings.oidc_client_id,
            settings.oidc_client_secret,
            settings.oidc_tenant_claim,
            settings.oidc_username_claim,
        )
    return create_app(
        build_platform(settings, url),
        bench_endpoints=settings.bench_endpoints,
        more=web_handlers(),
        oidc=oidc,
    )
