"""HTTP: signing in and out (a session cookie for the web UI), one's own password, and a bureau's
accounts as its administrators manage them — people, service accounts and their API tokens.

The session is a signed token in an ``HttpOnly``, ``SameSite=Strict`` cookie (``Secure`` when the
request came over HTTPS), with a CSRF token in a second, readable cookie that the page sends
back as ``X-CSRF-Token`` on every change. Signing out ends the session for every worker within a
second (the access read model), at once for the one that recorded it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from typing import Any

from anyio import to_thread
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import Cookie
from msgspec import Struct

from domain.ids import user_id
from domain.users import User
from projections.access.queries import AccountRow, TokenRow, accounts, reveal, tokens
from services.api.auth import issue
from services.api.plumbing import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    Done,
    Platform,
    allowed,
    csrf_token,
    platform_of,
    read_models,
    run_command,
)
from services.api.problems import Problem
from services.app.accounts import Accounts, Session, SignInRefused
from services.app.commands.inputs import (
    ChangeContact,
    ChangeOwnPassword,
    ChangeRoles,
    IssueToken,
    RegisterUser,
    SetPassword,
    SignIn,
    WithReason,
)
from services.app.policy import Caller, Target


class SignedIn(Struct):
    user: str
    tenant: str
    display_name: str
    roles: list[str]
    expires: datetime.datetime
    csrf: str


class IssuedToken(Struct):
    token_id: str
    token: str  # shown once: only its id is kept
    expires: datetime.datetime


def accounts_of(platform: Platform) -> Accounts:
    if platform.accounts is None:
        raise Problem(503, "账户服务未启用", "accounts.unavailable")
    return platform.accounts


def _secure(request: Request[Any, Any, Any]) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.lower() == "https"


def session_cookies(
    request: Request[Any, Any, Any], platform: Platform, session: Session
) -> tuple[str, list[Cookie]]:
    token = issue(
        platform.verifier.config,
        user=session.username,
        tenant=session.tenant,
        roles=session.roles,
        jti=session.session,
        via="session",
        expires=session.expires,
    )
    csrf = csrf_token(platform, session.session)
    seconds = int((session.expires - datetime.datetime.now(datetime.UTC)).total_seconds())
    secure = _secure(request)
    return csrf, [
        Cookie(
            key=SESSION_COOKIE,
            value=token,
            path="/",
            httponly=True,
            samesite="strict",
            secure=secure,
            max_age=seconds,
        ),
        Cookie(
            key=CSRF_COOKIE,
            value=csrf,
            path="/",
            httponly=False,
            samesite="strict",
            secure=secure,
            max_age=seconds,
        ),
    ]


def _gone(request: Request[Any, Any, Any]) -> list[Cookie]:
    secure = _secure(request)
    return [
        Cookie(
            key=SESSION_COOKIE, value="", path="/", httponly=True, samesite="strict", secure=secure, max_age=0
        ),
        Cookie(key=CSRF_COOKIE, value="", path="/", samesite="strict", secure=secure, max_age=0),
    ]


class SessionController(Controller):
    path = "/api/v1"
    tags = ["登录与账户"]  # noqa: RUF012

    @post("/session", summary="登录（单位代码、用户名、密码）：设置会话 Cookie", status_code=200)
    async def sign_in(self, request: Request[Any, Any, Any], data: SignIn) -> Response[SignedIn]:
        platform = platform_of(request)
        accounts = accounts_of(platform)
        cid = request.scope.get("state", {}).get("correlation_id", "")
        try:
            session = await to_thread.run_sync(lambda: accounts.sign_in(data, correlation_id=cid))
        except SignInRefused as refused:
            raise Problem(401, refused.message, "auth.sign_in_failed") from None
        csrf, cookies = session_cookies(request, platform, session)
        body = SignedIn(
            session.username,
            session.tenant,
            session.display_name,
            [r.value for r in session.roles],
            session.expires,
            csrf,
        )
        return Response(body, cookies=cookies)

    @get("/session/options", summary="登录方式（是否启用单点登录）")
    async def options(self, request: Request[Any, Any, Any]) -> dict[str, bool]:
        return {"password": True, "oidc": request.app.state.get("oidc") is not None}

    @delete("/session", summary="退出登录（会话立即失效）", status_code=200, guards=[allowed("me.sign_out")])
    async def sign_out(self, request: Request[Any, Any, Any], caller: Caller) -> Response[dict[str, str]]:
        platform = platform_of(request)
        if caller.via == "session":
            await to_thread.run_sync(lambda: accounts_of(platform).sign_out(caller, caller.token_id))
            platform.verifier.revocations.end(caller.token_id)
        return Response({"status": "signed_out"}, cookies=_gone(request))

    @put("/me/password", summary="修改本人密码", guards=[allowed("me.change_password")])
    async def change_password(
        self, request: Request[Any, Any, Any], caller: Caller, data: ChangeOwnPassword
    ) -> Response[Any]:
        accounts = accounts_of(platform_of(request))
        await to_thread.run_sync(lambda: accounts.change_own_password(caller, data))
        return Response({"status": "changed", "detail": "密码已修改，请重新登录"}, cookies=_gone(request))


def _account(code: str, username: str) -> uuid.UUID:
    return user_id(code, username)


class AccountsController(Controller):
    path = "/api/v1/tenants/{code:str}"
    tags = ["登录与账户"]  # noqa: RUF012

    @get("/accounts", summary="本单位的账户（人员与系统账户）", guards=[allowed("user.list")])
    async def list_accounts(
        self, request: Request[Any, Any, Any], caller: Caller, code: str
    ) -> list[AccountRow]:
        platform = platform_of(request)

        def run() -> list[AccountRow]:
            platform.app.authorize(caller, "user.list", Target(code))
            rows = read_models(platform, caller, lambda c: accounts(c, code))
            return reveal(rows, accounts_of(platform).personal.reveal)

        return await to_thread.run_sync(run)

    @get("/tokens", summary="本单位系统账户的 API 令牌（只显示编号与用途）", guards=[allowed("user.list")])
    async def list_tokens(self, request: Request[Any, Any, Any], caller: Caller, code: str) -> list[TokenRow]:
        platform = platform_of(request)

        def run() -> list[TokenRow]:
            platform.app.authorize(caller, "user.list", Target(code))
            return read_models(platform, caller, lambda c: tokens(c, code))

        return await to_thread.run_sync(run)

    @post(
        "/users",
        summary="登记用户或系统账户（管理员；人员可同时设置初始密码）",
        status_code=201,
        guards=[allowed("user.register")],
    )
    async def register_user(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, data: RegisterUser
    ) -> Response[Any]:
        accounts = accounts_of(platform_of(request))

        def run() -> tuple[int, Done]:
            u = accounts.register_user(caller, code, data)
            return 201, Done(id=f"{code}/{u.username}", version=accounts.app.load(User, u.id).version)

        return await run_command(request, run)

    @put(
        "/users/{username:str}/roles",
        summary="调整用户角色（其已有会话随之失效）",
        guards=[allowed("user.change_roles")],
    )
    async def change_roles(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: ChangeRoles
    ) -> Response[Any]:
        return await _on_account(
            request, lambda a: a.change_roles(caller, _account(code, username), data).aggregate
        )

    @post(
        "/users/{username:str}/disable",
        summary="停用账户（会话与令牌随之失效）",
        guards=[allowed("user.disable")],
    )
    async def disable(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: WithReason
    ) -> Response[Any]:
        return await _on_account(
            request, lambda a: a.disable_user(caller, _account(code, username), data).aggregate
        )

    @post("/users/{username:str}/enable", summary="启用账户（也解除锁定）", guards=[allowed("user.enable")])
    async def enable(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: WithReason
    ) -> Response[Any]:
        return await _on_account(
            request, lambda a: a.enable_user(caller, _account(code, username), data).aggregate
        )

    @put(
        "/users/{username:str}/password",
        summary="重置用户密码（管理员）",
        guards=[allowed("user.set_password")],
    )
    async def reset_password(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: SetPassword
    ) -> Response[Any]:
        def act(a: Accounts) -> User:
            a.reset_password(caller, _account(code, username), data)
            return a.app.load(User, _account(code, username))

        return await _on_account(request, act)

    @put(
        "/users/{username:str}/contact",
        summary="更新人员的姓名与联系电话（以其本人密钥加密保存）",
        guards=[allowed("user.change_contact")],
    )
    async def change_contact(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: ChangeContact
    ) -> Response[Any]:
        return await _on_account(
            request, lambda a: a.change_contact(caller, _account(code, username), data).aggregate
        )

    @post(
        "/users/{username:str}/erase",
        summary="删除人员的个人信息（销毁其密钥：历史记录不变，姓名与电话显示为“已删除”）",
        guards=[allowed("user.erase_personal")],
    )
    async def erase(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: WithReason
    ) -> Response[Any]:
        return await _on_account(
            request, lambda a: a.erase_personal(caller, _account(code, username), data).aggregate
        )

    @post(
        "/users/{username:str}/tokens",
        summary="为系统账户签发 API 令牌（令牌只显示这一次）",
        status_code=201,
        guards=[allowed("user.issue_token")],
    )
    async def issue_token(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, username: str, data: IssueToken
    ) -> IssuedToken:
        platform = platform_of(request)
        accounts = accounts_of(platform)
        issued = await to_thread.run_sync(
            lambda: accounts.issue_token(caller, _account(code, username), data)
        )
        token = issue(
            platform.verifier.config,
            user=issued.username,
            tenant=issued.tenant,
            roles=issued.roles,
            jti=issued.token_id,
            via="service",
            expires=issued.expires,
        )
        return IssuedToken(issued.token_id, token, issued.expires)

    @post(
        "/users/{username:str}/tokens/{token_id:str}/revoke",
        summary="撤销 API 令牌（立即失效）",
        guards=[allowed("user.revoke_token")],
    )
    async def revoke_token(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        code: str,
        username: str,
        token_id: str,
        data: WithReason,
    ) -> Response[Any]:
        platform = platform_of(request)

        def act(a: Accounts) -> User:
            done = a.revoke_token(caller, _account(code, username), token_id, data)
            platform.verifier.revocations.end(token_id)
            return done.aggregate

        return await _on_account(request, act)


async def _on_account(request: Request[Any, Any, Any], act: Callable[[Accounts], User]) -> Response[Any]:
    accounts = accounts_of(platform_of(request))

    def run() -> tuple[int, Done]:
        user = act(accounts)
        return 200, Done(id=f"{user.tenant}/{user.username}", version=user.version)

    return await run_command(request, run)
