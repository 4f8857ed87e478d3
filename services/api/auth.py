"""Bearer tokens: signed JWTs carrying user, tenant, roles and (for third parties) granted evaluations.

Keys and issuer come from the settings (``services/runtime/settings.py``): by default an HS256
secret generated once into the data directory; for an identity provider set
``JIXIAO_JWT_JWKS_URL`` (RS256/ES256 keys fetched from the provider's JWKS endpoint) and
``JIXIAO_JWT_ISSUER``/``JIXIAO_JWT_AUDIENCE`` to the provider's values.
"""

from __future__ import annotations

import datetime
import secrets
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

from domain.tenants import Role
from projections.access.queries import Revocations
from services.app.policy import Caller
from services.runtime.settings import Settings

ISSUER = "jixiao"
AUDIENCE = "jixiao-api"


class AuthError(Exception):
    """Missing, malformed, expired or untrusted token: always 401."""

    def __init__(self, detail: str, code: str = "auth.invalid") -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code


@dataclass(frozen=True)
class TokenConfig:
    secret: str | None
    issuer: str = ISSUER
    audience: str = AUDIENCE
    jwks_url: str | None = None
    default_ttl: datetime.timedelta = datetime.timedelta(hours=12)

    @classmethod
    def from_settings(cls, settings: Settings) -> TokenConfig:
        jwks = settings.jwks_url
        secret = settings.jwt_secret or (None if jwks else _secret_file(settings.data_dir))
        return cls(secret=secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience, jwks_url=jwks)


def _secret_file(data_dir: Path) -> str:
    path = data_dir / "jwt-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def issue(
    config: TokenConfig,
    *,
    user: str,
    tenant: str,
    roles: tuple[Role, ...],
    evaluations: tuple[str, ...] = (),
    ttl: datetime.timedelta | None = None,
    now: datetime.datetime | None = None,
    jti: str | None = None,
    via: str = "token",
    expires: datetime.datetime | None = None,
    engagement: str = "",
) -> str:
    """A signed token. ``via``: ``token`` (an operator's, from ``jixiao token issue``), ``session``
    (a signed-in person's cookie) or ``service`` (a service account's, revocable by its id)."""
    if config.secret is None:
        raise AuthError("本平台配置为外部身份提供方（JWKS），不能签发令牌", code="auth.cannot_issue")
    now = now or datetime.datetime.now(datetime.UTC)
    until = expires or now + (ttl or config.default_ttl)
    claims: dict[str, Any] = {
        "iss": config.issuer,
        "aud": config.audience,
        "sub": user,
        "tenant": tenant,
        "roles": [r.value for r in roles],
        "iat": now.timestamp(),  # exact: a password changed in the same second ends older sessions only
        "exp": int(until.timestamp()),
        "jti": jti or uuid.uuid4().hex,
        "via": via,
    }
    if evaluations:
        claims["evaluations"] = list(evaluations)
    if engagement:  # a firm's person: the evaluations come from the engagement, request by request
        claims["engagement"] = engagement
    return jwt.encode(claims, config.secret, algorithm="HS256")


class Verifier:
    """Checks bearer tokens. A token that verified once is remembered (up to ``remember`` of them)
    until it expires: a client sends the same token with every request, and checking its
    signature and claims again each time was a seventh of a command's time in the server."""

    def __init__(self, config: TokenConfig, *, remember: int = 10_000) -> None:
        self.config = config
        self.revocations = Revoked()
        self._jwks = jwt.PyJWKClient(config.jwks_url) if config.jwks_url else None
        self._remember = remember
        self._known: OrderedDict[str, tuple[Caller, float]] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, header: str | None) -> Caller:
        if not header:
            raise AuthError("缺少身份令牌（Authorization: Bearer …）", code="auth.missing")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("身份令牌格式应为 Authorization: Bearer <令牌>", code="auth.malformed")
        caller = self.verify_token(token.strip())
        if not self.revocations.allows(caller):
            raise AuthError("会话已结束或令牌已撤销，请重新登录", code="auth.revoked")
        return caller

    def verify_token(self, token: str) -> Caller:
        with self._lock:
            known = self._known.get(token)
        if known is not None:
            principal, expires = known
            if time.time() < expires:
                return principal
            with self._lock:
                self._known.pop(token, None)
            raise AuthError("身份令牌已过期，请重新登录", code="auth.expired")
        principal, expires = self._check(token)
        with self._lock:
            self._known[token] = (principal, expires)
            while len(self._known) > self._remember:
                self._known.popitem(last=False)
        return principal

    def _check(self, token: str) -> tuple[Caller, float]:
        try:
            if self._jwks is not None:
                key: Any = self._jwks.get_signing_key_from_jwt(token).key
                algorithms = ["RS256", "ES256"]
            else:
                key, algorithms = self.config.secret, ["HS256"]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.config.audience,
                issuer=self.config.issuer,
                options={"require": ["exp", "sub", "iss", "aud"]},
            )
        except jwt.ExpiredSignatureError:
            raise AuthError("身份令牌已过期，请重新登录", code="auth.expired") from None
        except jwt.PyJWTError:
            raise AuthError("身份令牌无效", code="auth.invalid") from None
        try:
            roles = frozenset(Role(r) for r in claims.get("roles", []))
            tenant = str(claims["tenant"])
        except (KeyError, ValueError):
            raise AuthError("身份令牌缺少单位或角色", code="auth.claims") from None
        principal = Caller(
            user=str(claims["sub"]),
            tenant=tenant,
            roles=roles,
            evaluations=frozenset(str(e) for e in claims.get("evaluations", [])),
            token_id=str(claims.get("jti", "")),
            issued_at=float(claims.get("iat", 0)),
            via=str(claims.get("via", "token")),
            engagement=str(claims.get("engagement", "")),
        )
        return principal, float(claims["exp"])


class Revoked:
    """Tokens whose signature is good but which no longer grant access: sessions signed out and
    service tokens revoked (by id), and every token of a disabled account or issued before its
    account's ``not_before`` (a new password, new roles). Kept in step with the access read model
    by the server (``services/api/plumbing.py``, ``Platform.follow_revocations``), and updated at
    once by the worker that records a sign-out or a revocation."""

    def __init__(self) -> None:
        self.state = Revocations()
        self._lock = threading.Lock()

    def allows(self, caller: Caller) -> bool:
        state = self.state
        if caller.token_id and caller.token_id in state.ended:
            return False
        key = (caller.tenant, caller.user)
        if key in state.disabled:
            return False
        cutoff = state.not_before.get(key)
        return cutoff is None or caller.issued_at >= cutoff.timestamp()

    def end(self, token_id: str) -> None:
        with self._lock:
            self.state.ended.add(token_id)

    def replace(self, state: Revocations) -> None:
        with self._lock:
            state.ended |= self.state.ended - state.ended  # what this worker ended meanwhile stays ended
            self.state = state
