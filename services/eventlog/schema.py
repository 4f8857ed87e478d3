"""The event table's schema on PostgreSQL: the library's table, made append-only, and the
function every save goes through.

The table itself is the eventsourcing library's (``postgres_env`` configures it from a libpq URL);
jixiao adds a trigger that refuses UPDATE, DELETE and TRUNCATE, and ``jixiao_insert_saves``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from eventsourcing.persistence import StoredEvent
from psycopg.conninfo import conninfo_to_dict

TABLE_PREFIX = "jixiao"


def postgres_env(database_url: str, *, pool_size: int = 5, cache_size: int = 0) -> dict[str, str]:
    """eventsourcing's POSTGRES_* settings from a libpq URL (TCP or a Unix-socket ``host=/dir``)."""
    info = conninfo_to_dict(database_url)
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": str(info.get("dbname") or "postgres"),
        "POSTGRES_HOST": str(info.get("host") or "localhost"),
        "POSTGRES_PORT": str(info.get("port") or "5432"),
        "POSTGRES_USER": str(info.get("user") or "postgres"),
        "POSTGRES_PASSWORD": str(info.get("password") or ""),
        "POSTGRES_POOL_SIZE": str(pool_size),
        "POSTGRES_MAX_OVERFLOW": str(pool_size),
        "CREATE_TABLE": "y",
    }
    if cache_size:
        env["AGGREGATE_CACHE_MAXSIZE"] = str(cache_size)
        env["AGGREGATE_CACHE_FASTFORWARD"] = "y"
    return env


IMMUTABLE_EVENTS_SQL = """
CREATE OR REPLACE FUNCTION jixiao_events_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '已记录的事件不可修改或删除（%）', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE OR REPLACE TRIGGER jixiao_events_immutable
    BEFORE UPDATE OR DELETE ON jixiao_events FOR EACH ROW EXECUTE FUNCTION jixiao_events_are_immutable();
CREATE OR REPLACE TRIGGER jixiao_events_no_truncate
    BEFORE TRUNCATE ON jixiao_events FOR EACH STATEMENT EXECUTE FUNCTION jixiao_events_are_immutable();
"""

# Group commit's insert (services/app/writes.py): the library's recorder locks, notifies and inserts
# in a pipelined transaction whose COMMIT the client sends after reading the results, so the table
# lock stays held while the client's thread waits for Python's GIL. One function call in
# autocommit does the same in one statement: the lock is held for the server's work alone.
# Under the exclusive lock nobody else inserts, so the function can first find the saves whose
# versions exist already and store all the others: a collision no longer fails the whole group.
# Returns one row per event, in order: its save's number and its position (NULL: save refused).
INSERT_EVENTS_SQL = """
CREATE OR REPLACE FUNCTION jixiao_insert_saves(
    saves int[], ids uuid[], versions bigint[], topics text[], states bytea[]
) RETURNS TABLE (save_no int, event_position bigint) LANGUAGE plpgsql AS $$
BEGIN
    LOCK TABLE jixiao_events IN EXCLUSIVE MODE;  -- ids become visible in commit order (as the library)
    NOTIFY jixiao_events;
    RETURN QUERY
        WITH r AS (
            SELECT * FROM unnest(saves, ids, versions, topics, states)
                WITH ORDINALITY AS u(s, id, v, topic, state, n)
        ), clashing AS (
            SELECT DISTINCT r.s FROM r
            JOIN jixiao_events e ON e.originator_id = r.id AND e.originator_version = r.v
        ), inserted AS (
            INSERT INTO jixiao_events (originator_id, originator_version, topic, state)
            SELECT r.id, r.v, r.topic, r.state FROM r
            WHERE r.s NOT IN (SELECT c.s FROM clashing c) ORDER BY r.n
            RETURNING originator_id, originator_version, notification_id
        )
        SELECT r.s::int, i.notification_id FROM r
        LEFT JOIN inserted i ON i.originator_id = r.id AND i.originator_version = r.v
        ORDER BY r.n;
END $$;
"""

INSERT_SAVES_SQL = "SELECT * FROM jixiao_insert_saves(%s, %s, %s, %s, %s)"


def insert_saves_params(saves: Sequence[Sequence[StoredEvent]]) -> tuple[list[Any], ...]:
    """``INSERT_SAVES_SQL``'s arguments: the events of all saves, each tagged with its save's index."""
    flat = [(k, s) for k, save in enumerate(saves) for s in save]
    return (
        [k for k, _ in flat],
        [s.originator_id for _, s in flat],
        [s.originator_version for _, s in flat],
        [s.topic for _, s in flat],
        [s.state for _, s in flat],
    )


def positions_of(rows: Sequence[tuple[int, int | None]], saves: int) -> list[list[int] | None]:
    """Per save, its events' positions, or None for a save left out (one of its versions exists)."""
    out: list[list[int] | None] = [[] for _ in range(saves)]
    for k, position in rows:
        positions = out[k]
        if position is None:
            out[k] = None
        elif positions is not None:
            positions.append(position)
    return out
