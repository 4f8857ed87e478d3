# syntax=docker/dockerfile:1
# The jixiao image: one image for every role (deploy/README.md, "Packaging: image, compose, Kubernetes").
#
#   docker build -t jixiao:0.1.0 .
#   docker run --rm -e DATABASE_URL=... -e JIXIAO_JWT_SECRET=... -p 8000:8000 jixiao:0.1.0
#
# The default command serves the HTTP API alone; the other roles run the same image with another
# command: `jixiao projections run`, `jixiao relay run`, `jixiao reactions run`, `jixiao monitor check`.
# Checked offline by tests/unit/test_deploy_compose.py (non-root USER, HEALTHCHECK, pinned base).

ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY domain ./domain
COPY projections ./projections
COPY services ./services
# a virtual environment copied whole into the runtime stage: no compiler, no pip cache, no sources there
RUN python -m venv /opt/jixiao \
 && /opt/jixiao/bin/pip install . \
 # the dashboard's chart library (Apache ECharts, pinned with its sha512 in services/web/vendoring.py),
 # fetched from the npm registry now so that no page ever loads it from outside; run from / so that
 # it lands in the installed package, not in /src
 && cd / && /opt/jixiao/bin/python -m services.web.vendoring \
 && /opt/jixiao/bin/python -m compileall -q /opt/jixiao/lib

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="jixiao" \
      org.opencontainers.image.description="绩效 — event-sourced performance evaluation platform" \
      org.opencontainers.image.version="0.1.0"
# a fixed uid/gid, so that Kubernetes' runAsNonRoot can check it and volumes can be owned by it
RUN groupadd --system --gid 10001 jixiao \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/jixiao --create-home --shell /usr/sbin/nologin jixiao \
 && mkdir -p /var/lib/jixiao/data /var/lib/jixiao/evidence \
 && chown -R 10001:10001 /var/lib/jixiao
COPY --from=build /opt/jixiao /opt/jixiao
ENV PATH=/opt/jixiao/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    JIXIAO_DATA_DIR=/var/lib/jixiao/data \
    JIXIAO_HOST=0.0.0.0 \
    JIXIAO_PORT=8000 \
    JIXIAO_LOG_FORMAT=json
WORKDIR /var/lib/jixiao
USER 10001:10001
EXPOSE 8000
# liveness of the API role (/healthz: the process answers); readiness is /readyz, which also says 503
# while a projection or the relay is not following the event log. Roles without HTTP (projector,
# relay, reactions, monitor) switch this off in compose (healthcheck: disable) and have no HTTP probe
# in Kubernetes. The slim image has no curl: the standard library asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["jixiao"]
CMD ["api", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
