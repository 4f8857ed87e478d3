"""The values of 结果应用 (results applied to the budget): the advice for the next cycle, a policy's
rules mapping a grade (and the project's rectification) to an advice, and a recommendation's inputs.

Defaults: ``../shared/lifecycle.md`` §5 — 优 priority; 良 funded as justified (kept); 中 cut by a
share; 差 cancelled or suspended next year; poor and not rectified → a continuing project cut or
cancelled, a phased project's funds paused [N][X]. The share is local practice (no national
figure, ✖): 10 % by default, each policy sets its own.
"""

from __future__ import annotations

import enum
from decimal import Decimal
from typing import Annotated

import msgspec

from domain.errors import DomainError


class Advice(enum.StrEnum):
    PRIORITY = "priority"  # 优先保障
    KEEP = "keep"  # 维持
    CUT = "cut"  # 压减（按比例）
    SUSPEND = "suspend"  # 暂缓安排（暂停拨款）
    CANCEL = "cancel"  # 取消


ADVICE_LABEL = {
    Advice.PRIORITY: "优先保障",
    Advice.KEEP: "维持",
    Advice.CUT: "压减",
    Advice.SUSPEND: "暂缓安排",
    Advice.CANCEL: "取消",
}
_SEVERITY = (Advice.PRIORITY, Advice.KEEP, Advice.CUT, Advice.SUSPEND, Advice.CANCEL)
GRADES = ("优", "良", "中", "差")

Pct = Annotated[Decimal, msgspec.Meta(description="压减比例（%，0–100）")]


class Band(msgspec.Struct, frozen=True, omit_defaults=True):
    """What one grade (优 / 良 / 中 / 差) recommends."""

    grade: str
    advice: Advice
    cut_pct: Pct = Decimal(0)


class Rules(msgspec.Struct, frozen=True, omit_defaults=True):
    """A finance side's policy: an advice per grade, and what a rectification that failed (not
    accepted by its deadline: an overdue warning standing) or is still open turns it into."""

    bands: tuple[Band, ...]
    unrectified: Advice = Advice.SUSPEND  # 整改逾期未完成
    open_rectification: Advice | None = None  # 整改尚未完成（未逾期）: unchanged by default

    def check(self) -> None:
        if sorted(b.grade for b in self.bands) != sorted(GRADES):
            raise DomainError("结果应用政策须为优、良、中、差各规定一项建议", code="results.bands_invalid")
        for b in self.bands:
            if (b.advice is Advice.CUT) != (b.cut_pct > 0) or not 0 <= b.cut_pct <= 100:
                raise DomainError(
                    f"「{b.grade}」：压减须给出 0–100 之间大于 0 的比例，其他建议不填比例",
                    code="results.cut_invalid",
                )

    def band(self, grade: str) -> Band:
        """The band of a grade as an evaluation states it (优秀 → 优, 良好 → 良)."""
        short = grade.strip()[:1]
        for b in self.bands:
            if b.grade == short:
                return b
        raise DomainError(
            f"等级「{grade}」不在结果应用政策中（优、良、中、差）", code="results.grade_unknown"
        )


DEFAULT_RULES = Rules(
    bands=(
        Band("优", Advice.PRIORITY),
        Band("良", Advice.KEEP),
        Band("中", Advice.CUT, Decimal(10)),
        Band("差", Advice.CANCEL),
    )
)


def harsher(a: Advice, b: Advice | None) -> Advice:
    """The harsher of two advices (priority < keep < cut < suspend < cancel)."""
    if b is None:
        return a
    return a if _SEVERITY.index(a) >= _SEVERITY.index(b) else b


class Inputs(msgspec.Struct, frozen=True, omit_defaults=True):
    """What a recommendation was computed from (recorded with it)."""

    grade: str
    total: Decimal
    policy_tenant: str  # the bureau whose policy applied (the platform's default: "")
    policy_version: int  # 0: the platform's default
    rectification: str = ""  # "" none | open | overdue | closed


class Outcome(msgspec.Struct, frozen=True, omit_defaults=True):
    advice: Advice
    cut_pct: Decimal = Decimal(0)


def recommend(rules: Rules, grade: str, rectification: str) -> Outcome:
    """The advice for the next cycle (pure)."""
    band = rules.band(grade)
    advice = band.advice
    if rectification == "overdue":
        advice = harsher(advice, rules.unrectified)
    elif rectification == "open":
        advice = harsher(advice, rules.open_rectification)
    cut = band.cut_pct if advice is Advice.CUT else Decimal(0)
    return Outcome(advice, cut)


class Decision(enum.StrEnum):
    ACCEPTED = "accepted"  # 采纳
    CHANGED = "changed"  # 调整后采纳


DECISION_LABEL = {Decision.ACCEPTED: "采纳", Decision.CHANGED: "调整"}
