"""Comparing projection views: every table of a schema, rows sorted (tracking and update times left out)."""

from __future__ import annotations

from typing import Any

import psycopg


def view_rows(url: str, schema: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a projection's schema except its tracking row, sorted: for view equality."""
    with psycopg.connect(url) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_name <> 'tracking'",
                (schema,),
            )
        ]
        out = {}
        for t in tables:
            cols = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s "
                    "AND column_name <> 'updated_at' ORDER BY ordinal_position",
                    (schema, t),
                )
            ]
            out[t] = sorted(conn.execute(f"SELECT {', '.join(cols)} FROM {schema}.{t}").fetchall(), key=repr)
    return out
