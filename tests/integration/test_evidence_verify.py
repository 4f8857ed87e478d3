"""``jixiao verify`` checks the evidence files: a stored file altered or removed after its event
was appended is named (Chinese, with its name and hash) and the command fails."""

from __future__ import annotations

import hashlib
import os
from decimal import Decimal
from pathlib import Path

import pytest

from domain.evidence import EvidenceTarget, TargetKind
from domain.indicators import IndicatorSpec
from domain.rules import Manual
from domain.tenants import TenantLevel
from services.app.evidence import Stored
from services.cli import main
from services.compose import build_application
from services.evidence.local import LocalObjects
from tests.support import define, evaluation, project, register, staff

PDF = b"%PDF-1.4\n% evidence for verify\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 40
COUNTY = staff("341182", "county")


@pytest.fixture
def platform(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LocalObjects:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("NATS_URL", "nats://127.0.0.1:1")  # external: the CLI starts no servers
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    store = LocalObjects(tmp_path / "data" / "evidence")  # the default folder
    app = build_application(database_url)
    try:
        register(app, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
        register(app, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "340000")
        p = project(app, COUNTY, "EV1", "佐证", 2024)
        e = evaluation(app, COUNTY, p.id)
        define(
            app,
            COUNTY,
            e.id,
            IndicatorSpec("1", "总", Decimal(100)),
            IndicatorSpec("1.1", "规范", Decimal(100), parent="1", rule=Manual()),
        )
        for data, name, media in ((PDF, "依据.pdf", "application/pdf"), (PNG, "照片.png", "image/png")):
            source = tmp_path / name
            source.write_bytes(data)
            sha = hashlib.sha256(data).hexdigest()
            store.put(sha, source)
            target = EvidenceTarget(TargetKind.INDICATOR, e.id, "1.1")
            app.attach_evidence(COUNTY, target, Stored(sha, len(data), media, name))
    finally:
        app.close()
    return store


def test_verify_passes_then_names_a_tampered_and_a_missing_file(
    platform: LocalObjects, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify"]) == 0
    assert "2 个佐证材料文件完好" in capsys.readouterr().out

    pdf = platform.path_of(hashlib.sha256(PDF).hexdigest())
    os.chmod(pdf, 0o644)
    pdf.write_bytes(PDF.replace(b"evidence", b"EVIDENCE"))  # same size, other bytes
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "佐证材料文件内容被修改" in out and "依据.pdf" in out and hashlib.sha256(PDF).hexdigest() in out
    assert "完整性校验失败" in out

    platform.path_of(hashlib.sha256(PNG).hexdigest()).unlink()
    assert main(["verify", "--tenant", "341182"]) == 1
    out = capsys.readouterr().out
    assert "佐证材料文件缺失" in out and "照片.png" in out
    assert main(["verify", "--tenant", "340000"]) == 0  # another bureau's files are not its concern
