"""The packaging (Dockerfile, deploy/compose/, deploy/k8s/) checked offline, without a cluster.

- Kubernetes: the kustomizations are built by a small loader below (kustomize is not installed):
  ``resources`` recursively, ``configMapGenerator``, ``namespace``, ``images`` and ``replicas``; any
  other kustomization field fails the test rather than being ignored. Every built object of the
  core API is validated against the Kubernetes OpenAPI schemas that ``kubernetes-validate`` ships
  (strict: unknown fields fail). CloudNativePG's ``Cluster`` and ``ScheduledBackup`` are not in
  those schemas: they are checked against the small JSON schema ``CNPG_SCHEMAS`` below (the fields
  these manifests use, written from the operator's API reference for 1.25; unknown fields fail),
  plus the facts that matter (3 instances, synchronous standbys, a backup store, a schedule).
- Cross-references: selectors, ports, Secrets and ConfigMaps, probes, non-root, pinned images,
  network policies, NATS routes, and every environment variable is one the platform reads.
- Compose: the same facts on the parsed file; ``docker compose config -q`` where a compose client
  exists (that check alone is skipped otherwise). NATS configurations: ``nats-server -t``.
- Dockerfile: pinned base, non-root USER, HEALTHCHECK on /healthz.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from services.runtime.nats import find_binary
from services.runtime.settings import VARIABLES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose"
K8S_VERSION = "1.33.0"  # one of the versions kubernetes-validate ships
KUSTOMIZATIONS = [K8S / "base", K8S / "overlays" / "province-example"]

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
PASSWORD_VARIABLE = re.compile(r"JIXIAO_NATS_PASSWORD_[A-Z0-9]+")
ROLES = {"api": 2, "projector": 2, "relay": 2, "reactions": 1}  # Deployment component → at least


# ---------------------------------------------------------------- a minimal kustomize
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


def _split_image(image: str) -> tuple[str, str | None]:
    if "@" in image:
        return image.split("@", 1)[0], None
    name, sep, tag = image.rpartition(":")
    if sep and "/" not in tag:
        return name, tag
    return image, None


def pinned(image: str) -> bool:
    """A digest, or a tag naming a release (``16.10-bookworm``, ``2.15.1-alpine``), not ``latest`` or ``16``."""
    tag = _split_image(image)[1]
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
            name, tag = _split_image(c["image"])
            for rule in k.get("images", []):
                if rule["name"] == name:
                    c["image"] = f"{rule.get('newName', name)}:{rule.get('newTag', tag)}"
        for rule in k.get("replicas", []):
            if obj["metadata"]["name"] == rule["name"] and "replicas" in obj.get("spec", {}):
                obj["spec"]["replicas"] = rule["count"]
    return objects


@pytest.fixture(scope="module", params=KUSTOMIZATIONS, ids=lambda p: p.name)
def built(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    return build(request.param)


def named(objects: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in objects if pod_specs(o)]


def component(obj: dict[str, Any]) -> str | None:
    return pod_labels(obj).get("app.kubernetes.io/component")


def jixiao_workloads(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [o for o in workloads(objects) if pod_labels(o).get("app.kubernetes.io/name") == "jixiao"]


def test_loader_refuses_a_missing_resource(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: [gone.yaml]\n")
    with pytest.raises(AssertionError, match="does not exist"):
        build(tmp_path)


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


NATS_ROUTE = re.compile(r"nats-route://([\w.-]+):6222")


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


# ---------------------------------------------------------------- compose
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
