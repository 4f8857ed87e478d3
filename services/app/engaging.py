"""The application's named commands of third-party engagements: a mixin of ``JixiaoApplication``
like ``cycle.py``."""

from __future__ import annotations

from uuid import UUID

from domain.engagements import Engagement, FirmRecord
from domain.ids import firm_id
from services.app.commandpath import CommandPath
from services.app.commands import engagements as c
from services.app.commands.spec import Done
from services.app.policy import Caller


class Engaging(CommandPath):
    """Needs ``execute`` and ``create_with`` (the application)."""

    def record_firm(self, caller: Caller, tenant: str, body: c.RecordFirm) -> FirmRecord:
        made: FirmRecord = self.create_with(caller, c.RECORD_FIRM, (tenant, body))
        return made

    def relate_firm(
        self, caller: Caller, tenant: str, firm_code: str, body: c.RelateFirm
    ) -> Done[FirmRecord, None]:
        return self.execute(caller, c.RELATE_FIRM, firm_id(tenant, firm_code), body)

    def grant_engagement(self, caller: Caller, tenant: str, body: c.GrantEngagement) -> Engagement:
        made: Engagement = self.create_with(caller, c.GRANT, (tenant, body))
        return made

    def accept_engagement(
        self, caller: Caller, engagement: UUID, body: c.AcceptEngagement
    ) -> Done[Engagement, None]:
        return self.execute(caller, c.ACCEPT, engagement, (caller.engagement, caller.user, body))

    def change_engagement_staff(
        self, caller: Caller, engagement: UUID, body: c.ChangeStaff
    ) -> Done[Engagement, None]:
        return self.execute(caller, c.CHANGE_STAFF, engagement, body)

    def revoke_engagement(
        self, caller: Caller, engagement: UUID, body: c.RevokeEngagement
    ) -> Done[Engagement, None]:
        return self.execute(caller, c.REVOKE, engagement, body)
