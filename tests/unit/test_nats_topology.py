"""The nats-server configuration generator for a cluster member, a province dialling the national
server, and the national server: what each file says, and that the real server accepts it
(``nats-server -t``)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from argparse import Namespace
from pathlib import Path
from typing import Any

import pytest

from domain.errors import DomainError
from services.cli import main
from services.commands.nats_config import province_topology
from services.relay.permissions import password_variable, server_config
from services.relay.topology import Cluster, National, Topology, configuration
from services.runtime.nats import find_binary

TENANTS = {"360000": ("360000",), "360100": ("360000", "360100")}
SECRETS = {"JIXIAO_NATS_PASSWORD_ROUTE": "r0ute-secret", "JIXIAO_NATS_PASSWORD_P360000": "leaf-secret"}


def parsed(text: str) -> dict[str, Any]:
    """The file is JSON after its comment line, but for the unquoted ``$VARIABLE`` passwords."""
    body = re.sub(r": (\$[A-Z0-9_]+)", r': "\1"', text.partition("\n")[2])
    return dict(json.loads(body))


def valid(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    conf = tmp_path / "nats.conf"
    conf.write_text(text)
    env = {**os.environ, **{name: "x" for name in re.findall(r"\$(JIXIAO_NATS_PASSWORD_[A-Z0-9_]+)", text)}}
    return subprocess.run([find_binary(), "-t", "-c", str(conf)], capture_output=True, text=True, env=env)


def member(routes: tuple[str, ...] = ("nats://10.0.0.12:6222", "nats://10.0.0.13:6222")) -> Topology:
    return Topology(server_name="n1", cluster=Cluster("jixiao-360000", 6222, routes, "r0ute-secret"))


def test_a_lone_server_is_configured_exactly_as_before() -> None:
    lone = configuration(TENANTS, password_variable, Topology(), store_dir="/data/js", host="0.0.0.0")
    assert lone == server_config(TENANTS, password_variable, store_dir="/data/js", host="0.0.0.0")
    assert "cluster" not in lone and "server_name" not in lone and "leafnodes" not in lone


def test_a_cluster_member_has_a_name_routes_with_credentials_and_route_auth(tmp_path: Path) -> None:
    text = configuration(TENANTS, password_variable, member(), store_dir="/data/js", host="0.0.0.0")
    config = parsed(text)
    assert config["server_name"] == "n1"
    assert config["cluster"] == {
        "name": "jixiao-360000",
        "listen": "0.0.0.0:6222",
        "authorization": {"user": "route", "password": "$JIXIAO_NATS_PASSWORD_ROUTE"},
        "routes": ["nats://route:r0ute-secret@10.0.0.12:6222", "nats://route:r0ute-secret@10.0.0.13:6222"],
    }
    assert (
        parsed(server_config(TENANTS, password_variable, store_dir="/data/js"))["accounts"]
        == config["accounts"]
    )
    assert member().holds_secret and not Topology(server_name="n1").holds_secret
    checked = valid(tmp_path, text)
    assert checked.returncode == 0, checked.stderr


def test_a_member_may_open_its_monitoring_port_for_probes(tmp_path: Path) -> None:
    topology = Topology(server_name="n1", cluster=member().cluster, monitor_port=8222)
    text = configuration(TENANTS, password_variable, topology, store_dir=str(tmp_path / "js"), host="0.0.0.0")
    assert parsed(text)["http"] == "0.0.0.0:8222"
    assert "http" not in parsed(
        configuration(TENANTS, password_variable, member(), store_dir="/d", host="0.0.0.0")
    )
    checked = valid(tmp_path, text)
    assert checked.returncode == 0, checked.stderr


def test_the_real_server_refuses_a_cluster_member_without_its_password_variable(tmp_path: Path) -> None:
    text = configuration(TENANTS, password_variable, member(), store_dir="/data/js")
    conf = tmp_path / "nats.conf"
    conf.write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_NATS_PASSWORD")}
    checked = subprocess.run([find_binary(), "-t", "-c", str(conf)], capture_output=True, text=True, env=env)
    assert checked.returncode != 0  # the check can fail: the validation above means something


def test_a_province_dials_the_national_server_and_lets_nothing_into_its_stream(tmp_path: Path) -> None:
    national = National("nats://national.example:7422", "360000", "leaf-secret")
    topology = Topology(server_name="n1", domain="p360000", national=national)
    text = configuration(TENANTS, password_variable, topology, store_dir="/data/js")
    config = parsed(text)
    assert config["jetstream"] == {"store_dir": "/data/js", "domain": "p360000"}
    (remote,) = config["leafnodes"]["remotes"]
    assert remote["url"] == "nats://p360000:leaf-secret@national.example:7422"
    assert remote["account"] == "JIXIAO" and remote["deny_exports"] == ["jixiao.>"]
    denied = remote["deny_imports"]
    assert "jixiao.>" in denied and "$JS.p360000.API.STREAM.DELETE.>" in denied
    assert "$JS.p360000.API.STREAM.PURGE.>" in denied
    assert not any("CONSUMER" in d or "INFO" in d for d in denied)  # the national side may read
    checked = valid(tmp_path, text)
    assert checked.returncode == 0, checked.stderr


def test_the_national_server_config_from_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "national.conf"
    argv = ["nats", "national-config", "--province", "360000", "--province", "340000", "--out", str(out)]
    assert main(argv) == 0
    text = out.read_text()
    config = parsed(text)
    assert config["server_name"] == "national" and config["jetstream"]["domain"] == "national"
    assert config["leafnodes"]["listen"] == "0.0.0.0:7422"
    assert config["leafnodes"]["authorization"]["users"] == [
        {"user": f"p{code}", "password": f"$JIXIAO_NATS_PASSWORD_P{code}", "account": "JIXIAO"}
        for code in ("340000", "360000")
    ]
    assert [u["user"] for u in config["accounts"]["JIXIAO"]["users"]] == ["jixiao"]
    assert "secret" not in text and (out.stat().st_mode & 0o777) == 0o644
    env = {
        "JIXIAO_NATS_PASSWORD_P340000": "a",
        "JIXIAO_NATS_PASSWORD_P360000": "b",
        "JIXIAO_NATS_PASSWORD_JIXIAO": "c",
    }
    conf = tmp_path / "n.conf"
    conf.write_text(text.replace("/data/jetstream", str(tmp_path / "js")))
    checked = subprocess.run([find_binary(), "-t", "-c", str(conf)], capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stderr
    assert main(["nats", "national-config", "--province", "36"]) == 2


def options(**given: Any) -> Namespace:
    base = {"server_name": None, "cluster_name": None, "cluster_port": 6222, "route": []}
    return Namespace(
        **(base | {"province": None, "domain": None, "national_url": None, "monitor_port": None} | given)
    )


def test_cluster_and_national_options_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(DomainError, match="--server-name"):
        province_topology(options(route=["nats://10.0.0.12:6222"]))
    with pytest.raises(DomainError, match="JIXIAO_NATS_PASSWORD_ROUTE"):
        province_topology(options(server_name="n1", cluster_name="c", route=["nats://h:6222"]))
    with pytest.raises(DomainError, match="--province"):
        province_topology(options(national_url="nats://h:7422"))
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    both = province_topology(
        options(
            server_name="n1",
            cluster_name="c",
            route=["nats://h:6222"],
            province="360000",
            national_url="nats://h:7422",
        )
    )
    assert both.domain == "p360000" and both.national is not None and both.national.password == "leaf-secret"
    assert both.cluster is not None and both.cluster.route_password == "r0ute-secret"
    assert province_topology(options()) == Topology()
