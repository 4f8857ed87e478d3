"""domain/ is pure: standard library (minus I/O), msgspec and eventsourcing.domain only."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
ALLOWED_THIRD_PARTY = {"msgspec", "eventsourcing.domain"}
IO_STDLIB = {
    "socket",
    "ssl",
    "subprocess",
    "sqlite3",
    "http",
    "urllib",
    "asyncio",
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "select",
    "selectors",
    "multiprocessing",
    "threading",
    "smtplib",
    "ftplib",
    "logging",
    "time",
    "random",
    "secrets",
    "uuid4",
}


def imports_of(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def offending(module: str) -> bool:
    top = module.split(".")[0]
    if top in ("domain", "__future__"):
        return False
    if top in sys.stdlib_module_names:
        return top in IO_STDLIB
    return not any(module == a or module.startswith(a + ".") for a in ALLOWED_THIRD_PARTY)


FILES = sorted(DOMAIN.rglob("*.py"))


def test_domain_has_modules() -> None:
    assert len(FILES) >= 10


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DOMAIN)))
def test_domain_module_imports_no_io(path: Path) -> None:
    bad = [m for m in imports_of(path) if offending(m)]
    assert not bad, f"{path.name} imports {bad}"


@pytest.mark.parametrize(
    "module", ["psycopg", "nats", "litestar", "os", "socket", "eventsourcing.postgres", "yaml"]
)
def test_the_check_catches_io_imports(module: str) -> None:
    assert offending(module)
