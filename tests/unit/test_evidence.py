"""佐证材料: files checked by their bytes, names kept as display names only, and the commands
that record them on the in-memory event log."""

from __future__ import annotations

import asyncio
import datetime
import io
import zipfile
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import pytest

from domain.errors import DomainError, NotFound
from domain.evidence import EvidenceFile, EvidenceTarget, TargetKind
from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import Manual
from domain.tenants import Role, TenantLevel
from services.app.application import JixiaoApplication
from services.app.commands.inputs import RecordEntry
from services.app.errors import Forbidden
from services.app.evidence import Stored
from services.compose import build_in_memory
from services.evidence.intake import Limits, accept, receive
from services.evidence.kinds import Refused, display_name
from services.evidence.memory import MemoryObjects
from tests.support import deduct, define, evaluation, events_of, project, register, staff

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return out.getvalue()


def _ole(stream: str) -> bytes:
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100 + stream.encode("utf-16-le") + b"\x00" * 100


async def _chunks(data: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i : i + size]


def _offer(
    data: bytes, name: str, declared: str | None = None, limit: int = 1 << 20
) -> tuple[MemoryObjects, object]:
    store = MemoryObjects()
    path, sha, size = asyncio.run(receive(_chunks(data), Limits(limit)))
    try:
        return store, accept(store, path, sha, size, name, declared)
    finally:
        path.unlink(missing_ok=True)


GOOD = [
    (PDF, "评分依据.pdf", "application/pdf"),
    (PNG, "现场照片.png", "image/png"),
    (JPG, "现场照片.JPG", "image/jpeg"),
    (_zip("[Content_Types].xml", "word/document.xml"), "访谈记录.docx", None),
    (_zip("[Content_Types].xml", "xl/workbook.xml"), "台账.xlsx", "application/octet-stream"),
    (_zip("OFD.xml", "Doc_0/Document.xml"), "电子发票.ofd", None),
    (_ole("WordDocument"), "旧文档.doc", "application/msword"),
    (_ole("Workbook"), "旧表格.xls", "application/vnd.ms-excel"),
    ("说明：已到位\n".encode(), "说明.txt", "text/plain"),
    ("科目,金额\n医保,100\n".encode("gb18030"), "明细.csv", "text/csv"),
]


@pytest.mark.parametrize(("data", "name", "declared"), GOOD)
def test_a_file_that_is_what_it_claims_is_stored_under_its_hash(
    data: bytes, name: str, declared: str | None
) -> None:
    store, accepted = _offer(data, name, declared)
    assert list(store.blobs) == [accepted.sha256]  # type: ignore[attr-defined]
    assert store.blobs[accepted.sha256] == data  # type: ignore[attr-defined]
    assert accepted.size == len(data)  # type: ignore[attr-defined]


LYING = [
    (b"MZ\x90\x00 an executable", "报告.pdf", None, "evidence.mismatch"),
    (PNG, "报告.pdf", "application/pdf", "evidence.mismatch"),
    (PDF, "照片.png", None, "evidence.mismatch"),
    (_zip("xl/workbook.xml"), "文档.docx", None, "evidence.mismatch"),  # an xlsx renamed
    (_zip("word/document.xml"), "发票.ofd", None, "evidence.mismatch"),
    (_ole("Workbook"), "文档.doc", None, "evidence.mismatch"),
    (b"\x00\x01\x02binary", "说明.txt", None, "evidence.mismatch"),
    (PDF, "报告.pdf", "image/png", "evidence.mismatch"),  # declared otherwise
    (PDF, "程序.exe", None, "evidence.type"),
    (PDF, "无扩展名", None, "evidence.type"),
    (b"", "空.pdf", None, "evidence.empty"),
    (PDF, "invoice\u202efdp.exe.pdf", None, "evidence.name_hidden"),
    (PDF, "a\nb.pdf", None, "evidence.name_hidden"),
    (PDF, "x" * 300 + ".pdf", None, "evidence.name_too_long"),
]


@pytest.mark.parametrize(("data", "name", "declared", "code"), LYING)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    data: bytes, name: str, declared: str | None, code: str
) -> None:
    store = MemoryObjects()
    path, sha, size = asyncio.run(receive(_chunks(data), Limits(1 << 20)))
    try:
        with pytest.raises(Refused) as refused:
            accept(store, path, sha, size, name, declared)
    finally:
        path.unlink(missing_ok=True)
    assert refused.value.code == code
    assert store.blobs == {}
    assert any("\u4e00" <= c <= "\u9fff" for c in str(refused.value))  # said in Chinese


def test_the_size_limit_is_enforced_while_reading_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("evidence-*.upload"))
    with pytest.raises(Refused) as refused:
        asyncio.run(receive(_chunks(PDF + b"x" * 5000), Limits(4096)))
    assert refused.value.status == 413
    assert set(Path(tempfile.gettempdir()).glob("evidence-*.upload")) == before


def test_names_are_display_names_only() -> None:
    assert display_name("C:\\Users\\x\\评分依据.pdf") == "评分依据.pdf"
    assert display_name("../../etc/passwd.txt") == "passwd.txt"
    assert display_name("  说明.txt ") == "说明.txt"
    with pytest.raises(Refused):
        display_name("../")


# ---- the commands ----------------------------------------------------------------------------
COUNTY = staff("341182", "county", cid="c-county")
PREPARER = staff("341182", "prep", Role.PREPARER)
AUDITOR = staff("341182", "audit", Role.AUDITOR)
SIBLING = staff("341181", "sibling")
CITY = staff("341100", "city")
FILE = Stored("ab" * 32, 1234, "application/pdf", "依据.pdf")


@pytest.fixture
def app() -> JixiaoApplication:
    a = build_in_memory()
    register(a, "340000", "安徽省医疗保障局", TenantLevel.PROVINCE)
    register(a, "341100", "滁州市医疗保障局", TenantLevel.MUNICIPAL, "340000")
    register(a, "341182", "明光市医疗保障局", TenantLevel.COUNTY, "341100")
    register(a, "341181", "天长市医疗保障局", TenantLevel.COUNTY, "341100")
    return a


def _evaluated(app: JixiaoApplication) -> tuple[object, object]:
    p = project(app, COUNTY, "P1", "项目", 2024)
    e = evaluation(app, COUNTY, p.id)
    define(
        app,
        COUNTY,
        e.id,
        IndicatorSpec("1", "总", Decimal(100)),
        IndicatorSpec("1.1", "规范", Decimal(100), parent="1", rule=Manual()),
    )
    deduct(app, COUNTY, e.id, "d1", "1.1", "2", "资料不全")
    return p, e


def test_attaching_and_detaching_are_events_with_the_hash(app: JixiaoApplication) -> None:
    _, e = _evaluated(app)
    target = EvidenceTarget(TargetKind.INDICATOR, e.id, "1.1")  # type: ignore[attr-defined]
    evidence, aid = app.attach_evidence(COUNTY, target, FILE, "评分依据")
    assert aid == "f1"
    second = Stored("cd" * 32, 10, "image/png", "照片.png")
    evidence, aid2 = app.attach_evidence(PREPARER, target, second)
    assert [a.name for a in evidence.attached()] == ["依据.pdf", "照片.png"]
    with pytest.raises(DomainError, match="同一文件"):
        app.attach_evidence(COUNTY, target, FILE)
    with pytest.raises(DomainError, match="原因"):
        app.detach_evidence(COUNTY, evidence.id, aid, " ")
    evidence = app.detach_evidence(COUNTY, evidence.id, aid, "上传错了")
    assert [a.attachment_id for a in evidence.attached()] == [aid2]
    stored = events_of(app, evidence.id)
    assert [type(x).__name__ for x in stored] == ["Opened", "Attached", "Attached", "Detached"]
    attached = stored[1]
    assert isinstance(attached, EvidenceFile.Attached)
    assert attached.sha256 == FILE.sha256 and attached.target == target
    assert attached.meta.actor_id == "county" and attached.meta.reason == "评分依据"
    assert attached.meta.correlation_id == "c-county"
    assert stored[3].meta.reason == "上传错了"  # type: ignore[attr-defined]


def test_who_may_attach_is_who_may_edit_the_thing(app: JixiaoApplication) -> None:
    _, e = _evaluated(app)
    deduction = EvidenceTarget(TargetKind.DEDUCTION, e.id, "d1")  # type: ignore[attr-defined]
    with pytest.raises(Forbidden):  # a deduction is the evaluator's
        app.attach_evidence(PREPARER, deduction, FILE)
    app.attach_evidence(COUNTY, deduction, FILE)
    with pytest.raises(Forbidden):
        app.attach_evidence(AUDITOR, deduction, Stored("cd" * 32, 1, "image/png", "x.png"))
    with pytest.raises(NotFound):  # another bureau's: not revealed
        app.attach_evidence(SIBLING, deduction, Stored("cd" * 32, 1, "image/png", "x.png"))
    with pytest.raises(Forbidden):  # the parent bureau reads a self-evaluation, never writes it
        app.attach_evidence(CITY, deduction, Stored("cd" * 32, 1, "image/png", "x.png"))
    assert app.evidence_of(CITY, deduction) is not None
    with pytest.raises(NotFound):
        app.evidence_of(SIBLING, deduction)
    with pytest.raises(NotFound, match="没有此扣分"):
        app.attach_evidence(COUNTY, EvidenceTarget(TargetKind.DEDUCTION, e.id, "d9"), FILE)  # type: ignore[attr-defined]


def test_evidence_on_a_ledger_entry(app: JixiaoApplication) -> None:
    p = project(app, COUNTY, "P2", "项目", 2024)
    done = app.record_entry(
        COUNTY,
        p.id,
        RecordEntry(EntryKind.RECEIVED, FundingSource.CURRENT, Decimal("100.00"), datetime.date(2024, 3, 1)),
    )
    target = EvidenceTarget(TargetKind.LEDGER_ENTRY, p.id, done.result.entry_id)
    app.attach_evidence(PREPARER, target, FILE)
    assert app.evidence_of(AUDITOR, target) is not None
    with pytest.raises(Forbidden):
        app.attach_evidence(CITY, target, Stored("cd" * 32, 1, "image/png", "x.png"))
    with pytest.raises(NotFound):  # a project is not a 整改
        app.attach_evidence(COUNTY, EvidenceTarget(TargetKind.FINDING, p.id, "F1"), FILE)


def test_a_download_is_named_with_the_display_name() -> None:
    from services.api.evidence import content_disposition

    header = content_disposition('评分 "依据".pdf')
    assert header.startswith('attachment; filename="')
    assert '"' not in header.split('filename="', 1)[1].split('";', 1)[0]
    assert header.endswith("filename*=UTF-8''%E8%AF%84%E5%88%86%20%22%E4%BE%9D%E6%8D%AE%22.pdf")


def test_the_demo_attaches_its_files_once() -> None:
    from pathlib import Path as P

    from services.commands.demo import seed_demo
    from services.commands.demo_evidence import seed_evidence
    from tests.support import quick_accounts

    a = build_in_memory()
    seed_demo(a, P(__file__).resolve().parents[2] / "reports", quick_accounts(a))
    store = MemoryObjects()
    first = seed_evidence(a, store)
    assert first >= 2 and len(store.blobs) == first  # an indicator and a ledger entry at least
    assert seed_evidence(a, store) == 0  # run again (jixiao up a second time): nothing new


def test_evidence_of_a_finding_and_of_the_units_measures(app: JixiaoApplication) -> None:
    """The demanding bureau backs its finding; the evaluated bureau backs its 整改 measures."""
    from domain.rectification import SourceKind
    from services.app.commands.cycle_inputs import OpenRectification, RecordFinding
    from tests.support import finalized_evaluation

    city = staff("341100", "city", Role.EVALUATOR, Role.REVIEWER)
    p = project(app, COUNTY, "P9", "宣传", 2024)
    ev = finalized_evaluation(app, city, p.id)
    r = app.open_rectification(city, OpenRectification(SourceKind.EVALUATION, ev.id))
    f1 = app.record_finding(city, r.id, RecordFinding("宣传覆盖不足", ["1.1"])).result
    finding = EvidenceTarget(TargetKind.FINDING, r.id, f1)
    measures = EvidenceTarget(TargetKind.RECTIFICATION, r.id, f1)
    app.attach_evidence(city, finding, FILE, "现场检查记录")
    with pytest.raises(Forbidden):  # the evaluated bureau does not write the demander's finding
        app.attach_evidence(COUNTY, finding, Stored("cd" * 32, 1, "image/png", "x.png"))
    app.attach_evidence(PREPARER, measures, Stored("cd" * 32, 1, "image/png", "宣传点照片.png"), "整改到位")
    with pytest.raises(Forbidden):  # … nor the demander the unit's answer
        app.attach_evidence(city, measures, Stored("ef" * 32, 1, "image/png", "y.png"))
    with pytest.raises(NotFound, match="没有此问题"):
        app.attach_evidence(city, EvidenceTarget(TargetKind.FINDING, r.id, "F9"), FILE)
    assert app.evidence_of(AUDITOR, measures) is not None
    with pytest.raises(NotFound):
        app.evidence_of(SIBLING, finding)
