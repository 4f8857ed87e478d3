"""The application's commands and reads of 佐证材料 (evidence).

A mixin of ``JixiaoApplication``. The file is stored before a command runs (``services/evidence/
intake.py``); the command only records it: it finds the thing the file is attached to (an
indicator or a deduction of an evaluation, an entry of a project's ledger), asks the policy
whether the caller may edit that thing (``EVIDENCE_EDIT``), and appends ``Attached`` to the
target's ``EvidenceFile`` (created with its first file). Loading the owner is the prepare step;
the decision (``EvidenceFile.attach`` / ``detach``) does no I/O.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from domain.context import Actor
from domain.errors import AlreadyExists, NotFound
from domain.evaluation import Evaluation
from domain.evidence import EvidenceFile, EvidenceTarget, TargetKind, evidence_id
from domain.ledger import Project
from domain.rectification import Rectification
from domain.tenants import Role
from services.app.commands.spec import target_of
from services.app.policy import EVIDENCE_EDIT, Caller, Target
from services.eventlog.port import NotInLog

A = TypeVar("A")
R = TypeVar("R")


@dataclass(frozen=True)
class Stored:
    """A file already checked and in the object store: what the event records."""

    sha256: str
    size: int
    media_type: str
    name: str


@dataclass(frozen=True)
class Owner:
    tenant: str
    target: Target  # for the policy


def edit_action(target: EvidenceTarget) -> str:
    return EVIDENCE_EDIT[target.kind.value]


class EvidenceCommands:
    """Needs ``authorize``, ``load``, ``create``, ``change`` and ``log`` (the application)."""

    if TYPE_CHECKING:

        def authorize(self, caller: Caller, action: str, target: Target | None) -> Role: ...

        def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A: ...

        def create(self, actor: Actor, make: Callable[[], A]) -> A: ...

        def change(
            self,
            how: Any,
            cls: type[A],
            aggregate_id: UUID,
            decide: Callable[[A], R],
            expected_version: int | None = None,
        ) -> R: ...

        def _actor(self, caller: Caller, role: Role) -> Actor: ...

        log: Any

    def evidence_owner(self, target: EvidenceTarget) -> Owner:
        """The bureau and the policy's facts of what ``target`` names; ``NotFound`` when the
        thing is not there (an unknown indicator, a deduction never applied, …)."""
        kind = target.kind
        if kind in (TargetKind.INDICATOR, TargetKind.DEDUCTION):
            e = self.load(Evaluation, target.owner)
            present = target.key in (e.nodes if kind is TargetKind.INDICATOR else e.deductions)
            if not present:
                what = "指标" if kind is TargetKind.INDICATOR else "扣分"
                raise NotFound(f"评价中没有此{what}：{target.key}", code="evidence.target_not_found")
            return Owner(e.tenant, target_of(e))
        if kind is TargetKind.LEDGER_ENTRY:
            p = self.load(Project, target.owner)
            if not any(entry.entry_id == target.key for entry in p.entries):
                raise NotFound(f"台账中没有此记录：{target.key}", code="evidence.target_not_found")
            return Owner(p.tenant, Target(p.tenant))
        # a finding (the demanding bureau's evidence) or the unit's measures for it (整改)
        r = self.load(Rectification, target.owner)
        if target.key not in r.findings:
            raise NotFound(f"整改要求中没有此问题：{target.key}", code="evidence.target_not_found")
        return Owner(r.tenant, target_of(r))

    def may_attach(self, caller: Caller, target: EvidenceTarget) -> Role:
        """The policy's decision on attaching to ``target`` (``NotFound``, ``Forbidden``): asked
        before a file is stored, so a refused caller leaves no blob behind."""
        return self.authorize(caller, edit_action(target), self.evidence_owner(target).target)

    def attach_evidence(
        self, caller: Caller, target: EvidenceTarget, file: Stored, note: str = ""
    ) -> tuple[EvidenceFile, str]:
        """Record ``file`` (stored already) as attached to ``target``: (the target's evidence, the
        attachment's id)."""
        owner = self.evidence_owner(target)
        role = self.authorize(caller, edit_action(target), owner.target)
        actor = self._actor(caller, role)
        eid = evidence_id(owner.tenant, target)
        made: list[str] = []

        def attach(evidence: EvidenceFile) -> EvidenceFile:
            made.append(evidence.attach(file.sha256, file.size, file.media_type, file.name, note))
            return evidence

        if self.log.current_version(eid) is None:

            def make() -> EvidenceFile:
                return attach(EvidenceFile.open(owner.tenant, target))

            try:
                created: EvidenceFile = self.create(actor, make)
                return created, made[-1]
            except AlreadyExists:  # opened by a concurrent upload: attach to it
                made.clear()
        changed: EvidenceFile = self.change(actor, EvidenceFile, eid, attach)
        return changed, made[-1]

    def detach_evidence(
        self, caller: Caller, evidence: UUID, attachment_id: str, reason: str
    ) -> EvidenceFile:
        current = self.load(EvidenceFile, evidence)
        role = self.authorize(caller, edit_action(current.target), self.holder(current.target).target)

        def detach(e: EvidenceFile) -> EvidenceFile:
            e.detach(attachment_id, reason)
            return e

        done: EvidenceFile = self.change(self._actor(caller, role), EvidenceFile, evidence, detach)
        return done

    def read_evidence(
        self, caller: Caller, evidence: UUID, version: int | None = None, action: str = "evidence.read"
    ) -> EvidenceFile:
        """A target's evidence, if the caller may read what it is attached to (``action``:
        ``evidence.history`` for its audit trail)."""
        e = self.load(EvidenceFile, evidence, version)
        self.authorize(caller, action, self.holder(e.target).target)
        return e

    def evidence_of(
        self,
        caller: Caller,
        target: EvidenceTarget,
        version: int | None = None,
        until: datetime.datetime | None = None,
    ) -> EvidenceFile | None:
        """The evidence attached to ``target`` (None: nothing was, then), authorized as reading it;
        as it stood at ``version`` or instant ``until`` with a history role (time travel)."""
        owner = self.holder(target)
        past = version is not None or until is not None
        self.authorize(caller, "evidence.history" if past else "evidence.read", owner.target)
        eid = evidence_id(owner.tenant, target)
        if not past:
            try:
                return self.load(EvidenceFile, eid)
            except NotFound:
                return None
        try:
            found = self.log.load(eid, version=version, until=until)
        except NotInLog:
            return None
        return found if isinstance(found, EvidenceFile) else None

    def holder(self, target: EvidenceTarget) -> Owner:
        """The owner of ``target`` for reading and removing: the evaluation or the project, even
        when the thing itself is gone from it (evidence stays readable and removable)."""
        if target.kind in (TargetKind.INDICATOR, TargetKind.DEDUCTION):
            e = self.load(Evaluation, target.owner)
            return Owner(e.tenant, target_of(e))
        if target.kind is TargetKind.LEDGER_ENTRY:
            p = self.load(Project, target.owner)
            return Owner(p.tenant, Target(p.tenant))
        r = self.load(Rectification, target.owner)
        return Owner(r.tenant, target_of(r))
