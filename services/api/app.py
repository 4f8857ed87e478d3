"""The HTTP API's factory: assembles the feature modules around a built platform.

Everything the handlers share (``Platform``: the application service, the read pools, token
verification, idempotency, rate limit, metrics) is built by the composition root
(``services/platform.py``); this module only registers the routes, the policy guard's caller
dependency, the problem responses and the OpenAPI document (with request-body examples, its
viewer's files served from here: ``docs``). Each route names its policy action
in a guard (``plumbing.allowed``), checked before the request body is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from services.api.accounts import AccountsController, SessionController
from services.api.bodies import check_request
from services.api.comparison import ComparisonController
from services.api.department import DepartmentController, SummaryPublishController
from services.api.disclosure import DisclosureController, PublicController
from services.api.docs import docs_asset, swagger_page
from services.api.engagements import EngagementController
from services.api.evaluations import EvaluationController
from services.api.evidence import EvidenceController, document_upload
from services.api.examples import document_examples
from services.api.history import HistoryController
from services.api.middleware import observe
from services.api.monitoring import MonitoringController
from services.api.oidc import OidcConfig, OidcController
from services.api.openapi import document_problems
from services.api.operations import BenchController, OpsController
from services.api.plumbing import Platform, caller_of
from services.api.problems import handle
from services.api.projects import ProjectController
from services.api.rectification import RectificationController
from services.api.reporting import ReportingController
from services.api.results import ResultsController
from services.api.scoring import ScoringController
from services.api.targets import TargetsController
from services.api.tenants import TenantController
from services.api.trail import TrailController

MAX_BODY = 1024 * 1024


def create_app(
    platform: Platform,
    *,
    bench_endpoints: bool = False,
    more: Sequence[Any] = (),
    oidc: OidcConfig | None = None,
) -> Litestar:
    """The API's routes, and ``more`` beside them (the web UI's, ``services.web.web_handlers``)."""
    api = Litestar(
        route_handlers=[
            TenantController,
            ScoringController,
            TrailController,
            TargetsController,
            MonitoringController,
            RectificationController,
            DepartmentController,
            SummaryPublishController,
            EngagementController,
            ReportingController,
            ResultsController,
            DisclosureController,
            PublicController,
            ComparisonController,
            SessionController,
            OidcController,
            AccountsController,
            ProjectController,
            EvaluationController,
            HistoryController,
            EvidenceController,
            OpsController,
            docs_asset,
            *([BenchController] if bench_endpoints else []),
            *more,
        ],
        dependencies={"caller": Provide(caller_of)},
        exception_handlers={Exception: handle},
        openapi_config=OpenAPIConfig(
            title="jixiao 项目支出绩效评价平台 API",
            version="1",
            description="所有金额与分值均以十进制字符串传输。命令支持 If-Match（ETag=版本号）与 Idempotency-Key。",
            path="/api/docs",
            render_plugins=[swagger_page()],
        ),
        request_max_body_size=MAX_BODY,
        before_request=check_request,
        middleware=[observe(platform.metrics)],
        on_startup=[platform.start],
        on_shutdown=[platform.stop],
        debug=False,
        logging_config=None,  # the process's entry point configures logging (services/runtime/logs.py)
    )
    api.state.platform = platform
    api.state.oidc = oidc
    document_problems(api)
    document_examples(api)
    document_upload(api)
    return api
