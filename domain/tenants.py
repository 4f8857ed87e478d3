"""Tenants (bureaus); their users are in ``domain/users.py``.

Bureaus form a tree: province → municipal → county/district. Each has its 6-digit
administrative division code (行政区划代码), e.g. 360100 南昌市.
"""

from __future__ import annotations

import enum
import re
from typing import Any

from domain.base import TenantAggregate
from domain.context import Meta
from domain.errors import DomainError
from domain.ids import tenant_id


class TenantLevel(enum.StrEnum):
    PROVINCE = "province"  # 省
    MUNICIPAL = "municipal"  # 市
    COUNTY = "county"  # 县
    DISTRICT = "district"  # 区


LEVEL_RANK = {
    TenantLevel.PROVINCE: 1,
    TenantLevel.MUNICIPAL: 2,
    TenantLevel.COUNTY: 3,
    TenantLevel.DISTRICT: 3,
}


class Role(enum.StrEnum):
    PREPARER = "preparer"  # 经办/填报人
    EVALUATOR = "evaluator"  # 评价人
    REVIEWER = "reviewer"  # 审核人
    AUDITOR = "auditor"  # 审计
    ADMIN = "admin"  # 管理员
    FINANCE = "finance"  # 财政部门审核人 (finance-side staff hosted at a bureau above the declaring one)


_CODE = re.compile(r"^[0-9]{6}$")  # ASCII digits only: ３４１１８９ must not pass for 341189


def check_code(code: str) -> None:
    if not _CODE.match(code):
        raise DomainError(f"行政区划代码必须是6位数字，收到「{code}」", code="tenant.code_invalid")


class Tenant(TenantAggregate):
    """A bureau (医疗保障局) on the platform."""

    class Registered(TenantAggregate.Created):
        code: str
        name: str
        level: TenantLevel
        parent: str | None

    class Renamed(TenantAggregate.Event):
        name: str

        def apply(self, aggregate: Any) -> None:
            aggregate.name = self.name

    def __init__(self, meta: Meta, code: str, name: str, level: TenantLevel, parent: str | None) -> None:
        self.tenant = code
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent

    @classmethod
    def register(cls, code: str, name: str, level: TenantLevel, parent: Tenant | None = None) -> Tenant:
        check_code(code)
        if not name.strip():
            raise DomainError("单位名称不能为空", code="tenant.name_empty")
        if parent is not None and LEVEL_RANK[level] <= LEVEL_RANK[parent.level]:
            raise DomainError(
                f"{name}（{level.value}）不能隶属于同级或下级单位 {parent.name}", code="tenant.parent_level"
            )
        if parent is None and level != TenantLevel.PROVINCE and level != TenantLevel.MUNICIPAL:
            raise DomainError("县/区级单位必须指定上级单位", code="tenant.parent_missing")
        tenant: Tenant = cls._start(
            cls.Registered,
            id=tenant_id(code),
            tenant=code,
            code=code,
            name=name.strip(),
            level=level,
            parent=parent.code if parent else None,
        )
        return tenant

    def rename(self, name: str) -> None:
        if not name.strip():
            raise DomainError("单位名称不能为空", code="tenant.name_empty")
        if name.strip() != self.name:
            self._emit(self.Renamed, name=name.strip())
