"""The results projection: one row per recommendation (the latest, with the finance system's
decision) — a region's table and its export — and one per policy (its current rules)."""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from domain.results import Recommendation, ResultPolicy
from projections.core.folding import Folder
from services.eventlog.stream import Envelope

RECOMMENDATION = "domain.results:Recommendation."
POLICY = "domain.results:ResultPolicy."
_JSON = msgspec.json.Encoder(decimal_format="string")


def recommendation_row(r: Recommendation) -> tuple[Any, ...]:
    decided = r.decision
    return (
        r.id,
        r.tenant,
        r.evaluation_id,
        r.project_id,
        r.project_name,
        r.year,
        r.inputs.grade,
        r.inputs.total,
        r.inputs.policy_tenant,
        r.inputs.policy_version,
        r.inputs.rectification,
        r.outcome.advice.value,
        r.outcome.cut_pct,
        None if decided is None else decided[0].value,
        None if decided is None else decided[1].advice.value,
        None if decided is None else decided[1].cut_pct,
        None if decided is None else decided[2],
        r.version,
    )


class ResultsProjection:
    name = "results"
    version = 1
    partitioned = True  # a row depends only on its own aggregate

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.recommendations (
                recommendation_id uuid PRIMARY KEY, tenant text NOT NULL, evaluation_id uuid NOT NULL,
                project_id uuid NOT NULL, project_name text NOT NULL, year int NOT NULL, grade text NOT NULL,
                total numeric NOT NULL, policy_tenant text NOT NULL, policy_version int NOT NULL,
                rectification text NOT NULL, advice text NOT NULL, cut_pct numeric NOT NULL, decision text,
                applied_advice text, applied_cut_pct numeric, decided_on date, version int NOT NULL);
            CREATE INDEX IF NOT EXISTS recommendations_tenant ON {schema}.recommendations (tenant, year);
            CREATE TABLE IF NOT EXISTS {schema}.policies (
                tenant text PRIMARY KEY, revision int NOT NULL, rules jsonb NOT NULL, version int NOT NULL);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        for env in batch:
            if env.topic.startswith(RECOMMENDATION):
                r = self.folder.apply(cur, env)
                cur.execute(
                    f"INSERT INTO {schema}.recommendations VALUES "
                    "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
                    "ON CONFLICT (recommendation_id) DO UPDATE SET grade = excluded.grade, total = excluded.total, "
                    "policy_tenant = excluded.policy_tenant, policy_version = excluded.policy_version, "
                    "rectification = excluded.rectification, advice = excluded.advice, cut_pct = excluded.cut_pct, "
                    "decision = excluded.decision, applied_advice = excluded.applied_advice, "
                    "applied_cut_pct = excluded.applied_cut_pct, decided_on = excluded.decided_on, "
                    "version = excluded.version",
                    recommendation_row(r),
                )
            elif env.topic.startswith(POLICY):
                p: ResultPolicy = self.folder.apply(cur, env)
                cur.execute(
                    f"INSERT INTO {schema}.policies VALUES (%s, %s, %s, %s) ON CONFLICT (tenant) DO UPDATE "
                    "SET revision = excluded.revision, rules = excluded.rules, version = excluded.version",
                    (p.tenant, p.revision, _JSON.encode(p.rules).decode(), p.version),
                )

    def reset(self) -> None:
        self.folder.forget()
