"""The application's named commands of 整改 (rectification).

A mixin of ``JixiaoApplication`` (``services/app/application.py``), like ``cycle.py``: each
method runs one command of ``services/app/commands/rectification.py`` through the one command
path — authorize, prepare (I/O), decide (pure), append.
"""

from __future__ import annotations

from uuid import UUID

from domain.rectification import Rectification
from services.app.commandpath import CommandPath
from services.app.commands import cycle_inputs as i
from services.app.commands import rectification as r
from services.app.commands.spec import Done
from services.app.policy import Caller, Target


class Rectifying(CommandPath):
    """Needs ``execute``, ``create_with``, ``authorize`` and ``load`` (the application)."""

    def load_rectification(self, rectification: UUID, version: int | None = None) -> Rectification:
        return self.load(Rectification, rectification, version)

    def open_rectification(self, caller: Caller, body: i.OpenRectification) -> Rectification:
        opened: Rectification = self.create_with(caller, r.OPEN, body)
        return opened

    def record_finding(
        self, caller: Caller, rectification: UUID, body: i.RecordFinding, expected_version: int | None = None
    ) -> Done[Rectification, str]:
        """Returns the finding's id (F1, F2 …, chosen by the aggregate)."""
        return self.execute(caller, r.RECORD_FINDING, rectification, body, expected_version)

    def withdraw_finding(
        self, caller: Caller, rectification: UUID, finding_id: str, body: i.WithdrawFinding
    ) -> Done[Rectification, None]:
        return self.execute(caller, r.WITHDRAW_FINDING, rectification, (finding_id, body))

    def send_demand(
        self, caller: Caller, rectification: UUID, body: i.SendDemand, expected_version: int | None = None
    ) -> Done[Rectification, None]:
        return self.execute(caller, r.SEND, rectification, body, expected_version)

    def file_measures(
        self, caller: Caller, rectification: UUID, body: i.FileMeasures, expected_version: int | None = None
    ) -> Done[Rectification, None]:
        return self.execute(caller, r.FILE_MEASURES, rectification, body, expected_version)

    def review_rectification(
        self,
        caller: Caller,
        rectification: UUID,
        body: i.ReviewRectification,
        expected_version: int | None = None,
    ) -> Done[Rectification, None]:
        return self.execute(caller, r.REVIEW, rectification, body, expected_version)

    def check_rectifications(self, caller: Caller, tenant: str, open_ids: list[UUID]) -> int:
        """The overdue check over ``tenant``'s region: ``open_ids`` are its rectifications not
        closed (from the read model). Each past its deadline gets its warning once. Returns how
        many were warned."""
        self.authorize(caller, "rectification.check", Target(tenant))
        warned = 0
        for rid in open_ids:
            warned += bool(self.execute(caller, r.FLAG_OVERDUE, rid, None).result)
        return warned
