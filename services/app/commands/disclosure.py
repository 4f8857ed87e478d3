"""Commands of 信息公开: publish an evaluation's result or a project's approved targets (the
content computed by the field rule from the source as it is, frozen in the event), withdraw a
publication with its reason, and mark a project 涉密 (or lift the mark).

The source, its project and its bureau are read in the prepare step; the field rule and the
refusals (not finalized, not approved, classified, a source changed since the caller looked)
run there too, so nothing is stored when they refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from uuid import UUID

from msgspec import Meta, Struct

from domain.department import WHOLE_CODE
from domain.disclosure import Content, Kind, ProjectDisclosure, SummaryFigures
from domain.disclosure.rules import check_kind, evaluation_content, summary_content, targets_content
from domain.errors import DomainError, InvalidState, NotFound
from domain.evaluation import Evaluation
from domain.ids import disclosure_id, project_id, tenant_id
from domain.ledger import Project
from domain.targets import TargetDeclaration
from domain.tenants import Tenant
from services.app.commands.inputs import Reason
from services.app.commands.spec import Change, Create, Loader
from services.app.policy import Caller, Relation, Target

Version = Annotated[int, Meta(ge=1, le=1_000_000)]


class Publish(Struct, forbid_unknown_fields=True):
    """公开：kind 为 evaluation_result（source_id 为评价编号）或 targets（source_id 为绩效目标申报表编号）."""

    kind: Kind
    source_id: UUID
    source_version: Version | None = None  # the version the caller confirmed (refused if it moved)
    targets_version: Version | None = None  # which approved version of the targets (latest if none)


class Withdraw(Struct, forbid_unknown_fields=True):
    """撤回：item 为公开信息的键（kind:来源编号），reason 为撤回原因."""

    item: Annotated[str, Meta(min_length=1, max_length=200)]
    reason: Reason


class Classify(Struct, forbid_unknown_fields=True):
    classified: bool
    reason: Reason


@dataclass(frozen=True)
class Prepared:
    project: Project
    source_version: int
    content: Content


def source_of(load: Loader, body: Publish) -> Evaluation | TargetDeclaration:
    check_kind(body.kind)
    if body.kind is Kind.SELF_EVALUATION_SUMMARY:  # not of one source: the bureau's year
        raise DomainError(
            "自评结果汇总在「部门整体」页面公开（POST /api/v1/tenants/{单位代码}/final-accounts/publish?year=年度）",
            code="disclosure.summary_route",
        )
    cls: type[Evaluation | TargetDeclaration] = (
        Evaluation if body.kind is Kind.EVALUATION_RESULT else TargetDeclaration
    )
    source = load(cls, body.source_id)
    if not isinstance(source, cls):
        raise NotFound("要公开的评价或绩效目标不存在", code="not_found")
    return source


def prepare_publish(load: Loader, body: Publish) -> Prepared:
    """Read the source, its project and bureau; apply the field rule (refusing what may not be
    published)."""
    source = source_of(load, body)
    project = load(Project, source.project_id)
    if body.source_version is not None and body.source_version != source.version:
        raise InvalidState(
            f"来源已变更（当前第 {source.version} 版，确认的是第 {body.source_version} 版），请刷新后重新确认",
            code="disclosure.source_changed",
        )
    bureau = load(Tenant, tenant_id(project.tenant))
    if isinstance(source, Evaluation):
        content = evaluation_content(bureau, project, source)
    else:
        content = targets_content(bureau, project, source, body.targets_version)
    return Prepared(project, source.version, content)


def _publish(d: ProjectDisclosure, body: Publish, p: Prepared) -> str:
    if d.project_id != p.project.id:
        raise NotFound("要公开的评价或绩效目标不存在", code="not_found")
    return d.publish(body.source_id, p.source_version, p.content)


def _open(caller: Caller, relation: Relation, body: Publish, p: Prepared) -> ProjectDisclosure:
    d = ProjectDisclosure.open(p.project.tenant, p.project.id, p.project.year)
    d.publish(body.source_id, p.source_version, p.content)
    return d


PUBLISH: Change[ProjectDisclosure, Publish, Prepared, str] = Change(
    "disclosure.publish", ProjectDisclosure, _publish, lambda load, _, body: prepare_publish(load, body)
)
OPEN_AND_PUBLISH: Create[ProjectDisclosure, Publish, Prepared] = Create(
    action=lambda body: "disclosure.publish",
    prepare=prepare_publish,
    target=lambda caller, body, p: Target(p.project.tenant),
    make=_open,
)
WITHDRAW: Change[ProjectDisclosure, Withdraw, None, None] = Change(
    "disclosure.withdraw", ProjectDisclosure, lambda d, b, _: d.withdraw(b.item, b.reason)
)


class PublishSummary(Struct, forbid_unknown_fields=True):
    """公开自评结果汇总 of a year. The figures are computed by the server from its read models at the
    moment of publishing (``services/api/department.py``), never taken from a request."""

    year: int
    figures: SummaryFigures


def prepare_summary(load: Loader, body: tuple[str, PublishSummary]) -> Prepared:
    tenant, s = body
    try:
        project = load(Project, project_id(tenant, s.year, WHOLE_CODE))
    except NotFound:
        raise NotFound(
            f"{s.year} 年度尚无部门整体项目：请先在「部门整体」发起本年度部门整体评价，再公开自评结果汇总",
            code="disclosure.whole_missing",
        ) from None
    bureau = load(Tenant, tenant_id(tenant))
    return Prepared(project, project.version, summary_content(bureau, project, s.figures))


def _open_summary(
    caller: Caller, relation: Relation, body: tuple[str, PublishSummary], p: Prepared
) -> ProjectDisclosure:
    d = ProjectDisclosure.open(p.project.tenant, p.project.id, p.project.year)
    d.publish(p.project.id, p.source_version, p.content)
    return d


PUBLISH_SUMMARY: Change[ProjectDisclosure, tuple[str, PublishSummary], Prepared, str] = Change(
    "disclosure.publish",
    ProjectDisclosure,
    lambda d, body, p: d.publish(p.project.id, p.source_version, p.content),
    lambda load, _, body: prepare_summary(load, body),
)
OPEN_AND_PUBLISH_SUMMARY: Create[ProjectDisclosure, tuple[str, PublishSummary], Prepared] = Create(
    action=lambda body: "disclosure.publish",
    prepare=prepare_summary,
    target=lambda caller, body, p: Target(p.project.tenant),
    make=_open_summary,
)


def _published(load: Loader, project: Project, body: Classify) -> int:
    """How many items of the project are public now (none when nothing was ever published)."""
    try:
        register = load(ProjectDisclosure, disclosure_id(project.tenant, project.id))
    except NotFound:
        return 0
    return len(register.live())


CLASSIFY: Change[Project, Classify, int, None] = Change(
    "project.classify", Project, lambda p, b, live: p.classify(b.classified, b.reason, live), _published
)
