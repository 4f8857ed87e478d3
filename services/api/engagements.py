"""HTTP: third-party engagements — a bureau records a firm and its relations, engages it for named
evaluations for a period, changes the staff, revokes it; the firm's person reads it and accepts it
with a conflict-of-interest declaration. The API's engagement book learns each change at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from anyio import to_thread
from litestar import Controller, Request, Response, get, post

from domain.engagements import Engagement
from projections.engagements.queries import EngagementRow, engagements
from services.api.plumbing import Done, Platform, allowed, hidden, platform_of, read_models, run_command
from services.app.commands import engagements as c
from services.app.commands.spec import target_of
from services.app.policy import Caller, Target


def view(e: Engagement) -> dict[str, Any]:
    return {
        "engagement_id": str(e.id),
        "tenant": e.tenant,
        "firm_code": e.firm_code,
        "firm_name": e.firm_name,
        "name": e.name,
        "evaluations": [str(x) for x in e.evaluations],
        "start": e.start.isoformat(),
        "end": e.end.isoformat(),
        "staff": list(e.staff),
        "accepted_by": e.accepted_by,
        "declaration": e.declaration,
        "revoked": e.revoked,
        "status": "revoked" if e.revoked else "accepted" if e.accepted_by else "granted",
        "version": e.version,
    }


async def _learning(
    request: Request[Any, Any, Any], change: Callable[[Platform], Engagement], status: int = 200
) -> Response[Any]:
    """Run an engagement command, and have this worker's engagement book learn the result at once
    (the others within a second): a revocation takes effect on the next request."""
    platform = platform_of(request)

    def run() -> tuple[int, Done]:
        e = change(platform)
        platform.engagements.learn(e)
        return status, Done(id=str(e.id), version=e.version)

    return await run_command(request, run)


class EngagementController(Controller):
    path = "/api/v1"
    tags = ["委托第三方"]  # noqa: RUF012

    @post(
        "/tenants/{code:str}/firms",
        summary="登记评价机构（统一社会信用代码）",
        status_code=201,
        guards=[allowed("engagement.record_firm")],
    )
    async def record_firm(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: c.RecordFirm
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            f = app.record_firm(caller, code, data)
            return 201, Done(id=str(f.id), version=f.version)

        return await run_command(request, run)

    @post(
        "/tenants/{code:str}/firms/{firm_code:str}/relations",
        summary="记录评价机构与某单位的关联关系（此后不能受托评价该单位）",
        status_code=200,
        guards=[allowed("engagement.record_firm")],
    )
    async def relate(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, firm_code: str, data: c.RelateFirm
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            f = app.relate_firm(caller, code, firm_code, data).aggregate
            return 200, Done(id=str(f.id), version=f.version)

        return await run_command(request, run)

    @post(
        "/tenants/{code:str}/engagements",
        summary="委托评价机构评价指定的评价（期限、参与人员）",
        status_code=201,
        guards=[allowed("engagement.grant")],
    )
    async def grant(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: c.GrantEngagement
    ) -> Response[Any]:
        return await _learning(request, lambda p: p.app.grant_engagement(caller, code, data), 201)

    @get(
        "/tenants/{code:str}/engagements",
        summary="本单位及下级单位的委托",
        guards=[allowed("engagement.read")],
    )
    async def listed(self, request: Request[Any, Any, Any], caller: Caller, code: str) -> list[EngagementRow]:
        platform = platform_of(request)

        def run() -> list[EngagementRow]:
            platform.app.authorize(caller, "engagement.read", Target(code))
            return read_models(platform, caller, engagements)

        return await to_thread.run_sync(run)

    @get(
        "/engagements/{engagement:uuid}",
        summary="委托（委托单位，或受托评价机构的人员）",
        guards=[allowed("engagement.accept")],
    )
    async def read(self, request: Request[Any, Any, Any], caller: Caller, engagement: UUID) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            e = app.load(Engagement, engagement)
            if caller.engagement != str(e.id):  # not its own firm's: a bureau's reader, by the policy
                if caller.restricted:
                    raise hidden("委托")
                app.authorize(caller, "engagement.read", target_of(e))
            return view(e)

        return await to_thread.run_sync(run)

    @post(
        "/engagements/{engagement:uuid}/accept",
        summary="接受委托（评价机构人员；须作利益冲突声明）",
        status_code=200,
        guards=[allowed("engagement.accept")],
    )
    async def accept(
        self, request: Request[Any, Any, Any], caller: Caller, engagement: UUID, data: c.AcceptEngagement
    ) -> Response[Any]:
        return await _learning(request, lambda p: p.app.accept_engagement(caller, engagement, data).aggregate)

    @post(
        "/engagements/{engagement:uuid}/staff",
        summary="调整评价机构参与人员（须说明原因）",
        status_code=200,
        guards=[allowed("engagement.grant")],
    )
    async def staff(
        self, request: Request[Any, Any, Any], caller: Caller, engagement: UUID, data: c.ChangeStaff
    ) -> Response[Any]:
        return await _learning(
            request, lambda p: p.app.change_engagement_staff(caller, engagement, data).aggregate
        )

    @post(
        "/engagements/{engagement:uuid}/revoke",
        summary="撤销委托（下一次请求起生效；须说明原因）",
        status_code=200,
        guards=[allowed("engagement.revoke")],
    )
    async def revoke(
        self, request: Request[Any, Any, Any], caller: Caller, engagement: UUID, data: c.RevokeEngagement
    ) -> Response[Any]:
        return await _learning(request, lambda p: p.app.revoke_engagement(caller, engagement, data).aggregate)
