"""Request bodies checked before they are decoded: what a client sends may be refused, never crash.

Litestar decodes a body into the route's input Struct with msgspec, which takes any Python
``Decimal`` spelling (``"NaN"``, ``"1e400"``, forty digits, full-width ``"３"``, ``"1_000"``) and
recurses as deep as the JSON goes. ``check_body`` runs first (a ``before_request`` hook, after
the policy's guard): the media type must be JSON, the bytes UTF-8, the nesting at most
``MAX_DEPTH`` deep; every text must be free of control and bidirectional-override characters;
and every place the Struct holds a ``Decimal`` must hold a plain ASCII decimal within
``MAX_INTEGER_DIGITS`` and ``MAX_PLACES``. Each refusal is a 400 (415 for the media type) in
Chinese, naming the field in the words the API documents.
"""

from __future__ import annotations

import re
import typing
from typing import Any

import msgspec
from msgspec import inspect

from services.api.problems import Problem
from services.api.wording import words

MAX_DEPTH = 32
MAX_INTEGER_DIGITS = 15  # a budget in yuan up to 10^15: far beyond any bureau's
MAX_PLACES = 6  # rates and points have 2; rule parameters a few more
_NUMBER = re.compile(rf"^-?[0-9]{{1,{MAX_INTEGER_DIGITS}}}(\.[0-9]{{1,{MAX_PLACES}}})?$")
# C0 and C1 controls but tab, line feed and carriage return; bidirectional embeddings, overrides
# and isolates (they make text display other than it reads: "Trojan Source"); U+0000 included
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
JSON_TYPES = ("application/json",)


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media in JSON_TYPES or (media.startswith("application/") and media.endswith("+json"))


def _depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects (strings skipped)."""
    deepest = depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_body(raw: bytes, content_type: str, body_type: Any) -> None:
    """Refuse (``Problem``) a body the route's input type must not be decoded from."""
    if not raw:
        return  # a missing body is the decoder's to refuse, as a missing field
    if not is_json(content_type):
        raise Problem(415, "请求体必须是 JSON（Content-Type: application/json）", "request.media_type")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "请求体不是 UTF-8 编码的文本", "request.encoding") from None
    if _depth(raw) > MAX_DEPTH:
        raise Problem(400, f"JSON 嵌套超过 {MAX_DEPTH} 层", "request.too_deep")
    try:
        value = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        raise Problem(400, "请求内容不是有效的 JSON", "request.malformed") from None
    _walk(value, _info(body_type), "")


_INFO: dict[Any, inspect.Type] = {}


def _info(body_type: Any) -> inspect.Type:
    """The type's msgspec description, worked out once per type (it takes a while to build)."""
    found = _INFO.get(body_type)
    if found is None:
        found = _INFO[body_type] = inspect.type_info(body_type)
    return found


def _where(path: str) -> str:
    return words(path) if path else "请求体"


def _text(value: str, path: str) -> None:
    bad = _FORBIDDEN.search(value)
    if bad is not None:
        raise Problem(
            400,
            f"{_where(path)}含有不可见的控制字符或文字方向控制符（U+{ord(bad.group()):04X}），请删除后重试",
            "request.text",
        )


def _number(value: Any, path: str) -> None:
    text = value if isinstance(value, str) else None
    if isinstance(value, bool) or (text is None and not isinstance(value, int | float)):
        return  # not a number at all: the decoder names the type it wants
    if text is None:
        text = repr(value)
    if not _NUMBER.match(text):
        raise Problem(
            400,
            f"{_where(path)}应为十进制数字（半角数字，整数部分最多 {MAX_INTEGER_DIGITS} 位、"
            f'小数最多 {MAX_PLACES} 位，如 "0.5"），收到 {text[:40]!r}',
            "request.number",
        )


def _walk(value: Any, info: inspect.Type, path: str) -> None:
    """Every string checked as text; every value where ``info`` says Decimal checked as a number."""
    while isinstance(info, inspect.Metadata):  # Annotated[..., Meta(description=…)]
        info = info.type
    if isinstance(value, str):
        _text(value, path)
    if isinstance(info, inspect.DecimalType):
        _number(value, path)
        return
    if isinstance(info, inspect.UnionType):
        _union(value, info, path)
        return
    if isinstance(info, inspect.StructType) and isinstance(value, dict):
        fields = {f.encode_name: f for f in info.fields}
        for key, item in value.items():
            _text(str(key), path)
            field = fields.get(key)
            if field is None and key != info.tag_field:
                _unknown(str(key), path)
            _walk(item, field.type if field is not None else inspect.AnyType(), f"{path}.{key}".lstrip("."))
        return
    if isinstance(info, inspect.DictType) and isinstance(value, dict):
        for key, item in value.items():
            _text(str(key), path)
            _walk(item, info.value_type, f"{path}.{key}".lstrip("."))
        return
    if isinstance(info, inspect.ListType | inspect.SetType | inspect.FrozenSetType | inspect.VarTupleType):
        if isinstance(value, list):
            for n, item in enumerate(value):
                _walk(item, info.item_type, f"{path}[{n}]")
        return
    if isinstance(info, inspect.TupleType) and isinstance(value, list):
        for n, (item, item_info) in enumerate(zip(value, info.item_types, strict=False)):
            _walk(item, item_info, f"{path}[{n}]")
        return
    _generic(value, path)


def _unknown(key: str, path: str) -> None:
    """A field the type does not have: refused, even where the type (a domain Struct that events
    store, decoded leniently there) would let the decoder skip it — a client's typo must not
    be dropped silently while the rest is stored."""
    raise Problem(
        400,
        f"{words(f'{path}.{key}'.lstrip('.'))}不是本接口接受的字段，请删除（字段名区分大小写）",
        "request.malformed",
    )


def _union(value: Any, info: inspect.UnionType, path: str) -> None:
    """A tagged union picks its member by the tag; otherwise the members that fit the JSON's
    shape are all applied (a Decimal | None field is checked as a Decimal)."""
    members = [t.type if isinstance(t, inspect.Metadata) else t for t in info.types]
    members = [t for t in members if not isinstance(t, inspect.NoneType)]
    if isinstance(value, dict):
        structs = [t for t in members if isinstance(t, inspect.StructType)]
        tagged = [t for t in structs if t.tag_field is not None and value.get(t.tag_field) == t.tag]
        for t in tagged or structs[:1] or [m for m in members if isinstance(m, inspect.DictType)][:1]:
            _walk(value, t, path)
        if not structs:
            _generic(value, path)
        return
    fitting = [m for m in members if _fits(value, m)]
    for m in fitting:
        _walk(value, m, path)
    if not fitting:
        _generic(value, path)


def _fits(value: Any, info: inspect.Type) -> bool:
    while isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.DecimalType):
        return isinstance(value, str | int | float) and not isinstance(value, bool)
    if isinstance(info, inspect.ListType | inspect.TupleType | inspect.VarTupleType):
        return isinstance(value, list)
    return isinstance(value, str) and isinstance(info, inspect.StrType)


def _generic(value: Any, path: str) -> None:
    """Text anywhere in a value the type says nothing more about."""
    if isinstance(value, dict):
        for key, item in value.items():
            _text(str(key), path)
            _generic(item, f"{path}.{key}".lstrip("."))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            _generic(item, f"{path}[{n}]")
    elif isinstance(value, str):
        _text(value, path)


def data_type(handler: Any) -> Any:
    """The route's input Struct (its ``data`` parameter), or None."""
    parameter = handler.parsed_fn_signature.parameters.get("data")
    if parameter is None:
        return None
    annotation = parameter.annotation
    return typing.get_type_hints(handler.fn)["data"] if isinstance(annotation, str) else annotation


_TYPES: dict[Any, Any] = {}


async def check_request(request: Any) -> None:
    """The ``before_request`` hook: ``check_body`` on the body of every route that takes one."""
    handler = request.route_handler
    if handler not in _TYPES:
        _TYPES[handler] = data_type(handler)
    body_type = _TYPES[handler]
    if body_type is not None:
        check_body(await request.body(), request.headers.get("content-type", ""), body_type)
