"""The words around a figure as bureaus write them: full-width forms, comparator words before
and after a number, scale words and the units that follow a number."""

from __future__ import annotations

import re
from decimal import Decimal

from domain.values import Comparator

WIDE = str.maketrans(
    "０１２３４５６７８９％．，：－～（）＞＜＝＋／＊", "0123456789%.,:-~()><=+/*", "\u3000"
) | {ord("萬"): "万", ord("億"): "亿", ord("≧"): "≥", ord("≦"): "≤"}
PREFIX: tuple[tuple[str, Comparator], ...] = (
    ("大于等于", Comparator.GE),
    ("大于或等于", Comparator.GE),
    ("小于等于", Comparator.LE),
    ("小于或等于", Comparator.LE),
    ("≥", Comparator.GE),
    (">=", Comparator.GE),
    ("=>", Comparator.GE),
    ("不低于", Comparator.GE),
    ("不少于", Comparator.GE),
    ("不小于", Comparator.GE),
    ("达到", Comparator.GE),
    ("至少", Comparator.GE),
    ("≤", Comparator.LE),
    ("<=", Comparator.LE),
    ("=<", Comparator.LE),
    ("不高于", Comparator.LE),
    ("不超过", Comparator.LE),
    ("不多于", Comparator.LE),
    ("不大于", Comparator.LE),
    ("控制在", Comparator.LE),
    ("最多", Comparator.LE),
    (">", Comparator.GT),
    ("高于", Comparator.GT),
    ("大于", Comparator.GT),
    ("超过", Comparator.GT),
    ("多于", Comparator.GT),
    ("<", Comparator.LT),
    ("低于", Comparator.LT),
    ("小于", Comparator.LT),
    ("少于", Comparator.LT),
    ("=", Comparator.EQ),
    ("等于", Comparator.EQ),
    ("约为", Comparator.APPROX),
    ("大约", Comparator.APPROX),
    ("约", Comparator.APPROX),
    ("≈", Comparator.APPROX),
)
SUFFIX: tuple[tuple[str, Comparator], ...] = (
    ("及以上", Comparator.GE),
    ("以上", Comparator.GE),
    ("之上", Comparator.GE),
    ("及以下", Comparator.LE),
    ("以下", Comparator.LE),
    ("以内", Comparator.LE),
    ("之内", Comparator.LE),
    ("左右", Comparator.APPROX),
    ("上下", Comparator.APPROX),
)
NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMBER = re.compile(
    rf"(?P<num>{NUM})\s*(?P<scale>万亿|千万|百万|万|亿|千)?\s*(?P<more>余|多)?\s*"
    r"(?P<unit>%|‰|[A-Za-z\u4e00-\u9fff·/*]+?(?:/[A-Za-z\u4e00-\u9fff*·]+)*)?"
    r"(?=$|[\s,;；。、()（）]|以上|以下|以内|之内|及以|左右|上下|余|多|完成|到位|前|内)"
)
TOKEN = re.compile(r"\d[\d,.]*\d|\d")
SCALE = {
    "万": Decimal(10_000),
    "亿": Decimal(100_000_000),
    "千": Decimal(1000),
    "百万": Decimal(1_000_000),
    "千万": Decimal(10_000_000),
    "万亿": Decimal(10**12),
}
# units as bureaus write them after a number: the longest that starts what follows the number is
# the unit (``37个基层医疗机构`` → 个; ``5个工作日`` → 个工作日); a per-unit part follows (元/人*月)
KNOWN_UNITS = (
    "%",
    "万元",
    "亿元",
    "元",
    "人次",
    "人",
    "户",
    "家",
    "个工作日",
    "个月",
    "个",
    "次",
    "项",
    "所",
    "套",
    "部",
    "篇",
    "份",
    "场",
    "期",
    "批次",
    "批",
    "条",
    "组",
    "名",
    "平方米",
    "平方公里",
    "公里",
    "千米",
    "米",
    "立方米",
    "吨",
    "台",
    "株",
    "棵",
    "间",
    "座",
    "处",
    "张",
    "本",
    "册",
    "页",
    "件",
    "笔",
    "类",
    "种",
    "天",
    "日",
    "小时",
    "分钟",
    "年",
    "周",
    "季度",
    "月",
    "亩",
    "公顷",
    "辆",
    "艘",
    "架",
    "只",
    "头",
    "匹",
    "床",
    "盏",
    "块",
    "根",
    "斤",
    "公斤",
    "千克",
    "克",
    "人日",
    "工作日",
    "分",
    "学时",
    "课时",
    "门",
    "所次",
    "村",
    "镇",
    "乡",
    "县",
    "区",
    "单位",
    "机构",
    "所学校",
    "篇次",
    "期次",
    "场次",
    "户次",
)
UNITS = tuple(sorted(KNOWN_UNITS, key=len, reverse=True))


def comparator_before(head: str) -> Comparator | None:
    head = head.strip()
    for word, comp in PREFIX:
        if head.endswith(word) or head.startswith(word):
            return comp
    return None
