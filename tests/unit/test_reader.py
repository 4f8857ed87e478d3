"""The reader, table-driven over every wording issue 16 found in published tables (the figures
made up), with the table's year and the indicator's name as context; plus properties: it never
raises, and a number written with a unit reads back as that number."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.reader import parse_measure, read
from domain.values import Comparator, DateBound

YEAR = 2022
GE, LE, GT, APPROX = Comparator.GE, Comparator.LE, Comparator.GT, Comparator.APPROX
BY, ON = DateBound.BY, DateBound.ON

# (text, indicator name, expected fields of the Measure)
CASES: list[tuple[str, str, dict[str, object]]] = [
    # Found 1: amounts are not dates (regression)
    ("2468.35万", "", {"number": D("24683500"), "date": None}),
    ("1836.42万元", "", {"number": D("18364200"), "unit": "元", "date": None}),
    ("5217.09", "", {"number": D("5217.09"), "date": None}),
    # Found 3
    ("约为3亿条", "", {"number": D("300000000"), "comparator": APPROX, "unit": "条"}),
    ("300余人", "", {"number": D(300), "comparator": GT, "unit": "人"}),
    ("10月底前", "", {"date": datetime.date(2022, 10, 31), "date_bound": BY}),
    ("8月前", "", {"date": datetime.date(2022, 7, 31), "date_bound": BY}),
    ("年底前", "", {"date": datetime.date(2022, 12, 31), "date_bound": BY}),
    ("2022年底完成", "", {"date": datetime.date(2022, 12, 31), "date_bound": BY}),
    ("11月底到位", "", {"date": datetime.date(2022, 11, 30), "date_bound": BY}),
    ("2022年12月底前完成", "", {"date": datetime.date(2022, 12, 31), "date_bound": BY}),
    ("9月", "", {"date": datetime.date(2022, 9, 30)}),
    ("2022年1月-12月", "", {"date": datetime.date(2022, 12, 31), "date_bound": ON}),
    ("1-12月", "", {"date": datetime.date(2022, 12, 31)}),
    ("已完成98%", "", {"number": D(98), "is_percent": True}),
    ("达成率为85%以上", "", {"number": D(85), "comparator": GE, "is_percent": True}),
    ("覆盖基层医疗机构42个。", "", {"number": D(42), "unit": "个"}),
    ("620万(其中本级300万元,补助320万元)", "", {"number": D(6200000), "note": "其中本级300万元,补助320万元"}),
    ("每人200", "", {"number": D(200), "per": "每人"}),
    ("95%(历史标准)", "", {"number": D(95), "is_percent": True, "note": "历史标准"}),
    ("5萬人", "", {"number": D(50000), "unit": "人"}),
    (">=90%", "", {"number": D(90), "comparator": GE, "is_percent": True}),
    ("500元/人*月", "", {"number": D(500), "unit": "元/人*月"}),
    ("90%-95%", "", {"low": D(90), "high": D(95)}),
    ("95%左右", "", {"number": D(95), "comparator": APPROX}),
    ("6,00.0,55", "", {"unreadable": True}),
    ("90", "成活率(≥**%)", {"number": D(90), "comparator": GE, "is_percent": True}),
    ("０．５％", "", {"number": D("0.5"), "is_percent": True}),
    ("≤5个工作日", "", {"number": D(5), "comparator": LE, "unit": "个工作日"}),
]


@pytest.mark.parametrize(("text", "indicator", "expected"), CASES, ids=[c[0] for c in CASES])
def test_read_as_bureaus_write(text: str, indicator: str, expected: dict[str, object]) -> None:
    m = read(text, year=YEAR, indicator=indicator, target=True)
    got = {k: getattr(m, k) for k in expected}
    assert got == expected, m


def test_a_date_needs_the_tables_year_and_an_amount_never_becomes_one() -> None:
    assert parse_measure("10月底前").date is None  # no year in context: not guessed
    assert read("2022年12月31日", year=YEAR).date_bound is ON  # an actual's date is the day
    assert read("2022年12月31日", year=YEAR, target=True).date_bound is BY  # a target's: the deadline


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_the_reader_never_raises(text: str) -> None:
    m = read(text, year=YEAR, indicator="指标")
    assert m.raw == text.strip()


@settings(max_examples=300, deadline=None)
@given(
    number=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    unit=st.sampled_from(["人", "个", "次", "%", "万元", "元", "家", "条", "天"]),
)
def test_a_number_with_a_unit_reads_back(number: D, unit: str) -> None:
    text = f"{number}{unit}"
    m = read(text, year=YEAR)
    scale = D(10_000) if unit == "万元" else D(1)
    assert m.number == number * scale and m.date is None, (text, m)


def test_the_unit_column_gives_a_bare_number_its_unit() -> None:
    assert read("≥95", year=YEAR, unit="%").is_percent
    assert read("≥95", year=YEAR).is_percent is False
    assert read("300", year=YEAR, unit="人").unit == "人"
    assert read("300户", year=YEAR, unit="人").unit == "户"  # the cell's own unit wins
