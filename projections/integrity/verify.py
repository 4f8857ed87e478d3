"""``jixiao verify``: recompute the chain from the stored events and name the first tampering.

Compares every stored event with the chain the integrity projection recorded:
- a chain entry without its event → **deleted**;
- an event the chain never saw, inside the chained range → **inserted**;
- an event whose hash belongs to another position → **reordered** (swapped);
- an event whose hash matches nothing → **altered**;
- event hashes all match but a chain hash does not → the **chain** itself was rewritten;
- a signed checkpoint (exported to a file, or published by the relay to NATS every second) that the
  events no longer reproduce → events and chain were rewritten together, or events before it were
  removed or added (the attacks the database alone cannot reveal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from psycopg import Connection

from projections.integrity.chain import GENESIS, content_hash, link, tenant_of
from projections.integrity.checkpoints import Checkpoint
from services.eventlog.stream import EVENTS_TABLE

SCHEMA = "rm_integrity"

KIND_LABEL = {
    "deleted": "事件被删除",
    "inserted": "事件被插入",
    "reordered": "事件顺序被调换",
    "altered": "事件内容被修改",
    "chain_rewritten": "哈希链被改写",
    "checkpoint_mismatch": "与签名检查点不符（检查点之前的事件被改写、删除或插入，哈希链也被一并重算）",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    position: int
    tenant: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f"，{self.detail}" if self.detail else ""
        return f"位置 {self.position}（单位 {self.tenant}）：{KIND_LABEL[self.kind]}{extra}"


@dataclass
class Report:
    events: int
    chained: int
    findings: list[Finding]
    uncovered: int = 0  # events after the newest checkpoint of their tenant (none given: every event)

    @property
    def ok(self) -> bool:
        return not self.findings


def verify(
    conn: Connection[Any], tenant: str | None = None, checkpoints: Sequence[Checkpoint] = ()
) -> Report:
    with conn.cursor() as cur:
        chain = {
            int(p): (t, bytes(e), bytes(c))
            for p, t, e, c in cur.execute(
                f"SELECT position, tenant, content_hash, chain_hash FROM {SCHEMA}.chain"
            )
        }
        events: dict[int, tuple[str, bytes]] = {}
        for p, oid, ver, topic, state in cur.execute(
            f"SELECT notification_id, originator_id, originator_version, topic, state FROM {EVENTS_TABLE}"
        ):
            state = bytes(state)
            try:
                owner = tenant_of(state)
            except Exception:  # an altered payload may no longer decode: attribute it via the chain
                owner = chain.get(int(p), ("?", b"", b""))[0]
            events[int(p)] = (owner, content_hash(oid, int(ver), topic, state))
    conn.commit()
    findings: list[Finding] = []
    chained_head = max(chain, default=0)
    stored_by_hash = {e: p for p, (_, e, _) in chain.items()}
    for p in sorted(set(chain) | {q for q in events if q <= chained_head}):
        in_chain, in_log = chain.get(p), events.get(p)
        if in_chain is None and in_log is not None:
            findings.append(Finding("inserted", p, in_log[0]))
        elif in_chain is not None and in_log is None:
            findings.append(Finding("deleted", p, in_chain[0]))
        elif in_chain is not None and in_log is not None and in_chain[1] != in_log[1]:
            other = stored_by_hash.get(in_log[1])
            if other is not None:
                findings.append(Finding("reordered", p, in_chain[0], f"该位置现在是原位置 {other} 的事件"))
            else:
                findings.append(Finding("altered", p, in_chain[0]))
    findings += _chain_findings(chain, events)
    by_tenant: dict[str, list[int]] = {}
    for p in sorted(events):
        by_tenant.setdefault(events[p][0], []).append(p)
    findings += _checkpoint_findings(events, by_tenant, checkpoints)
    if tenant is not None:
        findings = [f for f in findings if f.tenant == tenant]
        by_tenant = {tenant: by_tenant.get(tenant, [])}
    findings.sort(key=lambda f: f.position)
    newest: dict[str, int] = {}
    for cp in checkpoints:
        newest[cp.tenant] = max(newest.get(cp.tenant, 0), cp.position)
    after = sum(len([p for p in ps if p > newest.get(t, 0)]) for t, ps in by_tenant.items())
    return Report(events=len(events), chained=len(chain), findings=findings, uncovered=after)


def _chain_findings(
    chain: dict[int, tuple[str, bytes, bytes]], events: dict[int, tuple[str, bytes]]
) -> list[Finding]:
    """Where the event hashes agree, the stored chain hashes must follow from them."""
    out: list[Finding] = []
    previous: dict[str, bytes] = {}
    broken: set[str] = set()
    for p in sorted(chain):
        tenant, stored_event, stored_chain = chain[p]
        expected = link(previous.get(tenant, GENESIS), p, stored_event)
        if stored_chain != expected and tenant not in broken:
            out.append(Finding("chain_rewritten", p, tenant))
            broken.add(tenant)
        previous[tenant] = stored_chain
    return out


def _checkpoint_findings(
    events: dict[int, tuple[str, bytes]], by_tenant: dict[str, list[int]], checkpoints: Sequence[Checkpoint]
) -> list[Finding]:
    """Recompute each tenant's chain once, up to each of its checkpoints in order."""
    out: list[Finding] = []
    mine: dict[str, list[Checkpoint]] = {}
    for cp in checkpoints:
        mine.setdefault(cp.tenant, []).append(cp)
    for tenant, cps in mine.items():
        positions = by_tenant.get(tenant, [])
        h, i, count = GENESIS, 0, 0
        for cp in sorted(cps, key=lambda c: c.position):
            while i < len(positions) and positions[i] <= cp.position:
                h, i, count = link(h, positions[i], events[positions[i]][1]), i + 1, count + 1
            if h != cp.chain_hash or count != cp.count:
                out.append(Finding("checkpoint_mismatch", cp.position, tenant, f"检查点签名于 {cp.at}"))
    return out


def uncovered(report: Report, checkpoints: Sequence[Checkpoint]) -> int:
    """Events that no given checkpoint covers yet (the report counted them against the same list)."""
    return report.uncovered if checkpoints else report.events
