"""Reading evaluation files: YAML or JSON, numbers as Decimal, errors that name the place.

A file is the user's input, so everything about it is bounded and every refusal is one Chinese
line (``FileFormatError``), never a traceback: at most ``MAX_BYTES``, UTF-8 text without NUL
bytes, no YAML anchors or aliases (an "alias bomb" expands a few lines into gigabytes), nesting
at most ``MAX_DEPTH`` deep, numbers plain and finite (no ``.nan``/``.inf``, no full-width digits,
nothing beyond 15 integer digits or 6 places). Reading is linear in the file's size.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import yaml

from domain.base import check_numbers
from domain.errors import DomainError
from services.files.format import FORMAT, IndicatorDoc, ReportDoc


class FileFormatError(DomainError):
    code = "file.invalid"


MAX_BYTES = 2 * 1024 * 1024  # an evaluation file is tens of kilobytes; the largest report, 40 KB
MAX_DEPTH = 32
_PLAIN = re.compile(r"^[-+]?[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?$")
_NUMERIC = re.compile(r"^[-+.]*\d[\d.,]*$")


class _Refused(yaml.YAMLError):
    """A limit of ours, raised from inside the YAML parser."""


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal (money and scores never pass through binary floats),
    refuses aliases and counts nesting as it composes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise _Refused("不接受 YAML 锚点与别名（& 与 *），请直接写出内容")
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise _Refused(f"嵌套超过 {MAX_DEPTH} 层")
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    value = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    if not _PLAIN.match(value):
        raise _Refused(f"数值「{value[:40]}」不是有限的十进制数")
    return Decimal(value)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def parse_text(text: str, name: str = "<文件>") -> Any:
    if "\x00" in text:
        raise FileFormatError(f"{name} 含有空字符，不是文本文件", code="file.binary")
    try:
        return yaml.load(text, Loader=_DecimalLoader)
    except _Refused as e:
        raise FileFormatError(f"{name}：{e}", code="file.limit") from None
    except yaml.YAMLError as e:
        where = getattr(e, "problem_mark", None)
        place = f"（第 {where.line + 1} 行第 {where.column + 1} 列）" if where is not None else ""
        problem = getattr(e, "problem", None) or "语法错误"
        raise FileFormatError(f"{name} 不是有效的 YAML/JSON{place}：{problem}", code="file.syntax") from None


def load_report(path: Path) -> ReportDoc:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FileFormatError(
                f"{path} 有 {size / 1048576:.1f} MB，超过评价文件的上限 {MAX_BYTES // 1048576} MB",
                code="file.too_large",
            )
        raw = path.read_bytes()
    except OSError as e:
        raise FileFormatError(f"无法读取文件 {path}：{e.strerror}", code="file.unreadable") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FileFormatError(f"{path} 不是 UTF-8 编码的文本文件", code="file.binary") from None
    return decode_report(parse_text(text, str(path)), str(path))


def decode_report(data: Any, name: str = "<文件>") -> ReportDoc:
    if not isinstance(data, dict):
        raise FileFormatError(f"{name} 顶层必须是对象（project、ledger、evaluation、indicators）")
    if data.get("format", FORMAT) != FORMAT:
        raise FileFormatError(
            f"{name} 的格式「{data.get('format')}」不受支持，应为 {FORMAT}", code="file.version"
        )
    _ascii_numbers(data, name)
    try:
        report = msgspec.convert(_texts(data), ReportDoc, strict=False)
    except msgspec.ValidationError as e:
        raise FileFormatError(f"{name} 内容不符合格式：{_where(e)}", code="file.schema") from None
    try:
        check_numbers(report)
    except DomainError as e:
        raise FileFormatError(f"{name}：{e.message}", code="file.number") from None
    return report


def _ascii_numbers(data: Any, name: str) -> None:
    """A number written with full-width or other non-ASCII digits (３, ٣) is refused, not read as 3."""
    if isinstance(data, dict):
        for value in data.values():
            _ascii_numbers(value, name)
    elif isinstance(data, list):
        for value in data:
            _ascii_numbers(value, name)
    elif isinstance(data, str) and not data.isascii() and _NUMERIC.match(data.strip()):
        raise FileFormatError(f"{name}：数字「{data[:20]}」请使用半角数字（0–9）", code="file.number")


def decode_indicators(data: Any, name: str) -> list[IndicatorDoc]:
    try:
        return msgspec.convert(_texts(data), list[IndicatorDoc], strict=False)
    except msgspec.ValidationError as e:
        raise FileFormatError(f"{name} 内容不符合格式：{_where(e)}", code="file.schema") from None


TEXT_FIELDS = frozenset(
    {"amount", "initial", "annual", "received", "spent", "target", "actual", "code", "parent"}
)


def _texts(data: Any, key: str = "") -> Any:
    """Fields written as reports write them (``666万元``, ``≥95%``) may also be plain numbers: keep as text."""
    if isinstance(data, dict):
        return {k: _texts(v, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_texts(v, key) for v in data]
    if key in TEXT_FIELDS and isinstance(data, int | Decimal) and not isinstance(data, bool):
        return str(data)
    return data


def _where(e: msgspec.ValidationError) -> str:
    """msgspec says ``... - at `$.indicators[0].weight```; keep that path, it names the row."""
    return str(e).replace("Expected", "应为").replace("Object contains unknown field", "未知字段")
