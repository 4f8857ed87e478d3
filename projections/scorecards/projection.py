"""The scorecards projection: one row per evaluation, one per indicator, one per deduction."""

from __future__ import annotations

from typing import Any

import msgspec
from psycopg import Cursor

from projections.core.folding import Folder
from projections.core.stream import Envelope
from projections.scorecards.rows import scorecard_of

EVALUATION_TOPIC = "domain.evaluation:Evaluation."
_JSON = msgspec.json.Encoder(decimal_format="number")


class ScorecardsProjection:
    name = "scorecards"
    version = 1

    def __init__(self) -> None:
        self.folder = Folder()

    def create(self, cur: Cursor[Any], schema: str) -> None:
        cur.execute(
            f"""
            CREATE TABLE IF NOT EXISTS {schema}.scorecards (
                evaluation_id uuid PRIMARY KEY, tenant text NOT NULL, project_id uuid NOT NULL, year int NOT NULL,
                kind text NOT NULL, evaluator text NOT NULL, third_party boolean NOT NULL, status text NOT NULL,
                total numeric NOT NULL, grade text NOT NULL, stated_total numeric, stated_grade text,
                flags jsonb NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL);
            CREATE INDEX IF NOT EXISTS scorecards_tenant ON {schema}.scorecards (tenant, year);
            CREATE INDEX IF NOT EXISTS scorecards_project ON {schema}.scorecards (project_id);
            CREATE TABLE IF NOT EXISTS {schema}.indicators (
                evaluation_id uuid NOT NULL, key text NOT NULL, tenant text NOT NULL, parent text, level int NOT NULL,
                name text NOT NULL, weight numeric NOT NULL, rule jsonb, standard text NOT NULL, target text,
                actual text, rule_score numeric, deducted numeric NOT NULL, score numeric, stated_score numeric,
                deviation text NOT NULL, not_applicable boolean NOT NULL, explanation text NOT NULL, ord int NOT NULL,
                PRIMARY KEY (evaluation_id, key));
            CREATE TABLE IF NOT EXISTS {schema}.deductions (
                evaluation_id uuid NOT NULL, deduction_id text NOT NULL, tenant text NOT NULL, key text NOT NULL,
                points numeric NOT NULL, reason text NOT NULL, active boolean NOT NULL,
                PRIMARY KEY (evaluation_id, deduction_id));
            """
        )

    def handle(self, cur: Cursor[Any], schema: str, batch: list[Envelope]) -> None:
        touched: dict[Any, tuple[Any, Any]] = {}
        for env in batch:
            if env.topic.startswith(EVALUATION_TOPIC):
                _, after = self.folder.apply(cur, env)
                touched[env.originator_id] = (after, env.timestamp)
        if not touched:
            return
        ids = list(touched)
        for table in ("scorecards", "indicators", "deductions"):
            cur.execute(f"DELETE FROM {schema}.{table} WHERE evaluation_id = ANY(%s)", (ids,))
        cards = [(scorecard_of(agg), at) for agg, at in touched.values()]
        with cur.copy(
            f"COPY {schema}.scorecards (evaluation_id, tenant, project_id, year, kind, evaluator, third_party, "
            "status, total, grade, stated_total, stated_grade, flags, version, updated_at) FROM STDIN"
        ) as copy:
            for c, at in cards:
                copy.write_row(
                    (
                        c.evaluation_id,
                        c.tenant,
                        c.project_id,
                        c.year,
                        c.kind,
                        c.evaluator,
                        c.third_party,
                        c.status,
                        c.total,
                        c.grade,
                        c.stated_total,
                        c.stated_grade,
                        _JSON.encode(c.flags).decode(),
                        c.version,
                        at,
                    )
                )
        with cur.copy(
            f"COPY {schema}.indicators (evaluation_id, key, tenant, parent, level, name, weight, rule, standard, "
            "target, actual, rule_score, deducted, score, stated_score, deviation, not_applicable, explanation, ord) "
            "FROM STDIN"
        ) as copy:
            for c, _ in cards:
                for n, i in enumerate(c.indicators):
                    rule = None if i.rule is None else _JSON.encode(i.rule).decode()
                    copy.write_row(
                        (
                            c.evaluation_id,
                            i.key,
                            c.tenant,
                            i.parent,
                            i.level,
                            i.name,
                            i.weight,
                            rule,
                            i.standard,
                            i.target,
                            i.actual,
                            i.rule_score,
                            i.deducted,
                            i.score,
                            i.stated_score,
                            i.deviation,
                            i.not_applicable,
                            i.explanation,
                            n,
                        )
                    )
        with cur.copy(
            f"COPY {schema}.deductions (evaluation_id, deduction_id, tenant, key, points, reason, active) FROM STDIN"
        ) as copy:
            for c, _ in cards:
                for d in c.deductions:
                    copy.write_row(
                        (c.evaluation_id, d.deduction_id, c.tenant, d.key, d.points, d.reason, d.active)
                    )

    def reset(self) -> None:
        self.folder.forget()
