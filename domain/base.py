"""Base aggregate: every event carries ``meta`` (tenant, actor, role, correlation id, reason).

Commands decide, events record: public methods validate and then call ``_emit``; each
event's ``apply`` only assigns. Timestamps come from the library at trigger time.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.context import Meta, stamp
from domain.errors import DomainError

# C0 and C1 controls but tab, line feed and carriage return; bidirectional embeddings, overrides and
# isolates (they make a reason display other than it reads)
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _bad_text(value: Any) -> str | None:
    if isinstance(value, str):
        found = _FORBIDDEN.search(value)
        return None if found is None else found.group()
    if isinstance(value, tuple | list | frozenset | set):
        return next((b for v in value if (b := _bad_text(v)) is not None), None)
    if isinstance(value, dict):
        return next((b for k, v in value.items() if (b := _bad_text(k) or _bad_text(v)) is not None), None)
    fields = getattr(value, "__struct_fields__", None)
    if fields is None:
        return None
    return next((b for f in fields if (b := _bad_text(getattr(value, f))) is not None), None)


def refuse_nul(value: Any) -> None:
    """Text with control characters is refused before any event exists: U+0000 cannot be held by
    PostgreSQL's text and jsonb (such an event would be stored but never shown), and the others —
    bidirectional overrides included — make text display other than it reads."""
    bad = _bad_text(value)
    if bad == "\x00":
        raise DomainError("文本中含有空字符（U+0000），请删除后重试", code="text.nul")
    if bad is not None:
        raise DomainError(
            f"文本中含有不可见的控制字符或文字方向控制符（U+{ord(bad):04X}），请删除后重试",
            code="text.control",
        )


_MAX_INTEGER_DIGITS = 15
_MAX_PLACES = 6


def _bad_number(value: Any) -> Decimal | None:
    if isinstance(value, Decimal):
        if not value.is_finite():
            return value
        _sign, digits, exponent = value.as_tuple()
        assert isinstance(exponent, int)
        integer_digits = len(digits) + exponent
        return value if integer_digits > _MAX_INTEGER_DIGITS or -exponent > _MAX_PLACES else None
    if isinstance(value, tuple | list | frozenset | set):
        return next((b for v in value if (b := _bad_number(v)) is not None), None)
    if isinstance(value, dict):
        return next((b for v in value.values() if (b := _bad_number(v)) is not None), None)
    fields = getattr(value, "__struct_fields__", None) or getattr(value, "__dataclass_fields__", None)
    if fields is None:
        return None
    return next((b for f in fields if (b := _bad_number(getattr(value, f))) is not None), None)


def check_numbers(value: Any) -> None:
    """Every Decimal in a command's input is a finite number of sensible size (a budget in yuan
    has at most 15 integer digits; nothing needs more than 6 places): NaN, infinities and 1E+400
    are refused here, before any arithmetic meets them."""
    bad = _bad_number(value)
    if bad is not None:
        raise DomainError(
            f"数值 {str(bad)[:40]} 无效：须为有限的十进制数（整数部分最多 {_MAX_INTEGER_DIGITS} 位、"
            f"小数最多 {_MAX_PLACES} 位）",
            code="number.invalid",
        )


def check_id(value: str, what: str) -> None:
    """An id a caller chooses (a deduction's, a ledger entry's): letters, digits and ``._-``, up to
    64, starting with a letter or digit — it travels in URLs and file names."""
    if not _SAFE_ID.match(value):
        raise DomainError(
            f"{what}「{value[:40]}」只能由字母、数字和 . _ - 组成（以字母或数字开头，最多 64 个字符）",
            code="id.invalid",
        )


class TenantAggregate(Aggregate):
    """An aggregate owned by one tenant (bureau)."""

    tenant: str

    class Event(Aggregate.Event):
        meta: Meta

    class Created(Event, Aggregate.Created):
        pass

    @classmethod
    def _start(cls, event_class: type[Any], *, id: UUID, tenant: str, reason: str = "", **kwargs: Any) -> Any:
        refuse_nul((reason, kwargs))
        return cls._create(event_class, id=id, meta=stamp(tenant, reason), **kwargs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        """A fast copy for the repository's cache, which copies every cached aggregate
        before a command. House rule that makes it correct: aggregate state holds only
        immutable values (frozen Structs, str, Decimal, tuples) or one level of list/dict
        of them, so copying the containers is a deep copy."""
        clone = object.__new__(type(self))
        clone.__dict__.update(
            {k: (v.copy() if type(v) is dict or type(v) is list else v) for k, v in self.__dict__.items()}
        )
        return clone

    def _emit(self, event_class: type[Any], *, reason: str = "", **kwargs: Any) -> None:
        refuse_nul((reason, kwargs))
        self.trigger_event(event_class, meta=stamp(self.tenant, reason), **kwargs)
