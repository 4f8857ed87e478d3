"""The stored name (topic) of every event and aggregate class: an explicit registry.

A topic is what the event table's ``topic`` column holds and what the integrity chain hashes, so
it must never change once an event is stored. The names below look like module paths because
they were module paths when the first events were stored (``module:Class.Event``); they are now
plain names, frozen here. Moving or renaming a class changes only the right-hand side of its
line; the name stays. A class that is not registered cannot be stored (the mapper refuses it),
and ``tests/unit/test_topics.py`` replays events written by earlier releases
(``tests/fixtures/``) to prove they stay readable.

New aggregates take names of the same shape: ``domain.<area>:<Aggregate>.<Event>``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from eventsourcing.utils import register_topic

from domain.disclosure import ProjectDisclosure
from domain.engagements import Engagement, FirmRecord
from domain.evaluation import Evaluation
from domain.evaluation import events as evaluation_events
from domain.evidence import EvidenceFile
from domain.ledger import Project
from domain.monitoring import MonitoringReport, MonitoringRound
from domain.rectification import Rectification
from domain.reporting import EvaluationReport
from domain.results import Recommendation, ResultPolicy
from domain.targets import TargetDeclaration
from domain.templates import IndicatorTemplate
from domain.tenants import Tenant
from domain.users import User


class UnknownTopic(LookupError):
    """A stored topic, or an event class, that the registry does not know."""


class Topics:
    """Name ↔ class, both ways. ``aggregates`` are the classes creation events name in their
    ``originator_topic``; ``events`` every class that is ever stored."""

    def __init__(self, aggregates: Mapping[str, type[Any]], events: Mapping[str, type[Any]]) -> None:
        self._classes: dict[str, type[Any]] = {**aggregates, **events}
        if len(self._classes) != len(aggregates) + len(events):
            raise ValueError("an aggregate and an event share a topic")
        self._names: dict[type[Any], str] = {}
        for name, cls in self._classes.items():
            if cls in self._names:
                raise ValueError(f"{cls.__qualname__} is registered twice ({self._names[cls]}, {name})")
            self._names[cls] = name
        self.aggregates = dict(aggregates)
        self.events = dict(events)

    def name_of(self, cls: type[Any]) -> str:
        try:
            return self._names[cls]
        except KeyError:
            raise UnknownTopic(f"{cls.__module__}.{cls.__qualname__} 没有登记事件主题") from None

    def class_of(self, name: str) -> type[Any]:
        try:
            return self._classes[name]
        except KeyError:
            raise UnknownTopic(f"未登记的事件主题 {name}") from None

    def knows(self, cls: type[Any]) -> bool:
        return cls in self._names

    def register_with_library(self) -> None:
        """Creation events name their aggregate (``originator_topic``); the library resolves that
        name when it folds them, so it must find our names too (its public ``register_topic``)."""
        for name, cls in self._classes.items():
            register_topic(name, cls)


def _events(owner: Any, prefix: str, names: Iterable[str]) -> dict[str, type[Any]]:
    """The classes ``owner`` (an aggregate class or a module of events) holds under ``names``."""
    return {f"{prefix}.{n}": getattr(owner, n) for n in names}


TOPICS = Topics(
    aggregates={
        "domain.tenants:Tenant": Tenant,
        "domain.tenants:User": User,
        "domain.ledger:Project": Project,
        "domain.templates:IndicatorTemplate": IndicatorTemplate,
        "domain.evaluation:Evaluation": Evaluation,
        "domain.targets:TargetDeclaration": TargetDeclaration,
        "domain.monitoring:MonitoringRound": MonitoringRound,
        "domain.monitoring:MonitoringReport": MonitoringReport,
        "domain.evidence:EvidenceFile": EvidenceFile,
        "domain.rectification:Rectification": Rectification,
        "domain.engagements:FirmRecord": FirmRecord,
        "domain.engagements:Engagement": Engagement,
        "domain.reporting:EvaluationReport": EvaluationReport,
        "domain.results:ResultPolicy": ResultPolicy,
        "domain.results:Recommendation": Recommendation,
        "domain.disclosure:ProjectDisclosure": ProjectDisclosure,
    },
    events={
        **_events(Tenant, "domain.tenants:Tenant", ("Registered", "Renamed")),
        **_events(
            User,
            "domain.tenants:User",
            (
                "Registered",
                "RolesChanged",
                "PasswordSet",
                "Disabled",
                "Enabled",
                "SignedIn",
                "SignInFailed",
                "LockedOut",
                "SignedOut",
                "TokenIssued",
                "TokenRevoked",
                "ContactChanged",
                "PersonalDataErased",
            ),
        ),
        **_events(
            Project,
            "domain.ledger:Project",
            ("Registered", "EntryRecorded", "StatementRecorded", "SummaryRecorded"),
        ),
        **_events(Project, "domain.ledger:Project", ("ClassificationChanged",)),
        **_events(IndicatorTemplate, "domain.templates:IndicatorTemplate", ("Published", "Revised")),
        **_events(
            TargetDeclaration,
            "domain.targets:TargetDeclaration",
            (
                "Declared",
                "DetailsRecorded",
                "IndicatorSet",
                "IndicatorRemoved",
                "Submitted",
                "Reviewed",
                "AdjustmentRequested",
                "AdjustmentDecided",
            ),
        ),
        **_events(MonitoringRound, "domain.monitoring:MonitoringRound", ("Opened", "Closed")),
        **_events(
            MonitoringReport,
            "domain.monitoring:MonitoringReport",
            ("Started", "ExecutionTaken", "LineAnswered", "Submitted", "AlertRaised", "AlertResolved"),
        ),
        **_events(
            Rectification,
            "domain.rectification:Rectification",
            (
                "Opened",
                "FindingRecorded",
                "FindingWithdrawn",
                "Sent",
                "MeasuresFiled",
                "Reviewed",
                "OverdueWarned",
            ),
        ),
        **_events(
            EvaluationReport,
            "domain.reporting:EvaluationReport",
            ("Started", "EngagementRecorded", "SectionWritten"),
        ),
        **_events(FirmRecord, "domain.engagements:FirmRecord", ("Recorded", "RelationRecorded")),
        **_events(
            Engagement, "domain.engagements:Engagement", ("Granted", "Accepted", "StaffChanged", "Revoked")
        ),
        **_events(ResultPolicy, "domain.results:ResultPolicy", ("Adopted", "Revised")),
        **_events(Recommendation, "domain.results:Recommendation", ("Made", "Remade", "Decided")),
        **_events(
            evaluation_events,
            "domain.evaluation:Evaluation",
            (
                "Started",
                "IndicatorDefined",
                "ActualRecorded",
                "IndicatorScored",
                "LedgerFiguresSynced",
                "DeductionApplied",
                "DeductionRevised",
                "DeductionWithdrawn",
                "DeviationNoted",
                "StatedScoreRecorded",
                "StatedTotalRecorded",
                "StatusChanged",
                "TemplateAdopted",
                "ScoreJudged",
            ),
        ),
        **_events(
            ProjectDisclosure, "domain.disclosure:ProjectDisclosure", ("Opened", "Published", "Withdrawn")
        ),
        **_events(EvidenceFile, "domain.evidence:EvidenceFile", ("Opened", "Attached", "Detached")),
    },
)
TOPICS.register_with_library()
