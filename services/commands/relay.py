"""``jixiao relay run``, ``jixiao subscribe``, ``jixiao schema events`` (``jixiao nats``: ``nats_config.py``)."""

from __future__ import annotations

import asyncio
import datetime
import json
import sys
import threading

from domain.errors import DomainError
from projections.integrity.checkpoints import load_or_create_key
from services.commands.projections import signing_key_path
from services.compose import install_event_log
from services.relay import contracts
from services.relay.jetstream import StreamSettings
from services.relay.relay import Relay
from services.relay.subscribe import subscribe
from services.runtime.nats import EmbeddedNats
from services.runtime.services import running_services
from services.runtime.settings import Settings


def start_relay(
    database_url: str, nats_url: str, settings: Settings, stop: threading.Event, server: EmbeddedNats | None
) -> threading.Thread:
    """The relay in its own thread and event loop (``jixiao up`` runs it beside the projectors)."""
    install_event_log(database_url)  # the events table exists before the relay reads it
    key = load_or_create_key(signing_key_path(settings))

    def follow() -> None:
        relay = Relay(
            database_url,
            nats_url,
            key,
            stream=StreamSettings(replicas=settings.stream_replicas),
            on_tenants=server.allow if server is not None else None,
        )
        try:
            asyncio.run(relay.run(stop.is_set))
        finally:
            relay.close()

    thread = threading.Thread(target=follow, name="relay", daemon=True)
    thread.start()
    return thread


def cmd_relay_run() -> int:
    settings = Settings.from_env()
    with running_services(settings, join_nats=False) as endpoints:
        stop = threading.Event()
        thread = start_relay(endpoints.database_url, endpoints.nats_url, settings, stop, endpoints.nats)
        print("中继运行中（事件日志 → NATS JetStream），按 Ctrl-C 停止。", flush=True)
        try:
            while thread.is_alive():
                thread.join(timeout=0.5)
        finally:
            stop.set()
            thread.join(timeout=10)
    return 0


def _parse_time(text: str) -> datetime.datetime:
    try:
        at = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise DomainError(
            f"时间格式不正确：「{text}」，应为 ISO 8601，如 2026-11-01T08:00:00+08:00"
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=datetime.datetime.now().astimezone().tzinfo)


def cmd_subscribe(tenant: str, from_position: int | None, since: str | None, count: int | None) -> int:
    if from_position is not None and since is not None:
        raise DomainError("--from-position 与 --since 只能选一个")
    if from_position is not None and from_position < 1:
        raise DomainError("--from-position 必须是正整数（事件的全局位置从 1 开始）")
    at = _parse_time(since) if since is not None else None

    def emit(data: bytes) -> None:
        sys.stdout.write(data.decode() + "\n")
        sys.stdout.flush()

    with running_services(Settings.from_env()) as endpoints:
        install_event_log(endpoints.database_url)
        asyncio.run(
            subscribe(
                endpoints.database_url,
                endpoints.nats_url,
                tenant,
                emit,
                from_position=from_position,
                since=at,
                count=count,
            )
        )
    return 0


def cmd_schema_events() -> int:
    print(json.dumps(contracts.schemas(), ensure_ascii=False, indent=2))
    return 0
