"""The deployment files' loader for tests/unit/test_deploy_manifests.py and test_deploy_compose.py:
a minimal ``kustomize build`` (``resources`` recursively, ``configMapGenerator``, ``namespace``,
``images``, ``replicas``; any other kustomization field is refused, never ignored) and helpers that
walk the built objects."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose"
KUSTOMIZATIONS = [K8S / "base", K8S / "overlays" / "province-example"]
PASSWORD_VARIABLE = re.compile(r"JIXIAO_NATS_PASSWORD_[A-Z0-9]+")
NATS_ROUTE = re.compile(r"nats-route://([\w.-]+):6222")

KNOWN_FIELDS = {
    "apiVersion",
    "kind",
    "namespace",
    "resources",
    "configMapGenerator",
    "generatorOptions",
    "images",
    "replicas",
}


def pod_specs(obj: dict[str, Any]) -> list[dict[str, Any]]:
    spec = obj.get("spec", {})
    if obj["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        return [spec["template"]["spec"]]
    if obj["kind"] == "CronJob":
        return [spec["jobTemplate"]["spec"]["template"]["spec"]]
    return []


def pod_labels(obj: dict[str, Any]) -> dict[str, str]:
    if obj["kind"] == "CronJob":
        return obj["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return obj["spec"]["template"]["metadata"]["labels"]


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for spec in pod_specs(obj) for c in spec.get("initContainers", []) + spec["containers"]]


def split_image(image: str) -> tuple[str, str | None]:
    if "@" in image:
        return image.split("@", 1)[0], None
    name, sep, tag = image.rpartition(":")
    if sep and "/" not in tag:
        return name, tag
    return image, None


def pinned(image: str) -> bool:
    """A digest, or a tag naming a release (``16.10-bookworm``, ``2.15.1-alpine``), not ``latest`` or ``16``."""
    tag = split_image(image)[1]
    return "@sha256:" in image or (tag is not None and re.match(r"v?\d+\.\d+", tag) is not None)


def build(directory: Path) -> list[dict[str, Any]]:
    """What ``kustomize build directory`` gives, for the fields these manifests use."""
    path = directory / "kustomization.yaml"
    assert path.is_file(), f"{directory} has no kustomization.yaml"
    k = yaml.safe_load(path.read_text())
    unknown = set(k) - KNOWN_FIELDS
    assert not unknown, f"{path}: fields this loader does not implement: {sorted(unknown)}"
    objects: list[dict[str, Any]] = []
    for entry in k.get("resources", []):
        target = (directory / entry).resolve()
        assert target.exists(), f"{path} lists {entry}, which does not exist"
        if target.is_dir():
            objects += build(target)
        else:
            objects += [o for o in yaml.safe_load_all(target.read_text()) if o is not None]
    hashed = not k.get("generatorOptions", {}).get("disableNameSuffixHash", False)
    assert not (hashed and k.get("configMapGenerator")), (
        f"{path}: name suffix hashes are not implemented here"
    )
    for gen in k.get("configMapGenerator", []):
        data: dict[str, str] = {}
        for item in gen.get("files", []):
            key, _, rel = item.rpartition("=") if "=" in item else ("", "", item)
            source = directory / rel
            assert source.is_file(), f"{path}: configMapGenerator file {rel} does not exist"
            data[key or source.name] = source.read_text()
        for literal in gen.get("literals", []):
            key, _, value = literal.partition("=")
            data[key] = value
        objects.append(
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": gen["name"]}, "data": data}
        )
    objects = copy.deepcopy(objects)
    for obj in objects:
        if "namespace" in k:
            obj["metadata"]["namespace"] = k["namespace"]
        for c in containers(obj):
            name, tag = split_image(c["image"])
            for rule in k.get("images", []):
                if rule["name"] == name:
                    c["image"] = f"{rule.get('newName', name)}:{rule.get('newTag', tag)}"
        for rule in k.get("replicas", []):
            if obj["metadata"]["name"] == rule["name"] and "replicas" in obj.get("spec", {}):
                obj["spec"]["replicas"] = rule["count"]
    return objects


def named(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in objects if pod_specs(o)]


def component(obj: dict[str, Any]) -> str | None:
    return pod_labels(obj).get("app.kubernetes.io/component")


def jixiao_workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in workloads(objects) if pod_labels(o).get("app.kubernetes.io/name") == "jixiao"]
