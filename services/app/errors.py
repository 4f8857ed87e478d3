"""Errors the application adds to the domain's: conflicts (optimistic concurrency)."""

from __future__ import annotations

from domain.errors import DomainError


class ConflictError(DomainError):
    """Someone else changed the aggregate first (HTTP 409 later on); nothing was stored."""

    code = "conflict"

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version
