"""The tenant tree as the policy needs it: a bureau's ancestors, read from the event log.

A tenant's parent never changes once registered, so a lineage read once is kept for the
process's life (one entry per bureau: a province has a few hundred). ``learn``, run on a worker
thread, reads a lineage not known yet, so that ``relation`` never blocks an event loop.
"""

from __future__ import annotations

import contextlib
import threading

from domain.errors import NotFound
from domain.ids import tenant_id
from domain.tenants import Tenant
from services.app.policy import PLATFORM, Relation
from services.eventlog.port import EventLog, NotInLog


class TenantTree:
    def __init__(self, log: EventLog) -> None:
        self._log = log
        self._lineage: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

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
        found = self._lineage.get(code)
        if found is None:
            chain: list[str] = []
            current: str | None = code
            while current is not None and current not in chain:
                chain.append(current)
                current = self.tenant(current).parent
            found = tuple(chain)
            with self._lock:
                self._lineage[code] = found
        return found

    def known(self, caller_tenant: str, tenant: str) -> bool:
        """Whether ``relation`` can answer without reading the log."""
        return tenant == caller_tenant or tenant in self._lineage

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
