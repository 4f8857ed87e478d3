"""The tenant tree as the policy needs it: a bureau's ancestors, read from the event log.

A tenant's parent never changes once registered, so a lineage read once is kept (one entry per
bureau: a province has a few hundred, a country some thousands), the least recently used
forgotten beyond ``size`` (``JIXIAO_CACHE_TENANTS``): a forgotten one is read from the log again. ``learn``, run on a worker
thread, reads a lineage not known yet, so that ``relation`` never blocks an event loop.
"""

from __future__ import annotations

import contextlib

from domain.errors import NotFound
from domain.ids import tenant_id
from domain.tenants import Tenant
from services.app.lru import Lru
from services.app.policy import PLATFORM, Relation
from services.eventlog.port import EventLog, NotInLog


class TenantTree:
    SIZE = 10_000

    def __init__(self, log: EventLog, size: int = SIZE) -> None:
        self._log = log
        self.lineages: Lru[str, tuple[str, ...]] = Lru(size)

    def tenant(self, code: str) -> Tenant:
        try:
            found = self._log.load(tenant_id(code))
        except NotInLog:
            found = None
        if not isinstance(found, Tenant):
            raise NotFound("单位不存在", code="tenant.not_found")
        return found

    def lineage(self, code: str) -> tuple[str, ...]:
        """The tenant and its ancestors, nearest first (``NotFound`` if it does not exist)."""
        found = self.lineages.get(code)
        if found is None:
            chain: list[str] = []
            current: str | None = code
            while current is not None and current not in chain:
                chain.append(current)
                current = self.tenant(current).parent
            found = tuple(chain)
            self.lineages.put(code, found)
        return found

    def known(self, caller_tenant: str, tenant: str) -> bool:
        """Whether ``relation`` can answer without reading the log."""
        return tenant == caller_tenant or tenant in self.lineages

    def learn(self, caller_tenant: str, tenant: str) -> None:
        """Read a lineage ``relation`` will need (blocking: call it off the event loop)."""
        if not self.known(caller_tenant, tenant):
            with contextlib.suppress(NotFound):
                self.lineage(tenant)

    def relation(self, caller_tenant: str, tenant: str) -> Relation:
        if tenant == caller_tenant:
            return Relation.OWN
        try:
            chain = self.lineage(tenant)
        except NotFound:  # no such bureau: nothing to see, the platform's operator included
            return Relation.NONE
        return (
            Relation.DESCENDANT if caller_tenant == PLATFORM or caller_tenant in chain[1:] else Relation.NONE
        )
