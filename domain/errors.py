"""Domain refusals and flags.

A *refusal* (``DomainError``) means the command cannot be right: nothing is recorded.
A *flag* (``Flag``) means something is only suspicious: what was entered is kept and the
flag is shown beside it (权重不等于100、陈述总分与计算总分不一致……).
Messages are Chinese because the platform's users read Chinese; ``code`` is the stable
machine-readable key other systems match on.
"""

from __future__ import annotations

import msgspec


class DomainError(Exception):
    """A command refused by the domain (HTTP 422 later on)."""

    code: str = "domain.refused"

    def __init__(self, message: str, *, code: str | None = None, row: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.row = row

    def __str__(self) -> str:
        return f"{self.row}：{self.message}" if self.row else self.message


class NotFound(DomainError):
    code = "not_found"


class AlreadyExists(DomainError):
    """What the command would create exists: ``existing`` is its id and ``kind`` what it is
    (``evaluation``, ``project``, …), so that an answer can point to it."""

    code = "already_exists"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        row: str | None = None,
        existing: str | None = None,
        kind: str | None = None,
    ) -> None:
        super().__init__(message, code=code, row=row)
        self.existing = existing
        self.kind = kind


class InvalidState(DomainError):
    """The lifecycle forbids the command (e.g. editing a finalized evaluation)."""

    code = "invalid_state"


class Flag(msgspec.Struct, frozen=True, omit_defaults=True):
    """A warning kept next to the data it concerns."""

    code: str
    message: str
    subject: str | None = None  # indicator id, ledger entry id or row name the flag concerns
