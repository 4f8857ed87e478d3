"""deploy/systemd/: units for hosts without Kubernetes or compose — every command they start is a
real ``jixiao`` command, long-running roles are restarted when they die (a killed API parent
included), nothing runs as root, and the environment file names only real settings."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest

from services.cli import _parser
from services.runtime.settings import VARIABLES

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
LONG_RUNNING = ("api", "projector", "relay", "reactions")


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


@pytest.mark.parametrize("role", [*LONG_RUNNING, "monitor"])
def test_each_unit_starts_a_real_command_as_an_unprivileged_user(role: str) -> None:
    service = unit(f"jixiao-{role}.service")["Service"]
    program, *args = shlex.split(service["ExecStart"])
    assert program.endswith("/jixiao")
    _parser().parse_args(args)  # exits (SystemExit) on a command or option the CLI does not have
    assert service["User"] not in ("", "root") and service["EnvironmentFile"] == "/etc/jixiao/jixiao.env"
    assert service["NoNewPrivileges"] == "true"


@pytest.mark.parametrize("role", LONG_RUNNING)
def test_long_running_roles_are_restarted_when_they_die(role: str) -> None:
    service = unit(f"jixiao-{role}.service")["Service"]
    assert service["Restart"] == "always" and float(service["RestartSec"]) <= 5


def test_the_hourly_check_is_a_timer_of_the_oneshot_service() -> None:
    assert unit("jixiao-monitor.service")["Service"]["Type"] == "oneshot"
    timer = unit("jixiao-monitor.timer")["Timer"]
    assert timer["OnCalendar"] == "hourly" and timer["Persistent"] == "true"


def test_the_environment_file_names_only_real_settings() -> None:
    names = [
        line.partition("=")[0]
        for line in (UNITS / "jixiao.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    libpq = {"PGTARGETSESSIONATTRS", "PGCONNECT_TIMEOUT"}  # read by libpq itself (deploy/README.md)
    assert names and set(names) <= set(VARIABLES) | libpq
    assert {"DATABASE_URL", "NATS_URL", "JIXIAO_JWT_SECRET", "JIXIAO_SIGNING_KEY"} <= set(names)
