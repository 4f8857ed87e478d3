"""The decoder's messages in Chinese (``services/api/wording.py``): every field of every request
body has a label, and no message, known or not, comes out in English."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from msgspec import inspect

from services.api.app import create_app
from services.api.bodies import data_type
from services.api.wording import LABELS, chinese
from services.web import web_handlers


def _fields(info: Any, seen: set[Any], out: set[str]) -> None:
    while isinstance(info, inspect.Metadata):
        info = info.type
    if isinstance(info, inspect.StructType) and info.cls not in seen:
        seen.add(info.cls)
        for field in info.fields:
            out.add(field.encode_name)
            _fields(field.type, seen, out)
    elif isinstance(info, inspect.UnionType):
        for member in info.types:
            _fields(member, seen, out)
    elif isinstance(info, inspect.ListType | inspect.SetType | inspect.VarTupleType | inspect.FrozenSetType):
        _fields(info.item_type, seen, out)
    elif isinstance(info, inspect.DictType):
        _fields(info.value_type, seen, out)


def test_every_field_of_every_body_has_a_label() -> None:
    api = create_app(SimpleNamespace(metrics=None, start=None, stop=None), more=web_handlers())  # type: ignore[arg-type]
    names: set[str] = set()
    for route in api.routes:
        for handler in getattr(route, "route_handlers", []):
            body = data_type(handler)
            if body is not None:
                _fields(inspect.type_info(body), set(), names)
    assert len(names) > 80
    assert sorted(names - set(LABELS)) == []


def test_messages_come_out_in_chinese() -> None:
    assert (
        chinese("Expected `str | null`, got `int`", "reason", "body")
        == "「原因」（reason）应为文本，收到的是整数"
    )
    assert chinese("Expected `array`, got `str`", "indicators[3].zz", "body") == (
        "字段「indicators[3].zz」应为数组（[…]），收到的是文本"
    )
    assert chinese("Object missing required field `weight`", "indicators[0]", "body") == (
        "缺少必填字段「分值」（indicators[0].weight）"
    )
    assert (
        chinese("Expected `int` >= 2000", "year", "query")
        == "查询参数「年度」（year）应为整数，且不小于 2000"
    )
    assert (
        chinese("Expected `array` of length <= 500", "indicators", "body")
        == "「指标」（indicators）最多 500 项"
    )
    odd = chinese("Some message msgspec adds one day", "points", "body")
    assert odd == "「分值」（points）的值不符合要求"  # never the library's English
    assert (
        chinese("Expected `object`, got `array`", "data", "body")
        == "请求体应为JSON 对象（{…}），收到的是数组（[…]）"
    )
