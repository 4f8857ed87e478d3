"""The OpenAPI document's additions: every operation may answer with problem+json."""

from __future__ import annotations

from litestar import Litestar
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Schema
from litestar.openapi.spec.enums import OpenAPIType

from services.api.problems import TITLES


def document_problems(api: Litestar) -> None:
    """Every operation may answer with problem+json: say so in the OpenAPI document."""
    body = Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status", "detail", "code"],
        properties={
            "type": Schema(type=OpenAPIType.STRING),
            "title": Schema(type=OpenAPIType.STRING),
            "status": Schema(type=OpenAPIType.INTEGER),
            "detail": Schema(type=OpenAPIType.STRING),
            "code": Schema(type=OpenAPIType.STRING),
        },
    )
    content = {"application/problem+json": OpenAPIMediaType(schema=body)}
    for path, item in (api.openapi_schema.paths or {}).items():
        public = path in ("/healthz", "/readyz", "/metrics")
        for method in ("get", "post", "put", "delete"):
            operation = getattr(item, method, None)
            if operation is None:
                continue
            responses = operation.responses if operation.responses is not None else {}
            codes = ("503",) if public else ("400", "401", "403", "404", "409", "413", "422", "429")
            for code in codes:
                if code not in responses or code == "400":  # ours replace Litestar's 400 body
                    responses[code] = OpenAPIResponse(
                        description=TITLES.get(int(code), "错误"), content=content
                    )
            operation.responses = responses
