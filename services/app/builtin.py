"""Templates shipped with the platform (owned by the platform tenant, usable by every bureau)."""

from __future__ import annotations

from importlib import resources

from domain.indicators import IndicatorSpec
from services.files.loader import FileFormatError, decode_indicators, parse_text
from services.files.scorer import spec_of, walk

BUILTIN_TEMPLATES = ("caiyu-2020-10.yaml", "whole-department.yaml")


def builtin_template(filename: str) -> tuple[str, str, tuple[IndicatorSpec, ...]]:
    """(name, description, specs) of a shipped template file."""
    text = resources.files("services.app").joinpath("builtin", filename).read_text(encoding="utf-8")
    return template_text(text, filename)


def template_text(text: str, filename: str) -> tuple[str, str, tuple[IndicatorSpec, ...]]:
    """(name, description, specs) of a template file's text (the shape of ``builtin/*.yaml``)."""
    data = parse_text(text, filename)
    if not isinstance(data, dict) or "name" not in data or "indicators" not in data:
        raise FileFormatError(f"{filename} 必须包含 name 和 indicators")
    indicators = decode_indicators(data["indicators"], filename)
    specs = tuple(spec_of(key, parent, ind) for key, parent, ind in walk(indicators))
    return str(data["name"]), str(data.get("description", "")), specs
