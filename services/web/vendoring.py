"""Third-party browser code the platform serves (Apache ECharts) or its browser tests use
(axe-core), fetched once from the npm registry at set-up time — never by a page at run time: a
bureau's intranet has no internet, every file a page loads comes from the platform itself.

Each package is pinned to one version and to the ``sha512`` integrity the registry publishes for
its tarball (``npm view NAME@VERSION dist.integrity``); a download that does not match is refused
and nothing is written. Only the named files are taken out of the tarball, with the package's
licence beside them. ``python3 dev.py up|test`` runs ``python -m services.web.vendoring``; the
directory is git-ignored. ``JIXIAO_NPM_REGISTRY`` points at a mirror (the hash still decides).

Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REGISTRY = "https://registry.npmjs.org"
VENDOR = Path(__file__).resolve().parent / "vendor"  # served at /vendor/… (services/web/routes.py)
TIMEOUT = 120  # seconds; ECharts' tarball is about 10 MB


class VendorError(Exception):
    """A package could not be fetched or did not match its pinned hash (message in Chinese)."""


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    integrity: str  # "sha512-<base64>" as the registry publishes it
    files: dict[str, str]  # member of the tarball → file name in the target directory

    @property
    def tarball(self) -> str:
        registry = os.environ.get("JIXIAO_NPM_REGISTRY", REGISTRY).rstrip("/")
        return f"{registry}/{self.name}/-/{self.name.rsplit('/', 1)[-1]}-{self.version}.tgz"

    @property
    def stamp(self) -> str:
        return f"{self.name}@{self.version} {self.integrity}\n"


ECHARTS = Package(
    "echarts",
    "5.6.0",
    "sha512-oTbVTsXfKuEhxftHqL5xprgLoc0k7uScAwtryCgWF6hPYFLRwOUHiFmHGCBKP5NPFNkDVopOieyUqYGH8Fa3kA==",
    {
        "package/dist/echarts.min.js": "echarts.min.js",
        "package/LICENSE": "echarts-LICENSE.txt",
        "package/NOTICE": "echarts-NOTICE.txt",
    },
)
AXE = Package(  # the browser tests' accessibility checker (tests/e2e/conftest.py), not served
    "axe-core",
    "4.11.4",
    "sha512-KunSNx+TVpkAw/6ULfhnx+HWRecjqZGTOyquAoWHYLRSdK1tB5Ihce1ZW+UY3fj33bYAFWPu7W/GRSmmrCGuxA==",
    {"package/axe.min.js": "axe.min.js", "package/LICENSE": "axe-core-LICENSE.txt"},
)


def verify(package: Package, data: bytes) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    if algorithm != "sha512":
        raise VendorError(f"{package.name} 的完整性校验值应为 sha512，而不是 {algorithm}")
    found = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if found != expected:
        raise VendorError(
            f"{package.name} {package.version} 的安装包校验失败（sha512 不符，可能被篡改或下载不完整），未安装"
        )


def installed(package: Package, target: Path) -> bool:
    stamp = target / f".{package.name}.stamp"
    present = all((target / name).is_file() for name in package.files.values())
    return present and stamp.is_file() and stamp.read_text() == package.stamp


def unpack(package: Package, data: bytes, target: Path) -> None:
    """Check ``data`` against the pinned hash, then write the package's named files into ``target``."""
    verify(package, data)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member, name in package.files.items():
            try:  # only regular files by their known names: no paths from the archive
                source = tar.extractfile(member)
            except KeyError:
                source = None
            if source is None:
                raise VendorError(f"{package.name} {package.version} 的安装包中没有 {member}")
            partial = target / f".{name}.part"
            partial.write_bytes(source.read())
            partial.replace(target / name)
    (target / f".{package.name}.stamp").write_text(package.stamp)


def ensure(package: Package, target: Path = VENDOR) -> bool:
    """Install ``package`` into ``target`` unless it is there already; True when it downloaded."""
    if installed(package, target):
        return False
    try:
        with urllib.request.urlopen(package.tarball, timeout=TIMEOUT) as answer:
            data = answer.read()
    except OSError as err:
        raise VendorError(
            f"无法从 npm 仓库下载 {package.name} {package.version}（{package.tarball}）：{err}"
        ) from err
    unpack(package, data, target)
    return True


def main() -> int:
    try:
        if ensure(ECHARTS):
            print(f"已安装 {ECHARTS.name} {ECHARTS.version} → {VENDOR}", flush=True)
    except VendorError as err:
        print(
            f"{err}\n汇总看板的图表将无法显示（页面会提示）；网络恢复后重新运行 python3 dev.py up",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
