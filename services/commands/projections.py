"""``jixiao projections status | rebuild NAME | run`` and ``jixiao verify`` / ``checkpoints export``."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import psycopg

from projections.integrity.checkpoints import CheckpointError, export, load_or_create_key, read_verified
from projections.integrity.verify import verify
from projections.registry import NAMES
from services.compose import build_application, install, projector
from services.eventlog.stream import undecodable
from services.evidence.check import check_blobs
from services.evidence.config import object_store
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


def cmd_verify(tenant: str | None, checkpoint: Path | None) -> int:
    settings = Settings.from_env()
    with running_services(settings) as endpoints:
        install(endpoints.database_url, settings)
        try:
            with projector(settings, endpoints.database_url, "integrity") as p:
                p.catch_up()
        except Exception:
            with psycopg.connect(endpoints.database_url) as conn, conn.cursor() as cur:
                bad = undecodable(cur)
            if not bad:
                raise
            print(
                f"✗ 完整性校验失败：{len(bad)} 条记录无法解码——不是平台写入的事件，是在追加约束之外写入或被改写的"
            )
            for position, topic, why in bad:
                print(f"  · 位置 {position} 无法解码（{topic}：{why[:160]}）")
            return 1
        checkpoints = []
        if checkpoint is not None:
            key = load_or_create_key(signing_key_path(settings))
            try:
                checkpoints = read_verified(checkpoint, key.public_key())
            except CheckpointError as e:
                print(f"✗ {e}")
                return 1
        with psycopg.connect(endpoints.database_url) as conn:
            report = verify(conn, tenant, checkpoints)
            blobs = check_blobs(conn, object_store(settings), tenant)  # 佐证材料 files (docs/evidence.md)
        app = build_application(endpoints.database_url)
        try:
            stale = app.log.stale_snapshots(tenant)
        finally:
            app.close()
    for oid, version in stale:
        print(f"✗ 快照与事件不符：{oid} 第 {version} 版（快照只是加速用的派生数据，可删除后由事件重建）")
    for finding in blobs.findings:
        print(f"✗ {finding}")
    scope = f"单位 {tenant}" if tenant else "全部单位"
    if report.ok and not stale and not blobs.findings:
        print(
            f"✓ 完整性校验通过（{scope}）：{report.events:,} 个事件，哈希链 {report.chained:,} 项"
            + (f"，{len(checkpoints)} 个签名检查点一致" if checkpoints else "")
            + (f"，{blobs.files:,} 个佐证材料文件完好" if blobs.files else "")
        )
        return 0
    if report.ok:
        if blobs.findings:
            print(f"✗ 完整性校验失败（{scope}）：{len(blobs.findings)} 个佐证材料文件缺失或被修改")
        return 1
    print(f"✗ 完整性校验失败（{scope}）：第一处问题 —— {report.findings[0]}")
    for f in report.findings[1:20]:
        print(f"  · {f}")
    return 1


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
