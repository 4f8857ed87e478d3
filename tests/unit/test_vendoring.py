"""Vendored browser code (services/web/vendoring.py), without the network: a tarball is taken only
when its sha512 is the pinned one, only the named files come out of it, and an installed package
is not fetched again."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from services.web import vendoring
from services.web.vendoring import ECHARTS, Package, VendorError, ensure, installed, unpack


def _tarball(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tar:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return out.getvalue()


def _pinned(data: bytes) -> Package:
    digest = base64.b64encode(hashlib.sha512(data).digest()).decode()
    return Package(
        "demo-lib",
        "1.2.3",
        f"sha512-{digest}",
        {"package/dist/lib.js": "lib.js", "package/LICENSE": "LICENSE.txt"},
    )


ARCHIVE = _tarball(
    {"package/dist/lib.js": b"window.lib = 1;", "package/LICENSE": b"MIT", "package/../../evil.js": b"x"}
)


def test_a_matching_tarball_is_unpacked_by_name(tmp_path: Path) -> None:
    package = _pinned(ARCHIVE)
    unpack(package, ARCHIVE, tmp_path)
    assert (tmp_path / "lib.js").read_bytes() == b"window.lib = 1;"
    assert (tmp_path / "LICENSE.txt").read_bytes() == b"MIT"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".demo-lib.stamp", "LICENSE.txt", "lib.js"]
    assert installed(package, tmp_path)
    assert not (tmp_path.parent / "evil.js").exists()


def test_a_tarball_that_does_not_match_is_refused_and_nothing_written(tmp_path: Path) -> None:
    package = _pinned(ARCHIVE)
    with pytest.raises(VendorError, match="校验失败"):
        unpack(package, ARCHIVE + b"\0", tmp_path)
    assert not tmp_path.exists() or not any(tmp_path.iterdir())
    assert not installed(package, tmp_path)


def test_a_missing_member_is_refused(tmp_path: Path) -> None:
    partial = _tarball({"package/LICENSE": b"MIT"})
    with pytest.raises(VendorError, match=r"没有 package/dist/lib\.js"):
        unpack(_pinned(partial), partial, tmp_path)


def test_installed_is_not_fetched_again_and_another_version_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = _pinned(ARCHIVE)
    fetched: list[str] = []

    class Answer(io.BytesIO):
        def __enter__(self) -> Answer:
            return self

    def fake(url: str, timeout: float) -> Answer:
        fetched.append(url)
        return Answer(ARCHIVE)

    monkeypatch.setattr(vendoring.urllib.request, "urlopen", fake)
    assert ensure(package, tmp_path) is True
    assert ensure(package, tmp_path) is False
    assert fetched == ["https://registry.npmjs.org/demo-lib/-/demo-lib-1.2.3.tgz"]
    (tmp_path / ".demo-lib.stamp").write_text("demo-lib@1.2.2 sha512-old\n")  # an older pin: fetch anew
    assert ensure(package, tmp_path) is True and len(fetched) == 2


def test_the_pins_are_exact() -> None:
    assert ECHARTS.version == "5.6.0" and ECHARTS.integrity.startswith("sha512-")
    assert ECHARTS.tarball.endswith("/echarts/-/echarts-5.6.0.tgz")
