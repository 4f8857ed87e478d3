"""Settings from the environment: an env-backed frozen dataclass, read once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from services.runtime.errors import RuntimeConfigError


def _int(
    env: Mapping[str, str], name: str, default: int, *, high: int = 65535, what: str = "有效端口"
) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise RuntimeConfigError(f"环境变量 {name}={raw!r} 不是整数") from None
    if not 0 < value <= high:
        raise RuntimeConfigError(f"环境变量 {name}={value} 不是{what}（1–{high}）")
    return value


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path(".jixiao")
    database_url: str | None = None
    nats_url: str | None = None
    nats_port: int = 4222
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    api_workers: int = 1  # HTTP worker processes (docs/api.md, "Serving")

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
            api_workers=_int(env, "JIXIAO_API_WORKERS", 1, high=64, what="有效的进程数"),
        )
