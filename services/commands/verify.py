"""``jixiao verify``: the event log against its hash chain, the signed checkpoints the relay
published to NATS (outside the database superuser's reach), an exported checkpoint file, the
snapshots and the 佐证材料 files. Exit 0 only when everything agrees (``docs/events.md``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from projections.integrity.checkpoints import Checkpoint, CheckpointError, load_or_create_key, read_verified
from projections.integrity.verify import Report, uncovered, verify
from services.commands.projections import signing_key_path
from services.compose import build_application, install, projector
from services.eventlog.stream import undecodable
from services.evidence.check import check_blobs
from services.evidence.config import object_store
from services.relay.published import Published, latest_published
from services.runtime.services import running_services
from services.runtime.settings import Settings


def _trusted_key(settings: Settings) -> Ed25519PublicKey | None:
    path = signing_key_path(settings)
    return load_or_create_key(path).public_key() if path.exists() else None


def _published(nats_url: str, trusted: Ed25519PublicKey | None) -> Published | str:
    """The stream's checkpoints, or why they could not be read (then only the database is checked)."""
    if trusted is None:
        return "找不到平台签名密钥（JIXIAO_SIGNING_KEY），无法核对 NATS 上发布的检查点"
    try:
        return asyncio.run(latest_published(nats_url, trusted))
    except Exception as e:  # unreachable server, no stream yet, no permission: say so, go on
        return f"未能读取 NATS 上发布的签名检查点（{type(e).__name__}：{str(e)[:120]}）"


def _chain_or_undecodable(settings: Settings, database_url: str) -> bool:
    """Bring the integrity projection up to date; False (after naming them) when rows cannot be decoded."""
    try:
        with projector(settings, database_url, "integrity") as p:
            p.catch_up()
        return True
    except Exception:
        with psycopg.connect(database_url) as conn, conn.cursor() as cur:
            bad = undecodable(cur)
        if not bad:
            raise
        print(
            f"✗ 完整性校验失败：{len(bad)} 条记录无法解码——不是平台写入的事件，是在追加约束之外写入或被改写的"
        )
        for position, topic, why in bad:
            print(f"  · 位置 {position} 无法解码（{topic}：{why[:160]}）")
        return False


def cmd_verify(tenant: str | None, checkpoint: Path | None) -> int:
    settings = Settings.from_env()
    with running_services(settings) as endpoints:
        install(endpoints.database_url, settings)
        if not _chain_or_undecodable(settings, endpoints.database_url):
            return 1
        trusted = _trusted_key(settings)
        checkpoints: list[Checkpoint] = []
        if checkpoint is not None:
            if trusted is None:
                print("✗ 找不到平台签名密钥（JIXIAO_SIGNING_KEY），无法核对检查点文件")
                return 1
            try:
                checkpoints = read_verified(checkpoint, trusted)
            except CheckpointError as e:
                print(f"✗ {e}")
                return 1
        published = _published(endpoints.nats_url, trusted)
        if isinstance(published, Published):
            checkpoints += published.checkpoints
        with psycopg.connect(endpoints.database_url) as conn:
            report = verify(conn, tenant, checkpoints)
            blobs = check_blobs(conn, object_store(settings), tenant)  # 佐证材料 files (docs/evidence.md)
        app = build_application(endpoints.database_url)
        try:
            stale = app.log.stale_snapshots(tenant)
        finally:
            app.close()
    failed = _print_published(published, report, tenant)
    for oid, version in stale:
        print(f"✗ 快照与事件不符：{oid} 第 {version} 版（快照只是加速用的派生数据，可删除后由事件重建）")
    for finding in blobs.findings:
        print(f"✗ {finding}")
    scope = f"单位 {tenant}" if tenant else "全部单位"
    if report.ok and not stale and not blobs.findings and not failed:
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


def _print_published(published: Published | str, report: Report, tenant: str | None) -> bool:
    """What the stream's checkpoints cover; True when the stream holds messages that are not trusted."""
    if isinstance(published, str):
        print(f"⚠ {published}：只核对了数据库内的哈希链")
        return False
    ours = [c for c in published.checkpoints if tenant is None or c.tenant == tenant]
    after = uncovered(report, ours)
    print(
        f"· NATS 上发布的签名检查点：{len(ours):,} 个单位的最新检查点"
        + (f"；{after:,} 个事件晚于这些检查点（中继每秒发布一轮，下一轮覆盖）" if after else "，覆盖全部事件")
    )
    for why in published.untrusted:
        print(f"✗ {why}")
    return bool(published.untrusted)
