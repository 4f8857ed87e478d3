"""Commands of the evaluation report (评价报告): started on an evaluation by whoever writes the
evaluation, its engagement data recorded, each part of the outline written — every edit an event."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.evaluation import Evaluation
from domain.ledger import Project
from domain.reporting import Engagement, EvaluationReport
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Target


class WriteSection(Struct, forbid_unknown_fields=True):
    text: Annotated[str, Meta(max_length=20000, description="该部分的正文（段落以换行分隔）")]
    reason: Annotated[str, Meta(max_length=2000)] = ""


def _of(load: Loader, evaluation: UUID) -> tuple[Evaluation, Project]:
    e = load(Evaluation, evaluation)
    return e, load(Project, e.project_id)


def _writer(e: Evaluation) -> str:
    return e.evaluator.tenant or e.tenant


START: Create[EvaluationReport, UUID, tuple[Evaluation, Project]] = Create(
    action=lambda body: "report.write",
    prepare=_of,
    target=lambda caller, body, ep: Target(ep[0].tenant, str(ep[0].id), _writer(ep[0])),
    make=lambda caller, relation, body, ep: EvaluationReport.start(
        ep[0].tenant, ep[0].id, _writer(ep[0]), ep[1].name, ep[0].year
    ),
)
RECORD_ENGAGEMENT: Change[EvaluationReport, Engagement, None, None] = Change(
    "report.write", EvaluationReport, lambda r, body, _: r.record_engagement(body)
)
WRITE_SECTION: Change[EvaluationReport, tuple[str, WriteSection], None, None] = Change(
    "report.write", EvaluationReport, lambda r, body, _: r.write(body[0], body[1].text, body[1].reason)
)
