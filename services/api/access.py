"""Who may do what, where: roles per command and scope by the tenant tree.

- own tenant: read and write (as the role allows);
- a descendant's data: read only — except a *department evaluation* the caller's bureau runs
  on a descendant's project (``evaluator.tenant`` is the caller's tenant), which it may score;
- siblings, ancestors, unrelated tenants: nothing, answered as 404 (never reveal existence);
- a third-party token (``evaluations`` claim): the named evaluations only, until it expires.

The tree comes from the Tenant aggregates (the event store), cached: a tenant's parent never
changes once registered.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading

from domain.errors import NotFound
from domain.evaluation import Evaluation
from domain.tenants import Role
from services.api.auth import Principal
from services.api.problems import Problem
from services.app.application import JixiaoApplication

PLATFORM = "000000"  # the platform operator's tenant: its admins register provinces

# command → roles that may run it
PREPARE = (Role.PREPARER, Role.EVALUATOR)
SCORE = (Role.EVALUATOR,)
REVIEW = (Role.REVIEWER,)
ADMIN = (Role.ADMIN,)
HISTORY = (Role.AUDITOR, Role.REVIEWER, Role.ADMIN)  # who reads audit trails and time travel


class Tree:
    def __init__(self, app: JixiaoApplication) -> None:
        self.app = app
        self._lineage: dict[str, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def lineage(self, tenant: str) -> tuple[str, ...]:
        """The tenant and its ancestors, nearest first (NotFound if it does not exist)."""
        found = self._lineage.get(tenant)
        if found is None:
            found = tuple(self.app.lineage(tenant))
            with self._lock:
                self._lineage[tenant] = found
        return found

    async def learn(self, principal: Principal, tenant: str) -> None:
        """Before ``relation`` runs on the event loop: a tenant's lineage not known yet is read
        in a worker thread (once per tenant and process), so that ``relation`` never blocks."""
        if tenant != principal.tenant and principal.tenant != PLATFORM and tenant not in self._lineage:
            with contextlib.suppress(NotFound):
                await asyncio.to_thread(self.lineage, tenant)

    def relation(self, principal: Principal, tenant: str) -> str:
        """'own', 'descendant' (of the caller's tenant) or 'none'."""
        if tenant == principal.tenant:
            return "own"
        if principal.tenant == PLATFORM:
            return "descendant"
        try:
            chain = self.lineage(tenant)
        except NotFound:
            return "none"
        return "descendant" if principal.tenant in chain[1:] else "none"


def need_role(principal: Principal, roles: tuple[Role, ...]) -> Role:
    for role in roles:
        if role in principal.roles:
            return role
    names = "、".join(ROLE_LABEL[r] for r in roles)
    raise Problem(403, f"此操作需要以下角色之一：{names}", "forbidden.role")


ROLE_LABEL = {
    Role.PREPARER: "填报人",
    Role.EVALUATOR: "评价人",
    Role.REVIEWER: "审核人",
    Role.AUDITOR: "审计人员",
    Role.ADMIN: "管理员",
}


def hidden(what: str = "记录") -> Problem:
    return Problem(404, f"{what}不存在", "not_found")


def can_read(tree: Tree, principal: Principal, tenant: str, evaluation_id: str | None = None) -> bool:
    if principal.restricted:
        return evaluation_id is not None and evaluation_id in principal.evaluations
    return tree.relation(principal, tenant) != "none"


def check_read(
    tree: Tree, principal: Principal, tenant: str, what: str, evaluation_id: str | None = None
) -> None:
    if not can_read(tree, principal, tenant, evaluation_id):
        raise hidden(what)


def check_write_tenant(tree: Tree, principal: Principal, tenant: str, what: str) -> None:
    """Writes on a tenant's own records (projects, ledger, users, templates)."""
    if principal.restricted:
        raise hidden(what)
    relation = tree.relation(principal, tenant)
    if relation == "none":
        raise hidden(what)
    if relation != "own":
        raise Problem(403, "上级单位对下级单位的数据只读", "forbidden.read_only")


def check_write_evaluation(tree: Tree, principal: Principal, e: Evaluation) -> None:
    if principal.restricted:
        if str(e.id) not in principal.evaluations:
            raise hidden("评价")
        return
    relation = tree.relation(principal, e.tenant)
    if relation == "none":
        raise hidden("评价")
    if relation == "own" or e.evaluator.tenant == principal.tenant:
        return
    raise Problem(403, "上级单位对下级单位的评价只读（部门评价除外）", "forbidden.read_only")


# The caller's subtree as a comma list, from the tenants read model. SECURITY DEFINER: the API's
# reader connections run as jixiao_reader, whose own view of the tenants table is already limited
# by row-level security to the tenants of the setting this function is computing.
SUBTREE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION jixiao_subtree(root text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    WITH RECURSIVE tree AS (
        SELECT root AS code
        UNION SELECT t.code FROM rm_tenants.tenants t JOIN tree ON t.parent = tree.code
    )
    SELECT string_agg(code, ',') FROM tree
$$
"""

# one statement at the start of every read: the caller's scope, on the reader connection's session
# (overwritten by the next read before its first query; see services/api/app.py, _read)
SCOPE_SUBTREE_SQL = "SELECT set_config('jixiao.tenants', jixiao_subtree(%s), false)"
SCOPE_LIST_SQL = "SELECT set_config('jixiao.tenants', %s, false)"
