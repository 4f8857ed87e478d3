"""Single sign-on through the bureau's OpenID Connect provider (optional: ``JIXIAO_OIDC_ISSUER``).

The authorization-code flow with PKCE: ``GET /api/v1/session/oidc`` sends the browser to the
provider with a fresh ``state``, ``nonce`` and code challenge, kept in a short-lived signed
cookie; the provider sends it back to ``…/oidc/callback`` with a code, which the platform
exchanges (with its client secret and the code verifier) for an ID token, verified against the
provider's published keys (issuer, audience, nonce, expiry). The token's claims name the person's
bureau and username (``JIXIAO_OIDC_TENANT_CLAIM``, ``JIXIAO_OIDC_USERNAME_CLAIM``); the account must
exist in jixiao — bureaus still decide who has which roles — and the sign-in is recorded like a
password's (``method: oidc``), then the same session cookies are set.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import secrets
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

import jwt
from anyio import to_thread
from litestar import Controller, Request, Response, get
from litestar.datastructures import Cookie
from litestar.params import QueryParameter
from litestar.response import Redirect

from services.api.accounts import accounts_of, session_cookies
from services.api.plumbing import platform_of
from services.api.problems import Problem
from services.app.accounts import SignInRefused

FLOW_COOKIE = "jixiao_oidc"
FLOW_MINUTES = 10


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    tenant_claim: str
    username_claim: str

    @cached_property
    def discovery(self) -> dict[str, Any]:
        with urllib.request.urlopen(f"{self.issuer}/.well-known/openid-configuration", timeout=10) as r:
            found: dict[str, Any] = json.loads(r.read())
        return found

    @cached_property
    def keys(self) -> jwt.PyJWKClient:
        return jwt.PyJWKClient(str(self.discovery["jwks_uri"]))

    def exchange(self, code: str, redirect_uri: str, verifier: str) -> dict[str, Any]:
        """The code for the provider's tokens (a blocking call: run it off the event loop)."""
        form = urllib.parse.urlencode(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "code_verifier": verifier,
            }
        ).encode()
        request = urllib.request.Request(str(self.discovery["token_endpoint"]), data=form, method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        with urllib.request.urlopen(request, timeout=10) as r:
            tokens: dict[str, Any] = json.loads(r.read())
        return tokens

    def identity(self, id_token: str, nonce: str) -> tuple[str, str]:
        key = self.keys.get_signing_key_from_jwt(id_token).key
        claims = jwt.decode(
            id_token, key, algorithms=["RS256", "ES256"], audience=self.client_id, issuer=self.issuer
        )
        if claims.get("nonce") != nonce:
            raise jwt.InvalidTokenError("nonce")
        return str(claims.get(self.tenant_claim, "")), str(claims.get(self.username_claim, ""))


def _redirect_uri(request: Request[Any, Any, Any]) -> str:
    base = str(request.base_url).rstrip("/")
    return f"{base}/api/v1/session/oidc/callback"


def _config(request: Request[Any, Any, Any]) -> OidcConfig:
    found: OidcConfig | None = request.app.state.get("oidc")
    if found is None:
        raise Problem(404, "本平台未配置单点登录", "oidc.off")
    return found


class OidcController(Controller):
    path = "/api/v1/session/oidc"
    tags = ["登录与账户"]  # noqa: RUF012

    @get("/", summary="单点登录：转到本单位的身份提供方", status_code=302)
    async def start(self, request: Request[Any, Any, Any]) -> Redirect:
        config = _config(request)
        platform = platform_of(request)
        state, nonce, verifier = (secrets.token_urlsafe(24) for _ in range(3))
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        discovery = await to_thread.run_sync(lambda: config.discovery)
        query = urllib.parse.urlencode(
            {
                "response_type": "code",
                "client_id": config.client_id,
                "redirect_uri": _redirect_uri(request),
                "scope": "openid profile",
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        secret = platform.verifier.config.secret or ""
        until = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=FLOW_MINUTES)
        flow = jwt.encode(
            {"state": state, "nonce": nonce, "verifier": verifier, "exp": until}, secret, "HS256"
        )
        cookie = Cookie(
            key=FLOW_COOKIE,
            value=flow,
            path="/api/v1/session/oidc",
            httponly=True,
            samesite="lax",
            max_age=600,
        )
        return Redirect(f"{discovery['authorization_endpoint']}?{query}", cookies=[cookie])

    @get("/callback", summary="单点登录：身份提供方回调", status_code=302)
    async def callback(
        self,
        request: Request[Any, Any, Any],
        code: str = "",
        returned: Annotated[str, QueryParameter(name="state")] = "",
    ) -> Response[Any]:
        config = _config(request)
        platform = platform_of(request)
        try:
            flow = jwt.decode(
                request.cookies.get(FLOW_COOKIE, ""),
                platform.verifier.config.secret or "",
                algorithms=["HS256"],
            )
        except jwt.PyJWTError:
            raise Problem(400, "单点登录已超时或来源不明，请重新登录", "oidc.flow") from None
        if not returned or returned != flow.get("state") or not code:
            raise Problem(400, "单点登录的回调与发起时不一致，请重新登录", "oidc.state")

        def finish() -> tuple[str, str]:
            tokens = config.exchange(code, _redirect_uri(request), str(flow["verifier"]))
            return config.identity(str(tokens.get("id_token", "")), str(flow["nonce"]))

        try:
            tenant, username = await to_thread.run_sync(finish)
        except (OSError, ValueError, KeyError, jwt.PyJWTError):
            raise Problem(401, "身份提供方未能确认您的身份，请重新登录", "oidc.failed") from None
        accounts = accounts_of(platform)
        cid = request.scope.get("state", {}).get("correlation_id", "")
        try:
            session = await to_thread.run_sync(
                lambda: accounts.sign_in_external(tenant, username, correlation_id=cid)
            )
        except SignInRefused as refused:
            raise Problem(401, refused.message, "auth.sign_in_failed") from None
        _, cookies = session_cookies(request, platform, session)
        cookies.append(Cookie(key=FLOW_COOKIE, value="", path="/api/v1/session/oidc", max_age=0))
        return Redirect("/ui/", cookies=cookies)
