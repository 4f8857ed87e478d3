"""HTTP: integrity status, health and readiness, Prometheus metrics, and the benchmark's baseline."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get

from projections.integrity.checkpoints import latest_checkpoints
from services.api.plumbing import allowed, platform_of, read_models
from services.app.policy import Caller


class OpsController(Controller):
    path = "/"
    tags = ["运行与完整性"]  # noqa: RUF012

    @get(
        "/api/v1/integrity",
        summary="完整性状态：哈希链位置与最近的检查点",
        guards=[allowed("platform.integrity")],
    )
    async def integrity(self, request: Request[Any, Any, Any], caller: Caller) -> dict[str, Any]:
        platform = platform_of(request)

        def run() -> dict[str, Any]:
            platform.app.authorize(caller, "platform.integrity", None)
            cps = read_models(platform, caller, latest_checkpoints)
            return {"checkpoints": [msgspec.to_builtins(c) for c in cps]}

        return await to_thread.run_sync(run)

    @get("/healthz", summary="存活检查")
    async def healthz(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz", summary="就绪检查（数据库可用；各读模型投影与事件中继在跟随事件日志）")
    async def readyz(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        platform = platform_of(request)

        def run() -> tuple[bool, dict[str, Any]]:
            try:
                with platform.read_pool.connection(timeout=2) as conn:
                    conn.execute("SELECT 1")
                    lag = platform.metrics.projection_lag(conn)
            except Exception as e:  # not ready: say why, without internals
                return False, {"status": "unavailable", "detail": f"数据库不可用：{type(e).__name__}"}
            stalled = platform.metrics.not_following()
            if stalled:
                names = "、".join(f"{n}（落后 {k} 个事件）" for n, k in stalled.items())
                return False, {
                    "status": "not_following",
                    "detail": f"以下读模型或事件中继已停止跟随事件日志：{names}",
                    "not_following": stalled,
                    "projection_lag_events": lag,
                }
            return True, {"status": "ready", "projection_lag_events": lag}

        ok, body = await to_thread.run_sync(run)
        return Response(body, status_code=200 if ok else 503)

    @get("/metrics", summary="Prometheus 指标", media_type="text/plain; version=0.0.4")
    async def metrics(self, request: Request[Any, Any, Any]) -> bytes:
        platform = platform_of(request)

        def run() -> bytes:
            with platform.read_pool.connection(timeout=2) as conn:
                platform.metrics.projection_lag(conn)
            return platform.metrics.render()

        return await to_thread.run_sync(run)


class BenchController(Controller):
    """Only with ``bench_endpoints``: the baseline the read benchmark compares against (the
    token is checked as for every read, then one primary-key SELECT)."""

    path = "/_bench"
    include_in_schema = False

    @get("/pk/{evaluation_id:uuid}", guards=[allowed("evaluation.read")])
    async def pk(
        self, request: Request[Any, Any, Any], caller: Caller, evaluation_id: UUID
    ) -> dict[str, Any]:
        platform = platform_of(request)

        def run() -> dict[str, Any]:
            with platform.read_pool.connection() as conn:
                row = conn.execute(
                    "SELECT version FROM rm_scorecards.scorecards WHERE evaluation_id = %s", (evaluation_id,)
                ).fetchone()
            return {"version": row[0] if row else None}

        return await to_thread.run_sync(run)
