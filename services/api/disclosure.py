"""HTTP: 信息公开 — publish an evaluation's result or approved targets, withdraw (撤回), mark a
project 涉密; a bureau's list of its publications; and, without sign-in, what a bureau has
published (JSON ``/api/v1/public/{code}/publications``; the page ``/public/{code}`` is
``services/web/public.py``).

The public read runs as the reader role under a signed scope listing exactly the bureau, on the
table that holds only live content (``projections/disclosure``): it cannot show anything
unpublished, withdrawn, classified or of another bureau.
"""

from __future__ import annotations

import math
from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Request, Response, get, post, put

from domain.disclosure import Content, ProjectDisclosure
from domain.errors import DomainError, NotFound
from domain.ids import disclosure_id
from domain.ledger import Project
from domain.tenants import check_code
from projections.audit.queries import Change, timeline
from projections.disclosure.queries import PublicationRow, PublicItem, public, publications
from services.api.plumbing import (
    Done,
    allowed,
    as_it_stood,
    if_match,
    parse_as_of,
    platform_of,
    read_models,
    run_command,
)
from services.api.problems import Problem
from services.app.commands import disclosure as d
from services.app.policy import Caller, Target

PUBLIC = Caller("public", "", frozenset(), via="public")  # nobody: its scope is the bureau read


class Published(Done):
    """The register's id and version, and the published item's key (for 撤回)."""

    key: str = ""


class Preview(msgspec.Struct):
    """What a publish act would freeze: confirm it by sending ``source_version`` back."""

    kind: str
    source_id: str
    source_version: int
    content: Content


class PublicPage(msgspec.Struct):
    tenant: str
    name: str
    year: int | None
    items: list[PublicItem]


def bureau_name(request: Request[Any, Any, Any], code: str) -> str:
    """The bureau's name (a 6-digit code of a registered bureau; else 400 / 404), on a thread."""
    try:
        check_code(code)
    except DomainError as e:
        raise Problem(400, e.message, e.code) from None
    return platform_of(request).app.tenant(code).name


def limit_public(request: Request[Any, Any, Any]) -> None:
    """No token, so the rate limit is the client address's (the same bucket size as a token's)."""
    client = request.client.host if request.client else "unknown"
    wait = platform_of(request).limiter.take(f"public:{client}")
    if wait > 0:
        seconds = max(1, math.ceil(wait))
        raise Problem(429, f"请求过于频繁，请 {seconds} 秒后重试", "rate_limited", retry_after=seconds)


def public_items(request: Request[Any, Any, Any], code: str, year: int | None) -> list[PublicItem]:
    platform = platform_of(request)
    return read_models(platform, PUBLIC, lambda c: public(c, code, year), [code])


def check_year(year: int | None) -> None:
    if year is not None and not 2000 <= year <= 2100:
        raise Problem(400, f"年度 {year} 不在 2000–2100 之间", "request.year")


class DisclosureController(Controller):
    path = "/api/v1"
    tags = ["信息公开"]  # noqa: RUF012

    @post(
        "/publications",
        summary="公开评价结果或已批复的绩效目标（按公开字段规则生成并冻结内容）",
        status_code=201,
        guards=[allowed("disclosure.publish")],
    )
    async def publish(
        self, request: Request[Any, Any, Any], caller: Caller, data: d.Publish
    ) -> Response[Any]:
        app = platform_of(request).app

        def run() -> tuple[int, Done]:
            done = app.publish(caller, data)
            return 201, Published(id=str(done.aggregate.id), version=done.aggregate.version, key=done.result)

        return await run_command(request, run)

    @post(
        "/publications/preview",
        summary="预览公开内容（按公开字段规则生成，不保存；用于确认）",
        status_code=200,
        guards=[allowed("disclosure.publish")],
    )
    async def preview(self, request: Request[Any, Any, Any], caller: Caller, data: d.Publish) -> Preview:
        app = platform_of(request).app

        def run() -> Preview:
            p = app.preview_publication(caller, data)
            return Preview(data.kind.value, str(data.source_id), p.source_version, p.content)

        return await to_thread.run_sync(run)

    @post(
        "/publications/{register:uuid}/withdraw",
        summary="撤回公开信息（须说明原因；历史保留，公开页面不再显示）",
        status_code=200,
        guards=[allowed("disclosure.withdraw")],
    )
    async def withdraw(
        self, request: Request[Any, Any, Any], caller: Caller, register: UUID, data: d.Withdraw
    ) -> Response[Any]:
        app = platform_of(request).app
        expected = if_match(request)

        def run() -> tuple[int, Done]:
            a = app.withdraw_publication(caller, register, data, expected).aggregate
            return 200, Published(id=str(a.id), version=a.version, key=data.item)

        return await run_command(request, run)

    @put(
        "/projects/{project_id:uuid}/classification",
        summary="标记或取消涉密（涉密项目不得公开；有公开信息时须先撤回）",
        guards=[allowed("project.classify")],
    )
    async def classify(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID, data: d.Classify
    ) -> Response[Any]:
        app = platform_of(request).app
        expected = if_match(request)

        def run() -> tuple[int, Done]:
            p = app.classify_project(caller, project_id, data, expected).aggregate
            return 200, Done(id=str(p.id), version=p.version)

        return await run_command(request, run)

    @get(
        "/projects/{project_id:uuid}/classification",
        summary="项目是否涉密，及其公开中的信息数",
        guards=[allowed("disclosure.list")],
    )
    async def classification(
        self, request: Request[Any, Any, Any], caller: Caller, project_id: UUID
    ) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            project = app.load(Project, project_id)
            app.authorize(caller, "disclosure.list", Target(project.tenant))
            try:
                live = len(app.load_disclosure(disclosure_id(project.tenant, project.id)).live())
            except NotFound:
                live = 0
            return {"classified": project.classified, "published": live, "version": project.version}

        return await to_thread.run_sync(run)

    @get(
        "/tenants/{code:str}/publications",
        summary="本单位（及下级单位）的公开信息，含已撤回的及撤回原因",
        guards=[allowed("disclosure.list")],
    )
    async def listed(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        year: int | None = None,
        withdrawn: bool | None = None,
    ) -> list[PublicationRow]:
        platform = platform_of(request)
        check_year(year)

        def run() -> list[PublicationRow]:
            if caller.restricted:
                raise Problem(404, "公开信息不存在", "not_found")
            platform.app.authorize(caller, "disclosure.list", Target(code))
            return read_models(platform, caller, lambda c: publications(c, code, year, withdrawn))

        return await to_thread.run_sync(run)

    @get(
        "/publications/{register:uuid}",
        summary="项目的公开登记：每项公开信息（冻结内容、来源版本、是否撤回）；version 或 as_of 回溯",
        guards=[allowed("disclosure.list")],
    )
    async def register(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        register: UUID,
        version: int | None = None,
        as_of: str | None = None,
    ) -> dict[str, Any]:
        app = platform_of(request).app
        at = parse_as_of(as_of)

        def run() -> dict[str, Any]:
            current = app.load_disclosure(register)
            app.authorize(caller, "disclosure.list", Target(current.tenant))
            if version is None and at is None:
                return register_view(current)
            app.authorize(caller, "disclosure.history", Target(current.tenant))
            past = as_it_stood(app, register, ProjectDisclosure, current.version, version, at, "公开登记")
            return register_view(past)

        return await to_thread.run_sync(run)

    @get(
        "/publications/{register:uuid}/history",
        summary="公开、撤回的记录（谁、何时、以什么角色、因何）",
        guards=[allowed("disclosure.history")],
    )
    async def history(self, request: Request[Any, Any, Any], caller: Caller, register: UUID) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            d = platform.app.load_disclosure(register)
            platform.app.authorize(caller, "disclosure.history", Target(d.tenant))
            return read_models(platform, caller, lambda c: timeline(c, register), [d.tenant])

        return await to_thread.run_sync(run)


def register_view(d: ProjectDisclosure) -> dict[str, Any]:
    """A project's register as the API shows it (withdrawn items with their reason)."""
    return {
        "register_id": str(d.id),
        "tenant": d.tenant,
        "project_id": str(d.project_id),
        "year": d.year,
        "items": msgspec.to_builtins(list(d.items.values())),
        "version": d.version,
    }


class PublicController(Controller):
    """No sign-in: what a bureau has published, as its website links it."""

    path = "/api/v1/public"
    tags = ["信息公开"]  # noqa: RUF012

    @get(
        "/{code:str}/publications",
        summary="公开查询（无需登录）：单位已公开的信息，按年度",
        description="不需要令牌。只返回已公开且未撤回的冻结内容；涉密项目与已撤回的信息不在其中。",
    )
    async def published(
        self, request: Request[Any, Any, Any], code: str, year: int | None = None
    ) -> PublicPage:
        limit_public(request)
        check_year(year)

        def run() -> PublicPage:
            name = bureau_name(request, code)
            return PublicPage(code, name, year, public_items(request, code, year))

        return await to_thread.run_sync(run)
