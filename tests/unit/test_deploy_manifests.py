"""The Kubernetes manifests (deploy/k8s/) and the NATS configurations checked offline, without a cluster.

- The kustomizations are built by the small loader in ``tests/deploy_support.py`` (kustomize is
  not installed; any kustomization field it does not implement fails rather than being ignored).
  Every built object of the core API is validated against the Kubernetes OpenAPI schemas that
  ``kubernetes-validate`` ships (strict: unknown fields fail). CloudNativePG's ``Cluster`` and
  ``ScheduledBackup`` are not in those schemas: they are checked against the small JSON schema
  ``CNPG_SCHEMAS`` below (the fields these manifests use, written from the operator's API reference
  for 1.25; unknown fields fail), plus the facts that matter (3 instances, synchronous standbys, a
  backup store, a schedule).
- Cross-references: Service and PDB selectors and ports, Secrets and ConfigMaps, probes, non-root,
  pinned images, network policies, NATS routes, and every environment variable is one the
  platform reads.
- The NATS configurations of Kubernetes and compose pass ``nats-server -t`` (the binary the
  project installs). Compose and the Dockerfile: ``test_deploy_compose.py``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest

from services.runtime.nats import find_binary
from services.runtime.settings import VARIABLES
from tests.deploy_support import (
    COMPOSE,
    K8S,
    KUSTOMIZATIONS,
    NATS_ROUTE,
    PASSWORD_VARIABLE,
    build,
    component,
    containers,
    jixiao_workloads,
    named,
    pinned,
    pod_labels,
    pod_specs,
    workloads,
)

K8S_VERSION = "1.33.0"  # one of the versions kubernetes-validate ships

# Secrets the manifests refer to and do not contain: created by the operator or by the installer
# (deploy/k8s/README.md names each one; test_external_secrets_are_documented checks it)
EXTERNAL_SECRETS = {
    "jixiao-db-app": "created by CloudNativePG for the Cluster jixiao-db",
    "jixiao": "the API's token secret and the evidence store's keys",
    "jixiao-nats": "the NATS users' passwords",
    "jixiao-signing-key": "the relay's Ed25519 signing key",
    "jixiao-backup-s3": "the backup bucket's keys",
}
# variables the manifests set that the platform does not read itself
OTHER_VARIABLES = {"POD_NAME", "NATS_SERVER_NAME"}
ROLES = {"api": 2, "projector": 2, "relay": 2, "reactions": 1}  # Deployment component → at least


@pytest.fixture(scope="module", params=KUSTOMIZATIONS, ids=lambda p: p.name)
def built(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return build(request.param)


def test_loader_refuses_a_missing_resource(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [gone.yaml]\n")
    with pytest.raises(AssertionError, match="does not exist"):
        build(tmp_path)


def test_overlay_sets_namespace_image_and_replicas() -> None:
    objects = build(K8S / "overlays" / "province-example")
    assert {o["metadata"]["namespace"] for o in objects} == {"jixiao-360000"}
    images = {c["image"] for w in jixiao_workloads(objects) for c in containers(w)}
    assert images == {"registry.jx.example.gov.cn/jixiao/jixiao:0.1.0"}
    assert named(objects, "Deployment")["jixiao-api"]["spec"]["replicas"] == 3
    assert named(build(K8S / "base"), "Deployment")["jixiao-api"]["spec"]["replicas"] == 2


# ---------------------------------------------------------------- schemas
CNPG_SCHEMAS: dict[str, dict[str, Any]] = {
    "Cluster": {
        "type": "object",
        "required": ["instances", "imageName", "storage", "bootstrap", "backup"],
        "additionalProperties": False,
        "properties": {
            "instances": {"type": "integer", "const": 3},
            "imageName": {"type": "string"},
            "primaryUpdateStrategy": {"enum": ["unsupervised", "supervised"]},
            "minSyncReplicas": {"type": "integer", "minimum": 1},
            "maxSyncReplicas": {"type": "integer", "minimum": 1},
            "postgresql": {"type": "object", "properties": {"parameters": {"type": "object"}}},
            "bootstrap": {
                "type": "object",
                "properties": {"initdb": {"type": "object", "required": ["database", "owner"]}},
                "required": ["initdb"],
            },
            "storage": {"type": "object", "required": ["size"]},
            "walStorage": {"type": "object", "required": ["size"]},
            "affinity": {"type": "object"},
            "resources": {"type": "object"},
            "backup": {
                "type": "object",
                "required": ["barmanObjectStore"],
                "properties": {
                    "retentionPolicy": {"type": "string", "pattern": "^[1-9][0-9]*[dwm]$"},
                    "barmanObjectStore": {
                        "type": "object",
                        "required": ["destinationPath", "s3Credentials"],
                        "properties": {
                            "destinationPath": {"type": "string", "pattern": "^s3://"},
                            "endpointURL": {"type": "string"},
                            "s3Credentials": {
                                "type": "object",
                                "required": ["accessKeyId", "secretAccessKey"],
                            },
                            "wal": {"type": "object"},
                            "data": {"type": "object"},
                        },
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "ScheduledBackup": {
        "type": "object",
        "required": ["schedule", "cluster"],
        "additionalProperties": False,
        "properties": {
            # six fields: CloudNativePG's schedule begins with seconds
            "schedule": {"type": "string", "pattern": r"^\S+( \S+){5}$"},
            "immediate": {"type": "boolean"},
            "backupOwnerReference": {"enum": ["none", "self", "cluster"]},
            "method": {"enum": ["barmanObjectStore", "volumeSnapshot", "plugin"]},
            "cluster": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        },
    },
}


def test_every_object_is_valid(built: list[dict[str, Any]]) -> None:
    kinds = {o["kind"] for o in built}
    assert {
        "Deployment",
        "StatefulSet",
        "CronJob",
        "Service",
        "PodDisruptionBudget",
        "NetworkPolicy",
    } <= kinds
    for obj in built:
        if obj["apiVersion"].startswith("postgresql.cnpg.io/"):
            assert obj["apiVersion"] == "postgresql.cnpg.io/v1"
            jsonschema.validate(obj["spec"], CNPG_SCHEMAS[obj["kind"]])
            continue
        try:
            kubernetes_validate.validate(obj, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as e:
            pytest.fail(f"{obj['kind']}/{obj['metadata']['name']}: {e.message} at {list(e.path)}")


def test_database_is_three_instances_with_synchronous_standbys_and_backups(
    built: list[dict[str, Any]],
) -> None:
    clusters = named(built, "Cluster")
    assert len(clusters) == 1
    (name, cluster) = next(iter(clusters.items()))
    spec = cluster["spec"]
    assert spec["instances"] == 3
    assert 1 <= spec["minSyncReplicas"] <= spec["maxSyncReplicas"] <= spec["instances"] - 1
    assert pinned(spec["imageName"]), spec["imageName"]
    backups = named(built, "ScheduledBackup")
    assert [b["spec"]["cluster"]["name"] for b in backups.values()] == [name]


# ---------------------------------------------------------------- cross-references
def _matches(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


def test_selectors_and_ports_match_pods(built: list[dict[str, Any]]) -> None:
    pods = workloads(built)
    for w in pods:
        assert _matches(w["spec"].get("selector", {}).get("matchLabels", {}), pod_labels(w)) or (
            w["kind"] == "CronJob"
        ), f"{w['metadata']['name']}: selector does not match its own pods"
    for name, svc in named(built, "Service").items():
        chosen = [w for w in pods if _matches(svc["spec"]["selector"], pod_labels(w))]
        assert chosen, f"Service {name} selects no pods"
        ports = {p.get("name") for w in chosen for c in containers(w) for p in c.get("ports", [])}
        numbers = {p["containerPort"] for w in chosen for c in containers(w) for p in c.get("ports", [])}
        for port in svc["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            assert target in ports | numbers, f"Service {name}: no container port {target}"
    pdbs = named(built, "PodDisruptionBudget")
    for name, pdb in pdbs.items():
        assert any(_matches(pdb["spec"]["selector"]["matchLabels"], pod_labels(w)) for w in pods), name
    covered = {
        pod_labels(w).get("app.kubernetes.io/component") or pod_labels(w)["app.kubernetes.io/name"]
        for w in pods
        if any(_matches(p["spec"]["selector"]["matchLabels"], pod_labels(w)) for p in pdbs.values())
    }
    assert {"api", "projector", "relay", "nats"} <= covered


def _secret_refs(obj: dict[str, Any]) -> set[str]:
    refs: set[str] = set()
    for spec in pod_specs(obj):
        for v in spec.get("volumes", []):
            if "secret" in v:
                refs.add(v["secret"]["secretName"])
    for c in containers(obj):
        refs |= {e["secretRef"]["name"] for e in c.get("envFrom", []) if "secretRef" in e}
        refs |= {
            e["valueFrom"]["secretKeyRef"]["name"]
            for e in c.get("env", [])
            if "secretKeyRef" in e.get("valueFrom", {})
        }
    if obj["kind"] == "Cluster":
        creds = obj["spec"]["backup"]["barmanObjectStore"]["s3Credentials"]
        refs |= {ref["name"] for ref in creds.values()}
    return refs


def _configmap_refs(obj: dict[str, Any]) -> set[str]:
    refs = {
        v["configMap"]["name"] for spec in pod_specs(obj) for v in spec.get("volumes", []) if "configMap" in v
    }
    for c in containers(obj):
        refs |= {e["configMapRef"]["name"] for e in c.get("envFrom", []) if "configMapRef" in e}
    return refs


def test_secrets_and_configmaps_exist_or_are_documented(built: list[dict[str, Any]]) -> None:
    secrets = set(named(built, "Secret"))
    assert not secrets, "no Secret in the manifests: real secrets come from the installer (README)"
    referenced = set().union(*(_secret_refs(o) for o in built))
    assert referenced - secrets <= set(EXTERNAL_SECRETS), referenced - secrets - set(EXTERNAL_SECRETS)
    configmaps = set(named(built, "ConfigMap"))
    for obj in built:
        missing = _configmap_refs(obj) - configmaps
        assert not missing, f"{obj['metadata']['name']} refers to missing ConfigMaps {missing}"


def test_external_secrets_are_documented() -> None:
    readme = (K8S / "README.md").read_text()
    for name in EXTERNAL_SECRETS:
        assert f"`{name}`" in readme, f"deploy/k8s/README.md does not say where Secret {name} comes from"


def test_environment_is_what_the_platform_reads(built: list[dict[str, Any]]) -> None:
    for w in workloads(built):
        for c in containers(w):
            for e in c.get("env", []):
                name = e["name"]
                assert name in VARIABLES or name in OTHER_VARIABLES or PASSWORD_VARIABLE.fullmatch(name), name
    config = named(built, "ConfigMap")["jixiao-config"]["data"]
    assert set(config) <= set(VARIABLES), set(config) - set(VARIABLES)
    assert config["JIXIAO_STREAM_REPLICAS"] == "3"
    for w in jixiao_workloads(built):
        for c in containers(w):
            env = {e["name"] for e in c["env"]}
            assert {"DATABASE_URL", "NATS_URL"} <= env, f"{w['metadata']['name']}: {env}"


def test_roles_probes_and_replicas(built: list[dict[str, Any]]) -> None:
    apps = {component(w): w for w in jixiao_workloads(built)}
    assert set(apps) == {*ROLES, "monitor"}
    for role, least in ROLES.items():
        assert apps[role]["kind"] == "Deployment" and apps[role]["spec"]["replicas"] >= least, role
    assert apps["monitor"]["kind"] == "CronJob"
    assert containers(apps["monitor"])[0]["args"] == ["monitor", "check"]
    (api,) = containers(apps["api"])
    assert api["args"][0] == "api"
    assert api["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert api["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert api["startupProbe"]["httpGet"]["path"] == "/healthz"
    paths = {"/healthz", "/readyz"}
    for w in jixiao_workloads(built):
        for c in containers(w):
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                if "httpGet" in c.get(probe, {}):
                    assert c[probe]["httpGet"]["path"] in paths, f"{w['metadata']['name']} {probe}"


def test_pods_run_as_non_root_with_pinned_images(built: list[dict[str, Any]]) -> None:
    for w in workloads(built):
        (spec,) = pod_specs(w)
        pod = spec.get("securityContext", {})
        for c in containers(w):
            ctx = c.get("securityContext", {})
            assert ctx.get("runAsNonRoot", pod.get("runAsNonRoot")) is True, c["name"]
            assert ctx.get("runAsUser", pod.get("runAsUser", 1)) != 0, c["name"]
            assert ctx.get("allowPrivilegeEscalation") is False, c["name"]
            assert ctx.get("readOnlyRootFilesystem") is True, c["name"]
            assert pinned(c["image"]), f"{c['name']}: image {c['image']} not pinned to a release"
        if pod_labels(w).get("app.kubernetes.io/name") == "jixiao":
            mounts = {m["mountPath"]: m["name"] for c in containers(w) for m in c["volumeMounts"]}
            empty = {v["name"] for v in spec["volumes"] if "emptyDir" in v}
            assert mounts.get("/var/lib/jixiao/data") in empty, f"{w['metadata']['name']}: data dir"
            assert mounts.get("/tmp") in empty


def test_network_policies(built: list[dict[str, Any]]) -> None:
    policies = list(named(built, "NetworkPolicy").values())
    deny = [p for p in policies if p["spec"]["podSelector"] == {} and not p["spec"].get("ingress")]
    assert any(
        set(p["spec"]["policyTypes"]) == {"Ingress", "Egress"} and not p["spec"].get("egress") for p in deny
    )

    def allowed(labels: dict[str, str], direction: str, port: int) -> list[dict[str, Any]]:
        rules = []
        for p in policies:
            if _matches(p["spec"]["podSelector"].get("matchLabels", {}), labels):
                rules += [
                    r for r in p["spec"].get(direction, []) if any(x["port"] == port for x in r["ports"])
                ]
        return rules

    api = {"app.kubernetes.io/name": "jixiao", "app.kubernetes.io/component": "api"}
    app = {"app.kubernetes.io/name": "jixiao", "app.kubernetes.io/component": "relay"}
    nats = {"app.kubernetes.io/name": "nats", "app.kubernetes.io/part-of": "jixiao"}
    assert any("from" not in r for r in allowed(api, "ingress", 8000)), "the API from anywhere on 8000"
    assert allowed(app, "egress", 5432) and allowed(app, "egress", 4222) and allowed(app, "egress", 53)
    assert not allowed(app, "ingress", 8000), "only the API takes connections"
    routes = allowed(nats, "ingress", 6222)
    assert routes and all(
        all(_matches(f["podSelector"]["matchLabels"], nats) for f in r["from"]) for r in routes
    ), "NATS routes only among the NATS pods"
    assert any("from" not in r for r in allowed(nats, "ingress", 4222)), "downstream clients on 4222"


def test_nats_statefulset_forms_a_cluster(built: list[dict[str, Any]]) -> None:
    (sts,) = named(built, "StatefulSet").values()
    assert sts["spec"]["replicas"] == 3
    headless = named(built, "Service")[sts["spec"]["serviceName"]]
    assert headless["spec"]["clusterIP"] == "None"
    (c,) = containers(sts)
    claims = {t["metadata"]["name"] for t in sts["spec"]["volumeClaimTemplates"]}
    assert claims <= {m["name"] for m in c["volumeMounts"]}
    (volume,) = [v for v in sts["spec"]["template"]["spec"]["volumes"] if "configMap" in v]
    config = named(built, "ConfigMap")[volume["configMap"]["name"]]["data"]
    assert set(config) == {"nats.conf", "accounts.conf"}
    expected = {f"{sts['metadata']['name']}-{i}.{headless['metadata']['name']}" for i in range(3)}
    assert set(NATS_ROUTE.findall(config["nats.conf"])) == expected
    assert "include ./accounts.conf" in config["nats.conf"]


def _nats_check(config: Path, env: dict[str, str]) -> None:
    result = subprocess.run(
        [find_binary(), "-t", "-c", str(config)],
        env={**os.environ, "JIXIAO_NATS_PASSWORD_JIXIAO": "x", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    ("config", "env"),
    [
        (K8S / "base" / "nats" / "nats.conf", {"POD_NAME": "nats-0"}),
        (COMPOSE / "nats" / "cluster.conf", {"NATS_SERVER_NAME": "nats-1"}),
    ],
    ids=["k8s", "compose"],
)
def test_nats_configurations_are_accepted_by_nats_server(config: Path, env: dict[str, str]) -> None:
    _nats_check(config, env)


def test_nats_accounts_are_the_generated_format() -> None:
    for path in (K8S / "base" / "nats" / "accounts.conf", COMPOSE / "nats" / "accounts.conf"):
        text = path.read_text()
        assert text.startswith("# generated by jixiao (services/relay/permissions.py)"), path
        assert '"user": "jixiao"' in text and "$JIXIAO_NATS_PASSWORD_JIXIAO" in text, path
