"""Errors of the runtime: configuration and embedded servers. Messages are for the operator (Chinese)."""

from __future__ import annotations


class RuntimeConfigError(Exception):
    """An environment variable has a value the platform cannot use."""


class EmbeddedServiceError(Exception):
    """An embedded server could not start: port taken, data directory unusable, binary missing."""
