"""Compose and the Dockerfile checked offline (the Kubernetes side: test_deploy_manifests.py).

- ``deploy/compose/compose.yaml`` parsed (anchors and merge keys resolved): pinned images, every
  service healthy or waiting for a healthy one, at least two APIs, relays and projectors, three
  NATS servers routing to each other, the load balancer in front of every API on ``/readyz``,
  every secret it needs named in ``.env.example``; ``docker compose config -q`` (or
  ``docker-compose``) where a compose client exists — that check alone is skipped otherwise.
- ``Dockerfile``: a pinned ``python:3.11`` slim base, a non-root ``USER``, a ``HEALTHCHECK`` on
  ``/healthz``; ``.dockerignore`` lets in only what the build copies.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from typing import Any

import pytest
import yaml

from services.runtime.settings import VARIABLES
from tests.deploy_support import COMPOSE, DEPLOY, NATS_ROUTE, PASSWORD_VARIABLE, ROOT, pinned


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((COMPOSE / "compose.yaml").read_text())  # anchors and merge keys resolved


def _role(service: dict[str, Any]) -> str | None:
    command = service.get("command")
    return (
        command[0] if isinstance(command, list) and service.get("image", "").startswith("jixiao:") else None
    )


def _healthy(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck")
    return bool(check) and not check.get("disable") and bool(check.get("test"))


def test_compose_images_are_pinned(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        assert pinned(service["image"]), f"{name}: image {service['image']} not pinned to a release"


def test_compose_services_are_healthy_or_wait_for_health(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name, service in services.items():
        waits = [
            dep
            for dep, cond in (service.get("depends_on") or {}).items()
            if cond.get("condition") == "service_healthy" and _healthy(services[dep])
        ]
        assert _healthy(service) or waits, f"{name} has no healthcheck and waits for no healthy service"
        for dep in service.get("depends_on") or {}:
            assert dep in services, f"{name} depends on unknown service {dep}"


def test_compose_roles_and_replicas(compose: dict[str, Any]) -> None:
    services = compose["services"]
    roles: dict[str, list[str]] = {}
    for name, service in services.items():
        role = _role(service)
        if role:
            roles.setdefault(role, []).append(name)
    assert len(roles["api"]) >= 2 and len(roles["relay"]) >= 2 and len(roles["projections"]) >= 2
    assert roles["reactions"] and roles["monitor"]
    for name in roles["api"]:
        check = " ".join(services[name]["healthcheck"]["test"])
        assert "/healthz" in check, name
    for names in roles.values():
        for name in names:
            env = services[name]["environment"]
            assert {"DATABASE_URL", "NATS_URL"} <= set(env), name
            for key in env:
                assert key in VARIABLES or PASSWORD_VARIABLE.fullmatch(key), f"{name}: {key}"
    for name in roles["relay"]:
        env = services[name]["environment"]
        assert env["JIXIAO_STREAM_REPLICAS"] == "3" and env["JIXIAO_SIGNING_KEY"].startswith("/run/secrets/")
    lb = (COMPOSE / "haproxy" / "haproxy.cfg").read_text()
    assert set(re.findall(r"^\s*server \S+ ([\w-]+):8000", lb, re.M)) == set(roles["api"])
    assert re.search(r"http-check send meth GET uri /readyz", lb)


def test_compose_nats_cluster(compose: dict[str, Any]) -> None:
    services = compose["services"]
    nats = {n: s for n, s in services.items() if s["image"].startswith("nats:")}
    assert len(nats) == 3
    config = (COMPOSE / "nats" / "cluster.conf").read_text()
    assert set(NATS_ROUTE.findall(config)) == set(nats), "every server routes to all three"
    assert {s["environment"]["NATS_SERVER_NAME"] for s in nats.values()} == set(nats), "one name each"
    for name, s in nats.items():
        assert "nats" in s["networks"]["default"]["aliases"], name
        assert any(v.endswith(":/data") for v in s["volumes"]), f"{name}: JetStream on a volume"
    url = services["relay-1"]["environment"]["NATS_URL"]
    assert re.fullmatch(r"nats://jixiao:\$\{[^}]+\}@nats:4222", url), url


def test_compose_env_example_defines_every_variable() -> None:
    text = (COMPOSE / "compose.yaml").read_text()
    needed = set(re.findall(r"\$\{(\w+):\?", text))
    example = dict(
        line.split("=", 1)
        for line in (COMPOSE / ".env.example").read_text().splitlines()
        if "=" in line and line[0] != "#"
    )
    assert needed and needed <= set(example), needed - set(example)


def _compose_client() -> list[str] | None:
    for client in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(client[0]) is None:
            continue
        ok = subprocess.run([*client, "version"], capture_output=True, timeout=60).returncode == 0
        if ok:
            return client
    return None


def test_docker_compose_config_accepts_the_file() -> None:
    client = _compose_client()
    if client is None:
        pytest.skip(
            "no compose client (docker compose plugin or docker-compose): the file's own checks above ran"
        )
    result = subprocess.run(
        [*client, "--env-file", ".env.example", "-f", "compose.yaml", "config", "-q"],
        cwd=COMPOSE,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


# ---------------------------------------------------------------- Dockerfile
def _instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [(m[1].upper(), m[2].strip()) for m in re.finditer(r"^\s*(\w+)\s+(.*)$", joined, re.M)]


def test_dockerfile_is_pinned_non_root_and_checks_health() -> None:
    steps = _instructions()
    args = dict(
        re.match(r"(\w+)=(\S+)", value).groups() for key, value in steps if key == "ARG" and "=" in value
    )
    stages = [i for i, (key, _) in enumerate(steps) if key == "FROM"]
    assert stages
    for i in stages:
        image = re.sub(r"\$\{(\w+)\}", lambda m: args[m[1]], steps[i][1].split()[0])
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?", image), f"base image {image} not pinned"
    final = steps[stages[-1] :]
    users = [value for key, value in final if key == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0"), "the final stage runs as root"
    health = [value for key, value in final if key == "HEALTHCHECK"]
    assert health and "/healthz" in health[-1] and "8000" in health[-1]
    assert ("EXPOSE", "8000") in final
    assert any(key == "RUN" and "pip install ." in value for key, value in steps)
    entry = [value for key, value in final if key == "ENTRYPOINT"]
    assert entry == ['["jixiao"]']


def test_dockerignore_keeps_the_context_to_the_sources() -> None:
    rules = [r for r in (ROOT / ".dockerignore").read_text().splitlines() if r and not r.startswith("#")]
    assert rules[0] == "*", "everything is excluded first"
    allowed = {r[1:].rstrip("/") for r in rules if r.startswith("!")}
    copied = set()
    for key, value in _instructions():
        if key == "COPY" and "--from" not in value:
            copied |= set(value.split()[:-1])
    assert copied and copied <= allowed, copied - allowed
    for path in copied:
        assert (ROOT / path).exists(), path


def test_deploy_readme_has_the_packaging_section() -> None:
    text = (DEPLOY / "README.md").read_text()
    assert "## Packaging: image, compose, Kubernetes" in text
    for part in ("docker build", "docker compose", "kubectl apply -k", "/readyz", "test_deploy_manifests.py"):
        assert part in text, part
