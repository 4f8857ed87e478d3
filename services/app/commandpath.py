"""What the mixins of ``JixiaoApplication`` (``cycle``, ``rectifying``, ``results``, ``reporting``,
``disclosure``, ``engaging``) use of the application: its one command path. Declarations for
the type checker only; the application (``UnitOfWork`` and ``JixiaoApplication``) defines them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from services.app.commands.spec import Change, Create, Done
from services.app.policy import Caller, Target

A = TypeVar("A")
B = TypeVar("B")
P = TypeVar("P")
R = TypeVar("R")


class CommandPath:
    if TYPE_CHECKING:
        log: Any

        def execute(
            self,
            caller: Caller,
            command: Change[Any, B, P, R],
            aggregate_id: UUID,
            body: B,
            expected_version: int | None = None,
        ) -> Done[Any, R]: ...

        def create_with(self, caller: Caller, command: Create[Any, B, P], body: B) -> Any: ...

        def authorize(self, caller: Caller, action: str, target: Target | None) -> Any: ...

        def load(self, cls: type[A], aggregate_id: UUID, version: int | None = None) -> A: ...
