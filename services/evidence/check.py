"""``jixiao verify``'s look at the evidence files: every file an ``Attached`` event names must be
in the object store, and its content must still hash to the SHA-256 in the event.

The events themselves are covered by the hash chain (``projections/integrity``), so the hash in
an event is what was uploaded; this check closes the loop to the stored bytes. Every distinct
blob is read once, whole (an S3 store is read over the network: the cost of a full check).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psycopg import Connection

from services.eventlog.stream import EVENTS_TABLE
from services.evidence.port import ObjectStore, stored_digest

ATTACHED = "domain.evidence:EvidenceFile.Attached"
LABEL = {"missing": "佐证材料文件缺失", "altered": "佐证材料文件内容被修改（SHA-256 不符）"}


@dataclass(frozen=True)
class BlobFinding:
    kind: str  # missing | altered
    position: int  # the Attached event naming the file (the first, when several do)
    tenant: str
    name: str  # the file's display name
    sha256: str

    def __str__(self) -> str:
        return f"位置 {self.position}（单位 {self.tenant}）：{LABEL[self.kind]}：「{self.name}」 SHA-256 {self.sha256}"


@dataclass
class BlobReport:
    files: int  # distinct files checked
    findings: list[BlobFinding]


def check_blobs(
    conn: Connection[Any],
    store: ObjectStore,
    tenant: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BlobReport:
    named: dict[str, tuple[int, str, str]] = {}  # sha256 → (position, tenant, name) of its first event
    with conn.cursor() as cur:
        for position, state in cur.execute(
            f"SELECT notification_id, state FROM {EVENTS_TABLE} WHERE topic LIKE %s ORDER BY notification_id",
            (ATTACHED + "%",),
        ):
            try:
                event = json.loads(bytes(state))
                sha, owner, name = event["sha256"], event["meta"]["tenant"], event["name"]
            except (ValueError, KeyError, TypeError):  # an altered event: the chain reports it
                continue
            if tenant is not None and owner != tenant:
                continue
            named.setdefault(str(sha), (int(position), str(owner), str(name)))
    conn.commit()
    findings = []
    for i, (sha, (position, owner, name)) in enumerate(named.items()):
        try:
            digest = stored_digest(store, sha)
        except ValueError:  # not a hash at all (an altered event)
            digest = None
        if digest is None:
            findings.append(BlobFinding("missing", position, owner, name, sha))
        elif digest != sha:
            findings.append(BlobFinding("altered", position, owner, name, sha))
        if progress is not None:
            progress(i + 1, len(named))
    return BlobReport(len(named), findings)
