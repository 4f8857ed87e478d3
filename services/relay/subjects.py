"""Subjects mirror the tenant tree, so one wildcard subscribes to a whole region.

    jixiao.<level 1>.<level 2>.<level 3>.<aggregate>.<event>

The three tenant tokens are the tenant's ancestry from the root of its tree, padded with ``_``:
a province 360000 publishes on ``jixiao.360000._._.…``, its city 360100 on
``jixiao.360000.360100._.…``, the district 360102 on ``jixiao.360000.360100.360102.…``. The
subtree of any tenant is then its path prefix plus ``>`` (``jixiao.360000.360100.>`` is the
city and all its districts), and every subject has the same number of tokens, so filters such
as ``jixiao.360000.*.*.evaluation.status_changed`` work too. Tenant levels rank 1–3 and a child
ranks below its parent, so a tree is never deeper than three. The platform tenant ``000000``
(owner of the shipped templates) publishes on ``jixiao.000000._._.…``.

The tree is immutable (a tenant's parent is fixed at registration), so a subject, once given,
stays right. The relay learns tenants from the ``Tenant.Registered`` events it passes — a tenant
registered in the same batch as its first events is known before them — and looks up tenants
registered before its position in the event store by their deterministic id.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.templates import PLATFORM_TENANT

PREFIX = "jixiao"
DEPTH = 3
PAD = "_"
CHECKPOINT_SUFFIX = "integrity.checkpoint"

UNKNOWN = "?"  # the lookup's answer for a tenant that was never registered


class TenantTree:
    """Parents by tenant code, filled as tenants are seen; ``lookup`` answers the rest.

    ``lookup(code)`` returns the parent code, ``None`` for a root, or ``UNKNOWN``."""

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        self._lookup = lookup
        self._parent: dict[str, str | None] = {PLATFORM_TENANT: None}
        self._paths: dict[str, tuple[str, ...]] = {}

    def learn(self, code: str, parent: str | None) -> None:
        self._parent[code] = parent
        self._paths.pop(code, None)  # a tenant seen before its registration gets its real path

    def path(self, code: str) -> tuple[str, ...]:
        """Ancestors first, ``code`` last (a tenant never registered is its own root)."""
        known = self._paths.get(code)
        if known is not None:
            return known
        chain = [code]
        current = code
        while len(chain) <= DEPTH:
            if current not in self._parent:
                found = self._lookup(current)
                if found == UNKNOWN:
                    break  # not cached: it may be registered later
                self._parent[current] = found
            parent = self._parent[current]
            if parent is None or parent in chain:
                break
            chain.append(parent)
            current = parent
        path = tuple(reversed(chain))[-DEPTH:]
        if all(c in self._parent for c in path):
            self._paths[code] = path
        return path


def tokens(path: tuple[str, ...] | list[str]) -> str:
    padded = list(path) + [PAD] * (DEPTH - len(path))
    return ".".join(padded[:DEPTH])


def event_subject(path: tuple[str, ...] | list[str], type_name: str) -> str:
    """``jixiao.360000.360100.360102.evaluation.deduction_applied`` for type ``evaluation.deduction_applied``."""
    return f"{PREFIX}.{tokens(path)}.{type_name}"


def checkpoint_subject(path: tuple[str, ...] | list[str]) -> str:
    return f"{PREFIX}.{tokens(path)}.{CHECKPOINT_SUFFIX}"


def subtree(path: tuple[str, ...] | list[str]) -> str:
    """The wildcard for a tenant and everything below it: ``jixiao.360000.360100.>``."""
    return ".".join([PREFIX, *path, ">"])


def everything() -> str:
    return f"{PREFIX}.>"
