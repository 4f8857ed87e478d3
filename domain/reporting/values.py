"""The values of an evaluation report (评价报告): its engagement data and the official outline.

The outline is the one published for 项目支出绩效评价报告 (财预〔2020〕10号's annex, as
``../shared/lifecycle.md`` cites it): eight parts. Narrative parts are written by the evaluator;
figures and tables are filled from the evaluation when the report is rendered.
"""

from __future__ import annotations

import datetime
from typing import Annotated

import msgspec

Short = Annotated[str, msgspec.Meta(max_length=200)]
Long = Annotated[str, msgspec.Meta(max_length=20000)]

# key → heading, in the outline's order
OUTLINE: tuple[tuple[str, str], ...] = (
    ("basic", "一、基本情况"),
    ("work", "二、绩效评价工作开展情况"),
    ("conclusion", "三、综合评价情况及评价结论"),
    ("analysis", "四、绩效评价指标分析"),
    ("experience", "五、主要经验及做法、存在的问题及原因分析"),
    ("suggestions", "六、有关建议"),
    ("other", "七、其他需要说明的问题"),
    ("annex", "八、附件"),
)
SECTIONS = dict(OUTLINE)


class Member(msgspec.Struct, frozen=True, omit_defaults=True):
    """A member of the evaluation team, as the report prints it."""

    name: Short
    duty: Short = ""  # 组长、成员、财务专家 …
    title: Short = ""  # 职称或单位


class Engagement(msgspec.Struct, frozen=True, omit_defaults=True):
    """Who commissioned the evaluation, who did it, when and how."""

    commissioner: Short = ""  # 委托单位
    implementer: Short = ""  # 评价机构（实施单位）
    team: Annotated[tuple[Member, ...], msgspec.Meta(max_length=50)] = ()
    period_start: datetime.date | None = None  # 评价工作期间
    period_end: datetime.date | None = None
    report_date: datetime.date | None = None  # 报告日期
    method: Long = ""  # 评价方法（比较法、因素分析法、公众评判法 …）
    fieldwork: Long = ""  # 现场工作计划
    checklist: Annotated[tuple[Short, ...], msgspec.Meta(max_length=200)] = ()  # 访谈提纲与核查清单
