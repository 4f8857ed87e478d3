"""佐证材料 over HTTP on the real server: upload, list, download, remove; a file that is not what
it claims is refused and stores nothing (no event, no blob); another bureau can neither read
nor attach; bad input is a Chinese 4xx, never a 500."""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest

from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import Manual
from domain.tenants import Role
from services.app.commands.inputs import RecordEntry
from services.compose import build_application
from tests.api.conftest import EVIDENCE_DIR, Live
from tests.support import deduct, define, evaluation, project, staff

DISTRICT, OTHER = "360102", "360200"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% the scoring basis\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 64


@pytest.fixture(scope="module")
def targets(live: Live) -> Iterator[dict[str, str]]:
    """A district's project with a ledger entry, and its self-evaluation with an indicator and a
    deduction (made through the application: the HTTP routes for them are tested elsewhere)."""
    app = build_application(live.database_url)
    unit = staff(DISTRICT, "evaluator.360102")
    try:
        p = project(app, unit, "EVID-1", "佐证材料测试", 2024)
        entry = app.record_entry(
            unit,
            p.id,
            RecordEntry(
                EntryKind.RECEIVED, FundingSource.CURRENT, Decimal("1000.00"), datetime.date(2024, 3, 1)
            ),
        ).result.entry_id
        e = evaluation(app, unit, p.id)
        define(
            app,
            unit,
            e.id,
            IndicatorSpec("1", "过程", Decimal(100)),
            IndicatorSpec("1.1", "资料规范", Decimal(100), parent="1", rule=Manual()),
        )
        deduct(app, unit, e.id, "d1", "1.1", "2", "资料不全")
    finally:
        app.close()
    yield {"project": str(p.id), "evaluation": str(e.id), "entry": entry}


def _blobs() -> set[str]:
    return {p.name for p in EVIDENCE_DIR.glob("??/*")}


def _upload(
    http: Any, headers: dict[str, str], url: str, data: bytes, name: str, ctype: str, note: str = ""
) -> Any:
    files = {"file": (name, data, ctype)}
    return http.post(url, headers=headers, files=files, data={"note": note} if note else None)


def test_upload_list_download_remove(live: Live, targets: dict[str, str]) -> None:
    unit = live.token(DISTRICT, Role.EVALUATOR, user="evaluator.360102")
    url = f"/api/v1/evidence/indicator/{targets['evaluation']}/1.1"
    with live.client() as http:
        r = _upload(http, unit, url, PDF, "评分依据（2024）.pdf", "application/pdf", "会议纪要")
        assert r.status_code == 201, r.text
        made = r.json()
        assert made["sha256"] == hashlib.sha256(PDF).hexdigest() and made["size"] == len(PDF)
        assert made["media_type"] == "application/pdf" and made["name"] == "评分依据（2024）.pdf"
        assert made["note"] == "会议纪要"
        assert made["sha256"] in _blobs()
        listed = http.get(url, headers=unit).json()
        assert [f["name"] for f in listed["files"]] == ["评分依据（2024）.pdf"]
        reader = live.token(DISTRICT, Role.AUDITOR)
        d = http.get(made["download"], headers=reader)
        assert d.status_code == 200 and d.content == PDF
        assert d.headers["content-type"].startswith("application/pdf")
        assert d.headers["x-content-type-options"] == "nosniff"
        assert quote("评分依据（2024）.pdf", safe="") in d.headers["content-disposition"]
        assert d.headers["content-disposition"].startswith("attachment;")
        # the parent bureau reads the district's evidence
        assert http.get(made["download"], headers=live.token("360100", Role.REVIEWER)).status_code == 200
        # removal needs a reason, then the file leaves the list but stays downloadable (history)
        remove = f"{made['download']}/remove"
        no_reason = http.post(remove, headers=unit, json={"reason": " "})
        assert no_reason.status_code == 422 and "原因" in no_reason.json()["detail"]
        assert http.post(remove, headers=unit, json={"reason": "上传错了"}).status_code == 200
        assert http.get(url, headers=unit).json()["files"] == []
        again = http.get(url, headers=unit, params={"removed": "true"}).json()["files"]
        assert again[0]["detached"] is True and again[0]["detach_reason"] == "上传错了"
        assert http.get(made["download"], headers=unit).status_code == 200
        then = http.get(url, headers=reader, params={"version": 2}).json()  # opened + attached
        assert [(f["name"], f["detached"]) for f in then["files"]] == [("评分依据（2024）.pdf", False)]
        assert http.get(url, headers=unit, params={"version": 2}).status_code == 403  # a history role
        assert (
            http.get(url, headers=reader, params={"as_of": "2000-01-01T00:00:00+08:00"}).json()["files"] == []
        )
        live.settle()
        rows = http.get(
            f"/api/v1/evidence/of/{targets['evaluation']}", headers=unit, params={"removed": "true"}
        )
        assert rows.status_code == 200, rows.text
        assert [(f["kind"], f["key"], f["detached"]) for f in rows.json()["files"]] == [
            ("indicator", "1.1", True)
        ]


def test_a_file_that_is_not_what_it_claims_is_refused_storing_nothing(
    live: Live, targets: dict[str, str]
) -> None:
    unit = live.token(DISTRICT, Role.EVALUATOR, user="evaluator.360102")
    url = f"/api/v1/evidence/deduction/{targets['evaluation']}/d1"
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("xl/workbook.xml", "<x/>")  # a workbook named .docx
    lies = [
        (PNG, "扣分依据.pdf", "application/pdf"),
        (b"MZ\x90\x00\x03 not a pdf", "扣分依据.pdf", "application/pdf"),
        (docx.getvalue(), "访谈.docx", "application/octet-stream"),
        (PDF, "扣分依据.pdf", "image/png"),
        (PDF, "run.exe", "application/octet-stream"),
        (PDF, "invoice\u202efdp.pdf", "application/pdf"),
    ]
    with live.client() as http:
        for data, name, ctype in lies:
            events, blobs = live.events(), _blobs()
            r = _upload(http, unit, url, data, name, ctype)
            assert r.status_code in (400, 415), (name, r.text)
            body = r.json()
            assert body["code"].startswith("evidence."), body
            assert any("\u4e00" <= c <= "\u9fff" for c in body["detail"])
            assert live.events() == events and _blobs() == blobs, name


def test_who_may_attach_and_read(live: Live, targets: dict[str, str]) -> None:
    deduction = f"/api/v1/evidence/deduction/{targets['evaluation']}/d1"
    entry = f"/api/v1/evidence/ledger_entry/{targets['project']}/{targets['entry']}"
    evaluator = live.token(DISTRICT, Role.EVALUATOR, user="evaluator.360102")
    with live.client() as http:
        blobs = _blobs()
        preparer = live.token(DISTRICT, Role.PREPARER)
        r = _upload(http, preparer, deduction, PNG, "照片.png", "image/png")
        assert r.status_code == 403 and r.json()["code"].startswith(
            "forbidden"
        )  # a deduction is the evaluator's
        assert (
            _upload(
                http, live.token(DISTRICT, Role.AUDITOR), deduction, PNG, "照片.png", "image/png"
            ).status_code
            == 403
        )
        stranger = live.token(OTHER, Role.EVALUATOR)
        assert _upload(http, stranger, deduction, PNG, "照片.png", "image/png").status_code == 404
        assert _blobs() == blobs  # refused before anything was stored
        made = _upload(http, preparer, entry, PNG, "回单.png", "image/png")
        assert made.status_code == 201, made.text
        download = made.json()["download"]
        assert http.get(download, headers=stranger).status_code == 404  # another bureau's: not revealed
        assert http.get(entry, headers=stranger).status_code == 404
        assert http.get(f"/api/v1/evidence/of/{targets['project']}", headers=stranger).status_code == 404
        assert http.post(f"{download}/remove", headers=stranger, json={"reason": "x"}).status_code == 404
        parent = live.token("360100", Role.EVALUATOR)
        assert http.post(f"{download}/remove", headers=parent, json={"reason": "x"}).status_code == 403
        assert _upload(http, evaluator, deduction, PNG, "照片.png", "image/png").status_code == 201
        dup = _upload(http, evaluator, deduction, PNG, "照片2.png", "image/png")
        assert dup.status_code == 422 and dup.json()["code"] == "evidence.duplicate"


def test_bad_input_is_a_chinese_4xx(live: Live, targets: dict[str, str]) -> None:
    unit = live.token(DISTRICT, Role.EVALUATOR, user="evaluator.360102")
    ev = targets["evaluation"]
    with live.client() as http:
        cases = [
            http.post(f"/api/v1/evidence/indicator/{ev}/1.1", headers=unit, json={"file": "x"}),
            http.post(
                f"/api/v1/evidence/indicator/{ev}/1.1",
                headers={**unit, "content-type": "multipart/form-data; boundary=zzz"},
                content=b"--zzz\r\nbroken",
            ),
            http.post(f"/api/v1/evidence/indicator/{ev}/1.1", headers=unit, files={"other": ("a.pdf", PDF)}),
            _upload(http, unit, f"/api/v1/evidence/kpi/{ev}/1.1", PDF, "a.pdf", "application/pdf"),
            _upload(http, unit, f"/api/v1/evidence/indicator/{ev}/9.9", PDF, "a.pdf", "application/pdf"),
            _upload(http, unit, f"/api/v1/evidence/finding/{ev}/1", PDF, "a.pdf", "application/pdf"),
            http.get(f"/api/v1/evidence/{ev}/files/f1", headers=unit),
            http.get("/api/v1/evidence/not-a-uuid/files/f1", headers=unit),
            http.post(f"/api/v1/evidence/{ev}/files/f1/remove", headers=unit, json={"why": 1}),
        ]
        for r in cases:
            assert 400 <= r.status_code < 500, (r.request.url, r.status_code, r.text)
            assert any("\u4e00" <= c <= "\u9fff" for c in r.json()["detail"]), r.text
        assert http.get(f"/api/v1/evidence/indicator/{ev}/1.1").status_code == 401


def test_the_size_limit_is_the_evidence_settings_not_the_1_mib_of_json(
    live: Live, targets: dict[str, str]
) -> None:
    unit = live.token(DISTRICT, Role.EVALUATOR, user="evaluator.360102")
    url = f"/api/v1/evidence/indicator/{targets['evaluation']}/1.1"
    with live.client() as http:
        big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
        r = _upload(http, unit, url, big, "扫描件.pdf", "application/pdf")
        assert r.status_code == 201, r.text
        events, blobs = live.events(), _blobs()
        too_big = b"%PDF-1.4\n" + b"1" * (20 * 1024 * 1024)
        r = _upload(http, unit, url, too_big, "太大.pdf", "application/pdf")
        assert r.status_code == 413 and r.json()["code"] == "evidence.too_large", r.text
        assert "20 MB" in r.json()["detail"]
        assert live.events() == events and _blobs() == blobs


def test_a_file_missing_from_the_store_is_a_410_naming_verify(live: Live, targets: dict[str, str]) -> None:
    unit = live.token(DISTRICT, Role.EVALUATOR, user="evaluator.360102")
    data = b"%PDF-1.4\n% soon gone\n%%EOF\n"
    with live.client() as http:
        made = _upload(
            http,
            unit,
            f"/api/v1/evidence/indicator/{targets['evaluation']}/1.1",
            data,
            "将丢失.pdf",
            "application/pdf",
        ).json()
        blob = EVIDENCE_DIR / made["sha256"][:2] / made["sha256"]
        blob.chmod(0o644)
        blob.write_bytes(data + b"% appended\n")  # altered: served as stored, with its real length
        altered = http.get(made["download"], headers=unit)
        assert altered.status_code == 200 and altered.content == data + b"% appended\n"
        blob.unlink()
        gone = http.get(made["download"], headers=unit)
        assert gone.status_code == 410 and "jixiao verify" in gone.json()["detail"]
