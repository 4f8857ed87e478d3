"""Money as the reports write it: yuan with 2 decimals, 万元 / 亿元 scales, percentages.

Rates are percentages kept to 2 decimals, half-up, as the reports print them
(622.09 / 666 = 93.41 %); a rule that multiplies a rate by a weight uses that figure.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from domain.errors import DomainError

CENT = Decimal("0.01")
SCALES = {
    "": Decimal(1),
    "元": Decimal(1),
    "千元": Decimal(1000),
    "万": Decimal(10_000),
    "万元": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "亿元": Decimal(100_000_000),
}
_AMOUNT = re.compile(
    r"^\s*(?P<sign>[-−]?)\s*(?P<num>\d[\d,，]*(?:\.\d+)?)\s*(?P<scale>千元|万元|亿元|万|亿|元)?\s*$"
)


class AmountError(DomainError):
    code = "amount.invalid"


def to_yuan(amount: Decimal) -> Decimal:
    """Round to fen (2 decimals, half-up)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(text: str | int | Decimal) -> Decimal:
    """``"666万元"`` → 6660000.00; ``"9,059,900.00"`` → 9059900.00; a Decimal passes through (in yuan)."""
    if isinstance(text, Decimal | int):
        return to_yuan(Decimal(text))
    m = _AMOUNT.match(text)
    if m is None:
        raise AmountError(f"无法识别的金额「{text}」，应写作如 666万元 或 6660000.00")
    try:
        number = Decimal(m["num"].replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise AmountError(f"无法识别的金额「{text}」") from None
    value = number * SCALES[m["scale"] or ""]
    return to_yuan(-value if m["sign"] else value)


def format_yuan(yuan: Decimal) -> str:
    """1156344.67 → ``"1,156,344.67"``: thousands grouped, 2 decimals (as forms print 元)."""
    return f"{to_yuan(yuan):,.2f}"


def format_wan(yuan: Decimal) -> str:
    """6220900.00 → ``"622.09万元"``."""
    return f"{to_yuan(yuan / Decimal(10_000)).normalize():f}万元"


def rate_pct(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    """numerator / denominator as a percentage, 2 decimals half-up; None when the base is zero."""
    if denominator == 0:
        return None
    return to_yuan(numerator * 100 / denominator)


def format_pct(pct: Decimal | None) -> str:
    return "—" if pct is None else f"{pct}%"
