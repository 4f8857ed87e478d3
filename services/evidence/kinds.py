"""What an evidence file may be, and whether it is what it claims to be.

A file is accepted when (1) its name ends in one of the extensions below, (2) the content type
the client declared, if any, is one a browser sends for that extension, and (3) its bytes are
that kind of file: a PDF starts ``%PDF-``, a PNG with its eight-byte signature, a JPEG ``FF D8
FF``; .docx / .xlsx / .ofd are ZIP packages holding ``word/document.xml`` / ``xl/workbook.xml`` /
``OFD.xml``; .doc / .xls are OLE2 compound files naming a ``WordDocument`` / ``Workbook`` stream;
.txt / .csv are text (UTF-8 or GB18030, no NUL or other control bytes). Anything else is refused
(``Refused``, a Chinese message and a stable code) before it is stored.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")
ZIP = b"PK\x03\x04"
OCTET = "application/octet-stream"


class Refused(ValueError):
    def __init__(self, message: str, code: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class Kind:
    extension: str
    media_type: str  # what is stored in the event and sent back on download
    label: str
    accepted: tuple[str, ...] = ()  # other content types browsers declare for it


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS: dict[str, Kind] = {
    k.extension: k
    for k in (
        Kind("pdf", "application/pdf", "PDF", ("application/x-pdf",)),
        Kind("png", "image/png", "PNG 图片"),
        Kind("jpg", "image/jpeg", "JPEG 图片", ("image/pjpeg",)),
        Kind("jpeg", "image/jpeg", "JPEG 图片", ("image/pjpeg",)),
        Kind("docx", _DOCX, "Word 文档", ("application/zip",)),
        Kind("xlsx", _XLSX, "Excel 工作簿", ("application/zip",)),
        Kind("doc", "application/msword", "Word 97-2003 文档"),
        Kind("xls", "application/vnd.ms-excel", "Excel 97-2003 工作簿"),
        Kind("ofd", "application/ofd", "OFD 版式文件", ("application/zip",)),
        Kind("txt", "text/plain", "文本文件"),
        Kind("csv", "text/csv", "CSV 表格", ("text/plain", "application/vnd.ms-excel")),
    )
}
ALLOWED = "、".join(sorted({k.extension for k in KINDS.values()}))

# C0/C1 controls (tab, LF, CR too: a file name has no lines), bidirectional embeddings,
# overrides and isolates (the "invoice‮fdp.exe" trick), zero-width joiners, BOM
_BAD_NAME = {chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\u061c\ufeff"
)
MAX_NAME = 200


def display_name(raw: str) -> str:
    """The name shown for a file: the last path component of what the client sent, NFC; refused
    when it hides characters that change how it reads, or is empty or too long."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if any(ch in _BAD_NAME for ch in name):
        raise Refused("文件名含有控制字符或改变文字方向的字符，请改名后再上传", "evidence.name_hidden")
    if not name or name in (".", ".."):
        raise Refused("请提供文件名", "evidence.name_missing")
    if len(name) > MAX_NAME:
        raise Refused(f"文件名过长（最多 {MAX_NAME} 个字符）", "evidence.name_too_long")
    return name


def kind_of_name(name: str) -> Kind:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = KINDS.get(ext)
    if kind is None:
        raise Refused(f"不支持的文件类型「.{ext}」，可上传：{ALLOWED}", "evidence.type", 415)
    return kind


def check_declared(kind: Kind, declared: str | None) -> None:
    media = (declared or "").split(";", 1)[0].strip().lower()
    if media in ("", OCTET, kind.media_type, *kind.accepted):
        return
    raise Refused(
        f"文件扩展名为 .{kind.extension}，但声明的类型是 {media}：文件与其声称的类型不符",
        "evidence.mismatch",
        415,
    )


def _zip_names(path: Path) -> set[str]:
    try:
        with zipfile.ZipFile(path) as z:
            return set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()


def _ole_streams(path: Path) -> bytes:
    return path.read_bytes()  # the directory may sit anywhere; files are bounded by the size limit


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(unicodedata.category(c) == "Cc" and c not in "\t\r\n\x0c" for c in text)
    return False


def _matches(kind: Kind, path: Path) -> bool:
    with path.open("rb") as f:
        head = f.read(8)
    ext = kind.extension
    if ext == "pdf":
        return head.startswith(b"%PDF-")
    if ext == "png":
        return head == b"\x89PNG\r\n\x1a\n"
    if ext in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext in ("docx", "xlsx", "ofd"):
        if not head.startswith(ZIP):
            return False
        need = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}[ext]
        return need in _zip_names(path)
    if ext in ("doc", "xls"):
        if not head.startswith(OLE2):
            return False
        stream = ("WordDocument" if ext == "doc" else "Workbook").encode("utf-16-le")
        return stream in _ole_streams(path) or (
            ext == "xls" and "Book".encode("utf-16-le") in _ole_streams(path)
        )
    if ext in ("txt", "csv"):
        with path.open("rb") as f:
            data = f.read()
        return _is_text(data)
    return False


def check_content(kind: Kind, path: Path) -> None:
    """Refuse a file whose bytes are not the kind its name claims."""
    if path.stat().st_size == 0:
        raise Refused("文件为空", "evidence.empty")
    if not _matches(kind, path):
        raise Refused(
            f"文件内容不是{kind.label}（.{kind.extension}）：文件与其声称的类型不符，未保存",
            "evidence.mismatch",
            415,
        )
