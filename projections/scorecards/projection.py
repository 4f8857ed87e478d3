"""The scorecards projection: one row per evaluation, carrying the whole scorecard as a document.

The row's columns are what lists and roll-ups filter and sum (tenant, year, status, total,
grade); ``document`` is the scorecard (indicator tree, deductions, flags) encoded exactly as
the API sends it, so reading one is one primary-key SELECT and no re-encoding. Version 1 kept
indicator and deduction rows in their own tables: three times the rows written per change for
a view that is always read whole.
"""

from __future__ import annotations

from typing import Any

from psycopg import Cursor

from projections.core.folding import Folder
from projections.scorecards.rows import encode_scorecard, scorecard_of
from services.eventlog.stream import Envelope

EVALUATION_TOPIC = "domain.evaluation:Evaluation."


class ScorecardsProjection:
    name = "scorecards"
    version = 4  # v3: a not-applicable leaf counts nothing in its branch's subtotal; v4: judged
    partitioned = True  # rows depend only on the event's own aggregate: parallel rebuild

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.scorecards (
                evaluation_id uuid PRIMARY KEY, tenant text NOT NULL, project_id uuid NOT NULL, year int NOT NULL,
                kind text NOT NULL, evaluator text NOT NULL, third_party boolean NOT NULL, status text NOT NULL,
                total numeric NOT NULL, grade text NOT NULL, flag_count int NOT NULL, version int NOT NULL,
                updated_at timestamptz NOT NULL, document text NOT NULL);
            """
        )

    def indexes(self, cur: Cursor[Any], schema: str) -> None:
        """Secondary indexes: a rebuild creates them once, after the bulk load."""
        cur.execute(
            f"""
            CREATE INDEX IF NOT EXISTS scorecards_tenant ON {schema}.scorecards (tenant, year);
            CREATE INDEX IF NOT EXISTS scorecards_project ON {schema}.scorecards (project_id);
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        touched: dict[Any, tuple[Any, Any]] = {}
        for env in batch:
            if env.topic.startswith(EVALUATION_TOPIC):
                after = self.folder.apply(cur, env)
                touched[env.originator_id] = (after, env.timestamp)
        if not touched:
            return
        cur.execute(f"DELETE FROM {schema}.scorecards WHERE evaluation_id = ANY(%s)", (list(touched),))
        with cur.copy(
            f"COPY {schema}.scorecards (evaluation_id, tenant, project_id, year, kind, evaluator, third_party, "
            "status, total, grade, flag_count, version, updated_at, document) FROM STDIN"
        ) as copy:
            for agg, at in touched.values():
                c = scorecard_of(agg)
                copy.write_row(
                    (
                        agg.id,
                        c.tenant,
                        agg.project_id,
                        c.year,
                        c.kind,
                        c.evaluator,
                        c.third_party,
                        c.status,
                        c.total,
                        c.grade,
                        len(c.flags),
                        c.version,
                        at,
                        encode_scorecard(c).decode(),
                    )
                )

    def reset(self) -> None:
        self.folder.forget()
