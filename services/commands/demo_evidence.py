"""The demo's 佐证材料: files made here (a small PDF, a text and a CSV) stored in the configured
object store and attached to the first imported evaluation's first scored indicator, its first
active deduction and its project's first ledger entry — through the same intake and command as
an upload. Run once: a target that has evidence already is left alone."""

from __future__ import annotations

import tempfile
from pathlib import Path

from domain.errors import DomainError
from domain.evaluation import Evaluation
from domain.evidence import EvidenceTarget, TargetKind, evidence_id
from domain.ledger import Project
from services.app.application import JixiaoApplication
from services.app.evidence import Stored
from services.commands.imports import operator
from services.evidence.intake import accept
from services.evidence.port import ObjectStore, sha256_of

STARTED = "domain.evaluation:Evaluation.Started"


def tiny_pdf(text: str) -> bytes:
    """A one-page PDF saying ``text`` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _first_evaluation(app: JixiaoApplication) -> Evaluation | None:
    after = 0
    while rows := app.log.read(after, 2000):
        for position, oid, _, topic, _ in rows:
            if topic == STARTED:
                return app.load(Evaluation, oid)
            after = position
    return None


def seed_evidence(app: JixiaoApplication, store: ObjectStore) -> int:
    """Attach the demo's files; returns how many were attached now."""
    e = _first_evaluation(app)
    if e is None:
        return 0
    project = app.load(Project, e.project_id)
    leaf = next((k for k, n in e.nodes.items() if n.spec.rule is not None), None)
    deduction = next((d for d, x in e.deductions.items() if x.active), None)
    entry = project.entries[0].entry_id if project.entries else None
    files = [
        (
            TargetKind.INDICATOR,
            e.id,
            leaf,
            "会议纪要.txt",
            "项目评审会议纪要（演示）\n参会单位：医疗保障局、财政局\n".encode(),
        ),
        (
            TargetKind.DEDUCTION,
            e.id,
            deduction,
            "扣分依据.pdf",
            tiny_pdf("jixiao demo evidence: deduction basis"),
        ),
        (
            TargetKind.LEDGER_ENTRY,
            project.id,
            entry,
            "资金到位明细.csv",
            "日期,金额（元）\n2022-03-01,100000.00\n".encode(),
        ),
    ]
    caller = operator(e.tenant, "demo")
    attached = 0
    with tempfile.TemporaryDirectory(prefix="jixiao-demo-evidence-") as folder:
        for kind, owner, key, name, data in files:
            if key is None:
                continue
            target = EvidenceTarget(kind, owner, key)
            if app.log.current_version(evidence_id(e.tenant, target)) is not None:
                continue
            path = Path(folder) / "upload"
            path.write_bytes(data)
            sha = sha256_of(path)
            a = accept(store, path, sha, len(data), name, None)
            try:
                app.attach_evidence(
                    caller, target, Stored(a.sha256, a.size, a.media_type, a.name), "演示数据"
                )
            except DomainError:
                continue
            attached += 1
    return attached
