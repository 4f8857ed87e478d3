"""Errors the application adds to the domain's: conflicts (optimistic concurrency) and
refusals by the authorization policy."""

from __future__ import annotations

from domain.errors import DomainError


class ConflictError(DomainError):
    """Someone else changed the aggregate first (HTTP 409 later on); nothing was stored."""

    code = "conflict"

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class Forbidden(DomainError):
    """The caller may see the data but not do this (HTTP 403). Data the caller may not even see
    is refused as ``NotFound`` instead: its existence is never revealed."""

    code = "forbidden"
