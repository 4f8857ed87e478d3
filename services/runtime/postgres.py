"""Embedded PostgreSQL (PyPI ``pgserver``) under the data directory.

pgserver keeps one server per data directory and counts the processes that asked for it
(``.handle_pids.json``): the server stops when the last of them exits. That is what lets
several platform processes (CLI, projector, relay) share one embedded database. A process
killed outright (SIGKILL, a crash) never takes itself off that list, and the server would then
outlive every later user: ``start_postgres`` forgets the processes that no longer exist first. As root,
pgserver runs the server as its own OS user ``pgserver``; the data directory's parents must
be traversable by that user.
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.runtime.errors import EmbeddedServiceError


@dataclass
class EmbeddedPostgres:
    server: Any
    url: str
    pgdata: Path

    def stop(self) -> None:
        with contextlib.suppress(Exception):  # already stopped by another handle: nothing to do
            self.server.cleanup()


def _check_dir(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise EmbeddedServiceError(f"数据目录 {path} 不是目录（是一个文件），请删除它或设置 JIXIAO_DATA_DIR")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise EmbeddedServiceError(f"无法创建数据目录 {path}：{e.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise EmbeddedServiceError(f"数据目录 {path} 不可写，请检查权限或设置 JIXIAO_DATA_DIR")


def start_postgres(data_dir: Path) -> EmbeddedPostgres:
    """Start (or join) the embedded server for ``data_dir/pg``; its data survives restarts."""
    data_dir = data_dir.expanduser().resolve()
    _check_dir(data_dir)
    pgdata = data_dir / "pg"
    if pgdata.exists() and not pgdata.is_dir():
        raise EmbeddedServiceError(f"PostgreSQL 数据目录 {pgdata} 不是目录")
    if "XDG_RUNTIME_DIR" not in os.environ:  # pgserver (platformdirs) warns without one
        run = data_dir / "run"
        run.mkdir(mode=0o700, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(run)
    if os.geteuid() == 0:  # the server runs as user pgserver: let it reach its data
        for p in (data_dir, *data_dir.parents):
            with contextlib.suppress(OSError):
                p.chmod(p.stat().st_mode | 0o011)
    _forget_dead_handles(pgdata)
    try:
        import pgserver  # type: ignore[attr-defined,unused-ignore]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
        url = server.get_uri()
    except Exception as e:  # pgserver raises plain exceptions with the server log inside
        raise EmbeddedServiceError(f"内置 PostgreSQL 无法在 {pgdata} 启动：{_first_line(e)}") from None
    return EmbeddedPostgres(server=server, url=url, pgdata=pgdata)


def _forget_dead_handles(pgdata: Path) -> None:
    """Take the processes that no longer exist off pgserver's list of the server's users."""
    handles = pgdata / ".handle_pids.json"
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return  # no list yet (or not one we can read): pgserver starts a new one
    if not isinstance(pids, list):
        return
    alive = [p for p in pids if isinstance(p, int) and _exists(p)]
    if alive != pids:
        with contextlib.suppress(OSError):
            handles.write_text(json.dumps(alive))


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def _first_line(e: BaseException) -> str:
    text = str(e).strip() or type(e).__name__
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[:3])
