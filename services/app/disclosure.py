"""The application's named commands of 信息公开 (a mixin of ``JixiaoApplication``): publish,
withdraw, mark a project 涉密. Each runs one command of ``services/app/commands/disclosure.py``
through the same path as every other command — authorize, prepare (I/O), decide (pure), append.
"""

from __future__ import annotations

from uuid import UUID

from domain.department import WHOLE_CODE
from domain.disclosure import ProjectDisclosure
from domain.errors import AlreadyExists
from domain.ids import disclosure_id, project_id
from domain.ledger import Project
from services.app.commandpath import CommandPath
from services.app.commands import disclosure as d
from services.app.commands.spec import Done
from services.app.policy import Caller, Target


class Disclosure(CommandPath):
    """Needs ``execute``, ``create_with``, ``authorize``, ``load`` and ``log`` (the application)."""

    def load_disclosure(self, register: UUID, version: int | None = None) -> ProjectDisclosure:
        return self.load(ProjectDisclosure, register, version)

    def publish(self, caller: Caller, body: d.Publish) -> Done[ProjectDisclosure, str]:
        """Publish the source's content (the project's register is opened by its first publish
        act). Answers the register and the published item's key."""
        source = d.source_of(self.load, body)
        tenant = source.tenant
        register = disclosure_id(tenant, source.project_id)
        if not self.log.exists(register):
            try:
                made: ProjectDisclosure = self.create_with(caller, d.OPEN_AND_PUBLISH, body)
            except AlreadyExists:  # another publish act opened it meanwhile
                pass
            else:
                return Done(made, next(iter(made.items)))
        return self.execute(caller, d.PUBLISH, register, body)

    def publish_summary(
        self, caller: Caller, tenant: str, body: d.PublishSummary
    ) -> Done[ProjectDisclosure, str]:
        """Publish the 自评结果汇总 of a year on the bureau's 部门整体 project's register."""
        register = disclosure_id(tenant, project_id(tenant, body.year, WHOLE_CODE))
        if not self.log.exists(register):
            try:
                made: ProjectDisclosure = self.create_with(caller, d.OPEN_AND_PUBLISH_SUMMARY, (tenant, body))
            except AlreadyExists:
                pass
            else:
                return Done(made, next(iter(made.items)))
        return self.execute(caller, d.PUBLISH_SUMMARY, register, (tenant, body))

    def preview_publication(self, caller: Caller, body: d.Publish) -> d.Prepared:
        """What publishing would freeze (the same rule and refusals), stored nowhere: what the
        confirmation shows before the act. Call it on a worker thread."""
        source = d.source_of(self.load, body)
        self.authorize(caller, "disclosure.publish", Target(source.tenant))
        return d.prepare_publish(self.load, body)

    def withdraw_publication(
        self, caller: Caller, register: UUID, body: d.Withdraw, expected_version: int | None = None
    ) -> Done[ProjectDisclosure, None]:
        return self.execute(caller, d.WITHDRAW, register, body, expected_version)

    def classify_project(
        self, caller: Caller, project: UUID, body: d.Classify, expected_version: int | None = None
    ) -> Done[Project, None]:
        return self.execute(caller, d.CLASSIFY, project, body, expected_version)
