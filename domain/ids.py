"""Deterministic ids: uuid5 namespaced by tenant and natural key, so re-imports never duplicate."""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

NAMESPACE = uuid5(NAMESPACE_URL, "https://jixiao.invalid/ids")


def tenant_id(code: str) -> UUID:
    return uuid5(NAMESPACE, f"tenant/{code}")


def user_id(tenant: str, username: str) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/user/{username}")


def project_id(tenant: str, year: int, code: str) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/project/{year}/{code}")


def evaluation_id(tenant: str, project: UUID, kind: str, key: str) -> UUID:
    """One evaluation per project, kind and evaluator key (the evaluating organisation)."""
    return uuid5(NAMESPACE, f"{tenant}/evaluation/{project}/{kind}/{key}")


def template_id(tenant: str, name: str) -> UUID:
    return uuid5(NAMESPACE, f"{tenant}/template/{name}")
