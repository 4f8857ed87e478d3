"""The platform's reactions, run as a follower of the event log (``services/app/reactions.py``):
``jixiao up`` runs it as a thread; ``jixiao reactions run`` runs it in the foreground on a
deployment (one process per database: two would do the same work twice, harmlessly).

Its position (the last stored event it has reacted to) is kept in ``jixiao_reactions``, updated
after each batch: a crash reads the batch again, and the reactions are idempotent.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg

from services.app.application import JixiaoApplication
from services.app.reactions import react

NAME = "results"
BATCH = 500
_DDL = "CREATE TABLE IF NOT EXISTS jixiao_reactions (name text PRIMARY KEY, position bigint NOT NULL)"
log = logging.getLogger("jixiao.reactions")


def position(conn: psycopg.Connection[Any], name: str = NAME) -> int:
    conn.execute(_DDL)
    row = conn.execute("SELECT position FROM jixiao_reactions WHERE name = %s", (name,)).fetchone()
    return int(row[0]) if row else 0


def run_once(app: JixiaoApplication, database_url: str, batch: int = BATCH) -> tuple[int, int]:
    """React to the next stored events; (events read, recommendations recorded)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        after = position(conn)
        rows = app.log.read(after, batch)
        if not rows:
            return 0, 0
        recorded = react(app, rows)
        conn.execute(
            "INSERT INTO jixiao_reactions VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET position = excluded.position",
            (NAME, rows[-1][0]),
        )
    return len(rows), recorded


def follow(app: JixiaoApplication, database_url: str, stop: threading.Event, every: float = 1.0) -> None:
    while not stop.is_set():
        try:
            read, recorded = run_once(app, database_url)
            if recorded:
                log.info("结果应用：新增或更新预算建议 %s 条", recorded)
            if read == BATCH:
                continue  # more waiting: no pause
        except psycopg.OperationalError as e:  # the database away for a moment: try again
            log.warning("结果应用跟随中断（%s），稍后重试", str(e).strip().splitlines()[0])
        except Exception:  # a defect: its stack, then on (the batch is read again)
            log.warning("结果应用跟随失败，稍后重试", exc_info=True)
        stop.wait(every)


def start_reactor(database_url: str, stop: threading.Event) -> threading.Thread:
    """``jixiao up``'s follower (its own application: its own connections)."""
    from services.compose import build_application

    def loop() -> None:
        app = build_application(database_url)
        try:
            follow(app, database_url, stop)
        finally:
            app.close()

    thread = threading.Thread(target=loop, name="reactions", daemon=True)
    thread.start()
    return thread


def cmd_reactions_run() -> int:
    from services.compose import build_application
    from services.runtime.services import running_services
    from services.runtime.settings import Settings

    stop = threading.Event()
    with running_services(Settings.from_env()) as endpoints:
        app = build_application(endpoints.database_url)
        print("结果应用跟随已启动（Ctrl-C 停止）")
        try:
            follow(app, endpoints.database_url, stop)
        except KeyboardInterrupt:
            stop.set()
        finally:
            app.close()
    print("结果应用跟随已停止。")
    return 0
