"""``jixiao projections status | rebuild NAME | run`` and ``jixiao verify`` / ``checkpoints export``."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import psycopg

from projections.integrity.checkpoints import export, load_or_create_key
from projections.registry import NAMES
from services.compose import install, projector
from services.relay import tracking as relay_tracking
from services.runtime.services import running_services
from services.runtime.settings import Settings


def signing_key_path(settings: Settings) -> Path:
    if settings.signing_key is not None:
        return settings.signing_key
    return settings.data_dir / "integrity" / "signing-key.pem"


def cmd_status() -> int:
    settings = Settings.from_env()
    with running_services(settings) as endpoints:
        install(endpoints.database_url, settings)
        print(f"{'投影':<12}{'版本':>4}{'位置':>12}{'最新':>12}{'落后事件':>10}{'落后秒数':>10}")
        rows = []
        for name in NAMES:
            with projector(settings, endpoints.database_url, name) as p:
                rows.append(p.status())
        with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
            relay_tracking.ensure(conn)
            rows.append(relay_tracking.status(conn))  # the NATS relay, tracked like a projection
        for s in rows:
            print(
                f"{s.name:<12}{s.version:>6}{s.position:>14}{s.head:>14}{s.lag_events:>14}{s.lag_seconds:>14.1f}"
            )
    return 0


def _bar(done: int, total: int, started: float) -> str:
    elapsed = max(time.monotonic() - started, 1e-9)
    rate = done / elapsed
    share = done / total if total else 1.0
    eta = (total - done) / rate if rate > 0 else 0.0
    filled = int(share * 30)
    return f"\r[{'#' * filled}{'.' * (30 - filled)}] {done:,}/{total:,} {share:6.1%}  {rate:,.0f} 事件/秒  剩余 {eta:5.1f} 秒"


def cmd_rebuild(name: str) -> int:
    settings = Settings.from_env()
    with running_services(settings) as endpoints:
        install(endpoints.database_url, settings)
        started = time.monotonic()
        with projector(settings, endpoints.database_url, name) as p:
            done = p.rebuild(lambda d, t: print(_bar(d, t, started), end="", file=sys.stderr, flush=True))
        print(
            f"\n投影 {name} 已重建：{done:,} 个事件，用时 {time.monotonic() - started:.1f} 秒",
            file=sys.stderr,
        )
    return 0


def run_projectors(settings: Settings, url: str, stop: threading.Event) -> list[threading.Thread]:
    """Start one follower thread per projection (used by ``jixiao up`` and ``projections run``)."""
    threads = []
    for name in NAMES:

        def follow(n: str = name) -> None:
            with projector(settings, url, n) as p:
                p.run(stop.is_set, idle_wait=0.5)

        t = threading.Thread(target=follow, name=f"projector-{name}", daemon=True)
        t.start()
        threads.append(t)
    return threads


def cmd_run(once: bool) -> int:
    settings = Settings.from_env()
    with running_services(settings) as endpoints:
        install(endpoints.database_url, settings)
        if once:
            for name in NAMES:
                with projector(settings, endpoints.database_url, name) as p:
                    n = p.catch_up()
                print(f"{name}: {n:,} 个事件")
            return 0
        stop = threading.Event()
        threads = run_projectors(settings, endpoints.database_url, stop)
        print("投影运行中，按 Ctrl-C 停止。", flush=True)
        try:
            while all(t.is_alive() for t in threads):
                time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=5)
    return 0


def cmd_export(path: Path) -> int:
    settings = Settings.from_env()
    with running_services(settings) as endpoints:
        install(endpoints.database_url, settings)
        with projector(settings, endpoints.database_url, "integrity") as p:
            p.catch_up()
        with psycopg.connect(endpoints.database_url) as conn:
            signed = export(conn, load_or_create_key(signing_key_path(settings)), path)
    print(f"已导出 {len(signed.checkpoints)} 个单位的签名检查点到 {path}（公钥 {signed.public_key}）")
    return 0
