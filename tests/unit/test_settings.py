"""One settings object: every environment variable is read in ``services/runtime/settings.py``,
listed in the README, and nothing connects or reads the environment when a module is imported."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from services.runtime.errors import RuntimeConfigError
from services.runtime.settings import VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("domain", "services", "projections")
# modules that touch the environment for another reason than reading a setting, and why
EXCEPTIONS = {
    "services/runtime/settings.py": "the one place settings are read",
    "services/runtime/postgres.py": "gives pgserver an XDG_RUNTIME_DIR when the process has none",
    "services/commands/serve.py": "passes its own environment on to the worker processes it starts",
    "services/web/vendoring.py": "runs from dev.py on the bare interpreter, before the settings' dependencies exist",
}


def _reads_environment(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            return True
    return False


def test_only_the_settings_module_reads_the_environment() -> None:
    offenders = []
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel not in EXCEPTIONS and _reads_environment(ast.parse(path.read_text(encoding="utf-8"))):
                offenders.append(rel)
    assert offenders == []


def test_the_readme_lists_every_variable_and_no_other() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Settings (environment)", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `([A-Z0-9_]+)`", table, re.M))
    assert listed == set(VARIABLES)


def test_settings_refuse_what_they_cannot_use() -> None:
    assert Settings.from_env({}).rate_limit == 200.0
    parsed = Settings.from_env(
        {"JIXIAO_RATE_LIMIT": "0", "JIXIAO_API_WORKERS": "3", "JIXIAO_ACCESS_LOG": "warning"}
    )
    assert (parsed.rate_limit, parsed.api_workers, parsed.access_log) == (0.0, 3, False)
    assert (Settings.from_env({}).access_log, Settings.from_env({}).log_format) == (False, "text")
    loud = Settings.from_env({"JIXIAO_ACCESS_LOG": "1", "JIXIAO_LOG_FORMAT": "JSON"})
    assert (loud.access_log, loud.log_format) == (True, "json")
    assert Settings.from_env({"JIXIAO_ACCESS_LOG": "INFO"}).access_log  # the level it took before
    for bad in (
        {"JIXIAO_PORT": "http"},
        {"JIXIAO_API_WORKERS": "0"},
        {"JIXIAO_RATE_LIMIT": "fast"},
        {"JIXIAO_RATE_LIMIT": "-1"},
        {"JIXIAO_ACCESS_LOG": "LOUD"},
        {"JIXIAO_LOG_FORMAT": "xml"},
        {"JIXIAO_REBUILD_WORKERS": "65"},
    ):
        with pytest.raises(RuntimeConfigError):
            Settings.from_env(bad)


PROBE = """
import importlib, pkgutil, sys
import psycopg, psycopg_pool, nats

def refuse(*a, **k):
    raise AssertionError("connected at import time")

psycopg.connect = refuse
psycopg.AsyncConnection.connect = refuse
psycopg_pool.ConnectionPool.__init__ = refuse
nats.connect = refuse
count = 0
for package in ("domain", "services", "projections"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
        count += 1
print(count)
"""


def test_importing_every_module_connects_to_nothing() -> None:
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgresql://nobody@192.0.2.1/none"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) > 100
