"""HTTP: 佐证材料 — upload a file and attach it to an indicator, a deduction, a ledger entry, a
finding or the unit's 整改 measures; list a target's files (or all of an evaluation's, a
project's or a 整改's); download one; remove one with
a reason.

The order of an upload is the design (``services/evidence/intake.py``): the multipart body is
streamed into a temporary file with the size limit enforced while reading and the SHA-256
computed on the way; the name and the bytes are checked; the blob is stored; only then does the
command append the event carrying the hash. A refused file stores nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from anyio import to_thread
from litestar import Controller, Litestar, Request, Response, get, post
from litestar.openapi.spec import OpenAPIFormat, OpenAPIMediaType, OpenAPIType, RequestBody, Schema
from litestar.response import Stream
from multipart import (  # type: ignore[import-untyped]
    MultipartError,
    MultipartSegment,
    PushMultipartParser,
    parse_options_header,
)

from domain.errors import NotFound
from domain.evaluation import Evaluation
from domain.evidence import KIND_LABEL, Attachment, EvidenceFile, EvidenceTarget, TargetKind
from domain.ledger import Project
from domain.rectification import Rectification
from projections.audit.queries import Change, timeline
from projections.evidence.queries import EvidenceRow, evidence_of_owner
from services.api.plumbing import Platform, allowed, parse_as_of, platform_of, read_models
from services.api.plumbing import attachment as content_disposition
from services.api.problems import Problem
from services.app.commands.inputs import WithReason
from services.app.commands.spec import target_of
from services.app.evidence import Stored
from services.app.policy import Caller, Target
from services.evidence.config import Evidence
from services.evidence.intake import Receiver, accept
from services.evidence.kinds import ALLOWED, Refused
from services.evidence.port import BlobMissing

MAX_NOTE = 500
_OVERHEAD = 64 * 1024  # the multipart envelope around the file: boundaries, headers, the note
_TEXT = frozenset("\t\n\r")


def _evidence(platform: Platform) -> Evidence:
    if platform.evidence is None:
        raise Problem(503, "佐证材料存储未配置", "evidence.unavailable")
    return platform.evidence


def _kind(kind: str) -> TargetKind:
    try:
        return TargetKind(kind)
    except ValueError:
        names = "、".join(f"{k.value}（{KIND_LABEL[k]}）" for k in TargetKind)
        raise Problem(400, f"不支持的附加对象「{kind}」，可选：{names}", "evidence.kind") from None


def _target(kind: str, owner: UUID, key: str) -> EvidenceTarget:
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise Problem(400, "附加对象的编号无效", "evidence.key")
    return EvidenceTarget(_kind(kind), owner, key)


def attachment_view(evidence: EvidenceFile | None, a: Attachment) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(a)
    out["evidence_id"] = str(evidence.id) if evidence is not None else None
    out["download"] = f"/api/v1/evidence/{out['evidence_id']}/files/{a.attachment_id}"
    return out


def _listing(evidence: EvidenceFile | None, target: EvidenceTarget, removed: bool) -> dict[str, Any]:
    files = [] if evidence is None else list(evidence.attachments.values())
    return {
        "evidence_id": None if evidence is None else str(evidence.id),
        "target": msgspec.to_builtins(target),
        "files": [attachment_view(evidence, a) for a in files if removed or not a.detached],
        "version": 0 if evidence is None else evidence.version,
    }


def _row_view(r: EvidenceRow) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(r)
    out["download"] = f"/api/v1/evidence/{r.evidence_id}/files/{r.attachment_id}"
    return out


def _owner_target(app: Any, owner: UUID) -> Target:
    """What holds evidence under ``owner``: an evaluation, a project or a 整改."""
    for cls in (Evaluation, Project, Rectification):
        try:
            found = app.load(cls, owner)
        except NotFound:
            continue
        return Target(found.tenant) if cls is Project else target_of(found)
    raise NotFound("佐证材料所附的对象不存在", code="not_found")


async def _receive_multipart(
    request: Request[Any, Any, Any], evidence: Evidence
) -> tuple[Receiver, str, str | None, str]:
    """The body's ``file`` part into a temporary file, and the optional ``note``: (receiver,
    the file's name, its declared content type, the note). The caller discards the receiver."""
    media, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get("boundary")
    if media != "multipart/form-data" or not boundary:
        raise Problem(415, "请以 multipart/form-data 上传文件（字段 file，可选 note）", "evidence.multipart")
    limit = evidence.limits.max_bytes + _OVERHEAD
    declared_length = request.headers.get("content-length")
    if declared_length and declared_length.isdigit() and int(declared_length) > limit:
        raise Refused(f"文件超过大小限制（{evidence.limits.label}），未保存", "evidence.too_large", 413)
    receiver = Receiver(evidence.limits)
    filename: str | None = None
    declared: str | None = None
    note = bytearray()
    part: str | None = None
    total = 0
    try:
        with PushMultipartParser(boundary, max_segment_count=8, strict=False) as parser:
            async for chunk in request.stream():
                total += len(chunk)
                if total > limit:
                    raise Refused(
                        f"文件超过大小限制（{evidence.limits.label}），未保存", "evidence.too_large", 413
                    )
                for event in parser.parse(chunk):
                    if isinstance(event, MultipartSegment):
                        part = event.name
                        if part == "file":
                            if filename is not None:
                                raise Problem(400, "一次只能上传一个文件", "evidence.one_file")
                            filename = event.filename or ""
                            declared = event.content_type
                    elif event is None:
                        part = None
                    elif part == "file":
                        receiver.feed(event)
                    elif part == "note":
                        note += event
                        if len(note) > MAX_NOTE * 4:
                            raise Problem(400, f"说明过长（最多 {MAX_NOTE} 个字符）", "evidence.note")
            parser.parse(b"")
            if not parser.closed:
                raise Problem(400, "上传内容不完整", "evidence.multipart")
    except MultipartError:
        receiver.discard()
        raise Problem(400, "上传内容不是有效的 multipart/form-data", "evidence.multipart") from None
    except BaseException:
        receiver.discard()
        raise
    if filename is None:
        receiver.discard()
        raise Problem(400, "请在字段 file 中上传文件", "evidence.file_missing")
    try:
        text = note.decode("utf-8").strip()
    except UnicodeDecodeError:
        receiver.discard()
        raise Problem(400, "说明应为 UTF-8 文本", "evidence.note") from None
    if len(text) > MAX_NOTE or any(not c.isprintable() and c not in _TEXT for c in text):
        receiver.discard()
        raise Problem(400, f"说明过长或含有控制字符（最多 {MAX_NOTE} 个字符）", "evidence.note")
    return receiver, filename, declared, text


class EvidenceController(Controller):
    path = "/api/v1"
    tags = ["佐证材料"]  # noqa: RUF012

    @post(
        "/evidence/{kind:str}/{owner:uuid}/{key:str}",
        summary="上传佐证材料并附于指标、扣分、台账记录、问题或整改情况（multipart：file，可选 note）",
        status_code=201,
        guards=[allowed("evidence.attach")],
        request_max_body_size=None,  # streamed and limited by the evidence settings, not the 1 MiB
    )
    async def upload(
        self, request: Request[Any, Any, Any], caller: Caller, kind: str, owner: UUID, key: str
    ) -> Response[Any]:
        platform = platform_of(request)
        evidence = _evidence(platform)
        target = _target(kind, owner, key)
        try:
            receiver, filename, declared, note = await _receive_multipart(request, evidence)
        except Refused as e:
            raise Problem(e.status, str(e), e.code) from None
        try:
            sha256 = receiver.finish()

            def run() -> dict[str, Any]:
                platform.app.may_attach(caller, target)  # refused before any blob is stored
                accepted = accept(evidence.store, receiver.path, sha256, receiver.size, filename, declared)
                stored = Stored(accepted.sha256, accepted.size, accepted.media_type, accepted.name)
                e, attachment = platform.app.attach_evidence(caller, target, stored, note)
                out = attachment_view(e, e.attachments[attachment])
                out["version"] = e.version
                return out

            try:
                body = await to_thread.run_sync(run)
            except Refused as e:
                raise Problem(e.status, str(e), e.code) from None
        finally:
            receiver.discard()
        return Response(content=body, status_code=201, headers={"ETag": f'"{body["version"]}"'})

    @get(
        "/evidence/{kind:str}/{owner:uuid}/{key:str}",
        summary="某指标、扣分、台账记录、问题或整改情况的佐证材料（removed=true 含已移除的；version 或 as_of 回溯）",
        guards=[allowed("evidence.read")],
    )
    async def list_target(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        kind: str,
        owner: UUID,
        key: str,
        removed: bool = False,
        version: int | None = None,
        as_of: str | None = None,
    ) -> dict[str, Any]:
        app = platform_of(request).app
        target = _target(kind, owner, key)
        at = parse_as_of(as_of)
        if version is not None and (at is not None or version < 1):
            raise Problem(400, "version 应为正整数，且不能与 as_of 同时指定", "as_of.ambiguous")

        def run() -> dict[str, Any]:
            return _listing(app.evidence_of(caller, target, version, at), target, removed)

        return await to_thread.run_sync(run)

    @get(
        "/evidence/of/{owner:uuid}",
        summary="一个评价、项目或整改要求的全部佐证材料",
        guards=[allowed("evidence.read")],
    )
    async def list_owner(
        self, request: Request[Any, Any, Any], caller: Caller, owner: UUID, removed: bool = False
    ) -> dict[str, Any]:
        platform = platform_of(request)
        app = platform.app

        def run() -> dict[str, Any]:
            found = _owner_target(app, owner)
            app.authorize(caller, "evidence.read", found)
            rows = read_models(
                platform, caller, lambda conn: evidence_of_owner(conn, owner, removed=removed), [found.tenant]
            )
            return {"owner": str(owner), "files": [_row_view(r) for r in rows]}

        return await to_thread.run_sync(run)

    @get(
        "/evidence/{evidence_id:uuid}/files/{attachment_id:str}",
        summary="下载佐证材料（原文件名、原类型）",
        guards=[allowed("evidence.read")],
    )
    async def download(
        self, request: Request[Any, Any, Any], caller: Caller, evidence_id: UUID, attachment_id: str
    ) -> Stream:
        platform = platform_of(request)
        store = _evidence(platform).store

        def run() -> tuple[Attachment, int, Any]:
            e = platform.app.read_evidence(caller, evidence_id)
            a = e.attachments.get(attachment_id)
            if a is None:
                raise NotFound("佐证材料不存在", code="evidence.not_found")
            try:  # the length of what is stored (jixiao verify is what compares it with the event)
                return a, store.size(a.sha256), store.read(a.sha256)
            except BlobMissing:
                raise Problem(
                    410, "佐证材料的文件在存储中缺失，请联系管理员运行 jixiao verify", "evidence.blob_missing"
                ) from None

        a, length, chunks = await to_thread.run_sync(run)
        return Stream(
            chunks,
            media_type=a.media_type,
            headers={
                "Content-Disposition": content_disposition(a.name),
                "X-Content-Type-Options": "nosniff",
                "Content-Length": str(length),
                "Cache-Control": "private, no-store",
                "Content-Security-Policy": "sandbox",
                "ETag": f'"{a.sha256}"',
            },
        )

    @get(
        "/evidence/{evidence_id:uuid}/history",
        summary="佐证材料的变更记录（谁在何时附上、移除，原因）",
        guards=[allowed("evidence.history")],
    )
    async def history(
        self, request: Request[Any, Any, Any], caller: Caller, evidence_id: UUID
    ) -> list[Change]:
        platform = platform_of(request)

        def run() -> list[Change]:
            e = platform.app.read_evidence(caller, evidence_id, action="evidence.history")
            return read_models(platform, caller, lambda c: timeline(c, evidence_id), [e.tenant])

        return await to_thread.run_sync(run)

    @post(
        "/evidence/{evidence_id:uuid}/files/{attachment_id:str}/remove",
        summary="移除佐证材料（须说明原因；文件保留，历史可查）",
        status_code=200,
        guards=[allowed("evidence.detach")],
    )
    async def remove(
        self,
        request: Request[Any, Any, Any],
        caller: Caller,
        evidence_id: UUID,
        attachment_id: str,
        data: WithReason,
    ) -> dict[str, Any]:
        app = platform_of(request).app

        def run() -> dict[str, Any]:
            e = app.detach_evidence(caller, evidence_id, attachment_id, data.reason)
            return {"evidence_id": str(e.id), "attachment_id": attachment_id, "version": e.version}

        return await to_thread.run_sync(run)


UPLOAD_PATH = "/api/v1/evidence/{kind}/{owner}/{key}"


def document_upload(api: Litestar) -> None:
    """The upload's multipart body in the OpenAPI document (the handler reads the stream itself,
    so Litestar cannot describe it): a ``file`` and an optional ``note``."""
    item = (api.openapi_schema.paths or {}).get(UPLOAD_PATH)
    operation = item.post if item is not None else None
    if operation is None:
        return
    operation.request_body = RequestBody(
        required=True,
        description=f"一个文件（可上传：{ALLOWED}；大小上限见 JIXIAO_EVIDENCE_MAX_MB，默认 20 MB）",
        content={
            "multipart/form-data": OpenAPIMediaType(
                schema=Schema(
                    type=OpenAPIType.OBJECT,
                    required=["file"],
                    properties={
                        "file": Schema(type=OpenAPIType.STRING, format=OpenAPIFormat.BINARY),
                        "note": Schema(
                            type=OpenAPIType.STRING, max_length=MAX_NOTE, description="说明（可选）"
                        ),
                    },
                )
            )
        },
    )
