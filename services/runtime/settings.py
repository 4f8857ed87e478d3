"""Settings: every environment variable the platform reads, read here and nowhere else.

``Settings.from_env()`` is called once by each entry point (``jixiao …``, an API worker process,
a test fixture that wants the environment); everything else receives the object. The README's
"Settings" table lists the same variables; ``tests/unit/test_settings.py`` checks that both agree.
A value the platform cannot use is refused with a Chinese message (``RuntimeConfigError``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from services.runtime.errors import RuntimeConfigError

LOG_FORMATS = ("text", "json")
# JIXIAO_ACCESS_LOG: 1 logs every request; the log levels it took before still mean on and off
_ON = ("1", "true", "yes", "on", "info", "debug")
_OFF = ("", "0", "false", "no", "off", "warning", "error")


def _int(env: Mapping[str, str], name: str, default: int, *, low: int = 1, high: int = 65535) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RuntimeConfigError(f"环境变量 {name}={raw!r} 不是整数") from None
    if not low <= value <= high:
        raise RuntimeConfigError(f"环境变量 {name}={value} 应在 {low}–{high} 之间")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise RuntimeConfigError(f"环境变量 {name}={raw!r} 不是数字") from None
    if not 0 <= value < float("inf"):
        raise RuntimeConfigError(f"环境变量 {name}={raw!r} 应为不小于 0 的数字")
    return value


def _switch(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw in _ON:
        return True
    if raw in _OFF:
        return False
    raise RuntimeConfigError(f"环境变量 {name}={raw!r} 应为 1（开启）或 0（关闭）")


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(name) or choices[0]).strip().lower()
    if raw not in choices:
        raise RuntimeConfigError(f"环境变量 {name}={raw!r} 应为 {'、'.join(choices)} 之一")
    return raw


def default_rebuild_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".jixiao")
    database_url: str | None = None  # external PostgreSQL; None: embedded
    nats_url: str | None = None  # external NATS; None: embedded
    nats_port: int = 4222
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    api_workers: int = 1  # HTTP worker processes (docs/api.md, "Serving")
    jwt_secret: str | None = None  # None: generated into data_dir/jwt-secret (unless JWKS)
    jwt_issuer: str = "jixiao"
    jwt_audience: str = "jixiao-api"
    jwks_url: str | None = None  # an OIDC provider's keys instead of the secret
    rate_limit: float = 200.0  # requests per second per token (burst twice that); 0: off
    access_log: bool = False  # a log line per HTTP request (off: the console stays readable)
    log_format: str = "text"  # "json": one JSON object per log line
    rebuild_workers: int = field(default_factory=default_rebuild_workers)
    # an API worker's caches, bounded so that its memory does not grow with the log
    # (services/app/lru.py): aggregates the command cache keeps, the events folded into them
    # (≈1 KB of memory each for an evaluation's deductions), bureaus' lineages
    cache_aggregates: int = 2000
    cache_events: int = 50_000
    cache_tenants: int = 10_000
    bench_endpoints: bool = False  # the benchmark's baseline endpoint (never in production)
    oidc_issuer: str | None = None  # single sign-on: the provider's issuer URL (discovery)
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_tenant_claim: str = "jixiao_tenant"  # the ID token's claim naming the person's bureau
    oidc_username_claim: str = "preferred_username"
    # 佐证材料 (docs/evidence.md): a local folder unless an S3 bucket is named
    evidence_dir: Path | None = None  # None: data_dir/evidence
    evidence_max_mb: int = 20  # the largest file accepted, in MB
    s3_bucket: str | None = None
    s3_endpoint: str | None = None  # None: AWS itself; MinIO, Ceph, OSS, COS: their S3 endpoint
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None  # None: the SDK's own chain (instance role, ~/.aws)
    s3_secret_key: str | None = None
    s3_prefix: str = "evidence/"
    # beyond one machine (deploy/README.md): the JetStream stream's replicas (3 on a NATS cluster)
    # and the integrity signing key shared by every relay replica (None: data_dir/integrity)
    stream_replicas: int = 1
    signing_key: Path | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        return cls(
            data_dir=Path(env.get("JIXIAO_DATA_DIR") or ".jixiao"),
            database_url=env.get("DATABASE_URL") or None,
            nats_url=env.get("NATS_URL") or None,
            nats_port=_int(env, "JIXIAO_NATS_PORT", 4222),
            http_host=env.get("JIXIAO_HOST") or "127.0.0.1",
            http_port=_int(env, "JIXIAO_PORT", 8000),
            api_workers=_int(env, "JIXIAO_API_WORKERS", 1, high=64),
            jwt_secret=env.get("JIXIAO_JWT_SECRET") or None,
            jwt_issuer=env.get("JIXIAO_JWT_ISSUER") or "jixiao",
            jwt_audience=env.get("JIXIAO_JWT_AUDIENCE") or "jixiao-api",
            jwks_url=env.get("JIXIAO_JWT_JWKS_URL") or None,
            rate_limit=_float(env, "JIXIAO_RATE_LIMIT", 200.0),
            access_log=_switch(env, "JIXIAO_ACCESS_LOG"),
            log_format=_choice(env, "JIXIAO_LOG_FORMAT", LOG_FORMATS),
            rebuild_workers=_int(env, "JIXIAO_REBUILD_WORKERS", default_rebuild_workers(), high=64),
            cache_aggregates=_int(env, "JIXIAO_CACHE_AGGREGATES", 2000, low=0, high=10_000_000),
            cache_events=_int(env, "JIXIAO_CACHE_EVENTS", 50_000, low=0, high=1_000_000_000),
            cache_tenants=_int(env, "JIXIAO_CACHE_TENANTS", 10_000, low=0, high=10_000_000),
            bench_endpoints=env.get("JIXIAO_BENCH_ENDPOINTS") == "1",
            oidc_issuer=(env.get("JIXIAO_OIDC_ISSUER") or "").rstrip("/") or None,
            oidc_client_id=env.get("JIXIAO_OIDC_CLIENT_ID") or "",
            oidc_client_secret=env.get("JIXIAO_OIDC_CLIENT_SECRET") or "",
            oidc_tenant_claim=env.get("JIXIAO_OIDC_TENANT_CLAIM") or "jixiao_tenant",
            oidc_username_claim=env.get("JIXIAO_OIDC_USERNAME_CLAIM") or "preferred_username",
            evidence_dir=Path(env["JIXIAO_EVIDENCE_DIR"]) if env.get("JIXIAO_EVIDENCE_DIR") else None,
            evidence_max_mb=_int(env, "JIXIAO_EVIDENCE_MAX_MB", 20, high=1024),
            s3_bucket=env.get("JIXIAO_S3_BUCKET") or None,
            s3_endpoint=env.get("JIXIAO_S3_ENDPOINT") or None,
            s3_region=env.get("JIXIAO_S3_REGION") or "us-east-1",
            s3_access_key=env.get("JIXIAO_S3_ACCESS_KEY") or None,
            s3_secret_key=env.get("JIXIAO_S3_SECRET_KEY") or None,
            s3_prefix=env.get("JIXIAO_S3_PREFIX", "evidence/"),
            stream_replicas=_int(env, "JIXIAO_STREAM_REPLICAS", 1, high=5),
            signing_key=Path(env["JIXIAO_SIGNING_KEY"]) if env.get("JIXIAO_SIGNING_KEY") else None,
        )

    @property
    def evidence_folder(self) -> Path:
        return self.evidence_dir if self.evidence_dir is not None else self.data_dir / "evidence"

    def child_environment(self, database_url: str) -> dict[str, str]:
        """What an API worker process started by this one needs to build the same platform:
        the database the parent resolved (embedded or not) and its data directory."""
        return {
            "DATABASE_URL": database_url,
            "JIXIAO_DATA_DIR": str(self.data_dir.resolve()),
        }

    def with_database(self, database_url: str) -> Settings:
        return replace(self, database_url=database_url)


def nats_password(variable: str, environ: Mapping[str, str] | None = None) -> str:
    """A NATS password that must be written into a URL (a route, a leaf remote), from the same
    ``JIXIAO_NATS_PASSWORD_<USER>`` variable the receiving nats-server reads it from ("" when unset).
    Not a setting of the platform's own processes, so not in ``VARIABLES``."""
    if not variable.startswith("JIXIAO_NATS_PASSWORD_"):
        raise ValueError(variable)
    return (os.environ if environ is None else environ).get(variable, "")


# every variable read above (the README's table and tests/unit/test_settings.py compare against it)
VARIABLES = (
    "DATABASE_URL",
    "NATS_URL",
    "JIXIAO_DATA_DIR",
    "JIXIAO_NATS_PORT",
    "JIXIAO_HOST",
    "JIXIAO_PORT",
    "JIXIAO_API_WORKERS",
    "JIXIAO_JWT_SECRET",
    "JIXIAO_JWT_ISSUER",
    "JIXIAO_JWT_AUDIENCE",
    "JIXIAO_JWT_JWKS_URL",
    "JIXIAO_RATE_LIMIT",
    "JIXIAO_ACCESS_LOG",
    "JIXIAO_LOG_FORMAT",
    "JIXIAO_REBUILD_WORKERS",
    "JIXIAO_CACHE_AGGREGATES",
    "JIXIAO_CACHE_EVENTS",
    "JIXIAO_CACHE_TENANTS",
    "JIXIAO_BENCH_ENDPOINTS",
    "JIXIAO_OIDC_ISSUER",
    "JIXIAO_OIDC_CLIENT_ID",
    "JIXIAO_OIDC_CLIENT_SECRET",
    "JIXIAO_OIDC_TENANT_CLAIM",
    "JIXIAO_OIDC_USERNAME_CLAIM",
    "JIXIAO_EVIDENCE_DIR",
    "JIXIAO_EVIDENCE_MAX_MB",
    "JIXIAO_S3_BUCKET",
    "JIXIAO_S3_ENDPOINT",
    "JIXIAO_S3_REGION",
    "JIXIAO_S3_ACCESS_KEY",
    "JIXIAO_S3_SECRET_KEY",
    "JIXIAO_S3_PREFIX",
    "JIXIAO_STREAM_REPLICAS",
    "JIXIAO_SIGNING_KEY",
)
