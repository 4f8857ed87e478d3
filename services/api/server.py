"""Serving the API: uvicorn with uvloop and httptools (the fast event loop and HTTP parser)."""

from __future__ import annotations

import logging
import os

import uvicorn
from litestar import Litestar

from services.api.app import create_app
from services.api.auth import TokenConfig
from services.runtime.settings import Settings


def factory() -> Litestar:
    """For ``uvicorn --factory`` / several workers: everything from the environment."""
    settings = Settings.from_env()
    url = os.environ["DATABASE_URL"]
    logging.getLogger("jixiao.api.access").setLevel(os.environ.get("JIXIAO_ACCESS_LOG", "INFO"))
    return create_app(
        url,
        TokenConfig.from_env(settings.data_dir),
        rate_per_second=rate_limit(),
        bench_endpoints=os.environ.get("JIXIAO_BENCH_ENDPOINTS") == "1",
    )


def rate_limit() -> float:
    raw = os.environ.get("JIXIAO_RATE_LIMIT", "200")
    try:
        return float(raw)
    except ValueError:
        return 200.0


def config(app: Litestar, host: str, port: int) -> uvicorn.Config:
    logging.getLogger("jixiao.api.access").setLevel(os.environ.get("JIXIAO_ACCESS_LOG", "INFO"))
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,  # our middleware logs every request with its correlation id
        timeout_graceful_shutdown=5,
    )
