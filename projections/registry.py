"""Every projection of the platform, by name (fresh instances: each keeps its own folding cache)."""

from __future__ import annotations

from domain.errors import DomainError
from projections.access.projection import AccessProjection
from projections.audit.projection import AuditProjection
from projections.core.runner import Projection
from projections.cycle.projection import CycleProjection
from projections.disclosure.projection import DisclosureProjection
from projections.engagements.projection import EngagementsProjection
from projections.evidence.projection import EvidenceProjection
from projections.integrity.projection import IntegrityProjection
from projections.ledgers.projection import LedgersProjection
from projections.rectification.projection import RectificationProjection
from projections.results.projection import ResultsProjection
from projections.scorecards.projection import ScorecardsProjection
from projections.tenants.projection import TenantsProjection

NAMES = (
    "tenants",
    "ledgers",
    "scorecards",
    "audit",
    "integrity",
    "access",
    "cycle",
    "rectification",
    "results",
    "disclosure",
    "engagements",
    "evidence",
)


def projection(name: str) -> Projection:
    factories: dict[str, type] = {
        "tenants": TenantsProjection,
        "ledgers": LedgersProjection,
        "scorecards": ScorecardsProjection,
        "audit": AuditProjection,
        "integrity": IntegrityProjection,
        "access": AccessProjection,
        "cycle": CycleProjection,
        "rectification": RectificationProjection,
        "results": ResultsProjection,
        "disclosure": DisclosureProjection,
        "engagements": EngagementsProjection,
        "evidence": EvidenceProjection,
    }
    if name not in factories:
        raise DomainError(f"未知的投影「{name}」，可选：{'、'.join(NAMES)}", code="projection.unknown")
    made: Projection = factories[name]()
    return made


def all_projections() -> list[Projection]:
    return [projection(n) for n in NAMES]
