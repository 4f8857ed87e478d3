"""Grade schemes (等级): total → grade by descending lower bounds."""

from __future__ import annotations

from decimal import Decimal

import msgspec

from domain.errors import DomainError


class GradeBand(msgspec.Struct, frozen=True):
    min_total: Decimal  # inclusive
    grade: str


class GradeScheme(msgspec.Struct, frozen=True):
    """Default 优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差; seed 000 uses 优秀/良好/中/差."""

    bands: tuple[GradeBand, ...]
    below: str = "差"

    def __post_init__(self) -> None:
        bounds = [b.min_total for b in self.bands]
        if bounds != sorted(bounds, reverse=True) or len(set(bounds)) != len(bounds):
            raise DomainError("等级划分的分数线必须严格从高到低排列", code="grade.bands_unordered")

    def grade(self, total: Decimal) -> str:
        for band in self.bands:
            if total >= band.min_total:
                return band.grade
        return self.below


DEFAULT_GRADES = GradeScheme(
    bands=(
        GradeBand(Decimal(90), "优"),
        GradeBand(Decimal(80), "良"),
        GradeBand(Decimal(60), "中"),
    ),
    below="差",
)

LONG_GRADES = GradeScheme(
    bands=(
        GradeBand(Decimal(90), "优秀"),
        GradeBand(Decimal(80), "良好"),
        GradeBand(Decimal(60), "中"),
    ),
    below="差",
)
