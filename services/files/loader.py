"""Reading evaluation files: YAML or JSON, numbers as Decimal, errors that name the place."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import yaml

from domain.errors import DomainError
from services.files.format import FORMAT, IndicatorDoc, ReportDoc


class FileFormatError(DomainError):
    code = "file.invalid"


class _DecimalLoader(yaml.SafeLoader):
    """SafeLoader that reads floats as Decimal (money and scores never pass through binary floats)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    value = loader.construct_scalar(node)  # type: ignore[arg-type]
    return Decimal(str(value).replace("_", ""))


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def parse_text(text: str, name: str = "<文件>") -> Any:
    try:
        return yaml.load(text, Loader=_DecimalLoader)
    except yaml.YAMLError as e:
        raise FileFormatError(f"{name} 不是有效的 YAML/JSON：{e}", code="file.syntax") from None


def load_report(path: Path) -> ReportDoc:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise FileFormatError(f"无法读取文件 {path}：{e.strerror}", code="file.unreadable") from None
    return decode_report(parse_text(text, str(path)), str(path))


def decode_report(data: Any, name: str = "<文件>") -> ReportDoc:
    if not isinstance(data, dict):
        raise FileFormatError(f"{name} 顶层必须是对象（project、ledger、evaluation、indicators）")
    if data.get("format", FORMAT) != FORMAT:
        raise FileFormatError(
            f"{name} 的格式「{data.get('format')}」不受支持，应为 {FORMAT}", code="file.version"
        )
    try:
        return msgspec.convert(_texts(data), ReportDoc, strict=False)
    except msgspec.ValidationError as e:
        raise FileFormatError(f"{name} 内容不符合格式：{_where(e)}", code="file.schema") from None


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
