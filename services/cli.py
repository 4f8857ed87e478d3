"""The ``jixiao`` command line: ``up``, ``score``, ``import``.

Nothing connects at import time; each command builds what it needs from settings.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path

from domain.context import Actor
from domain.errors import DomainError
from services.files.loader import load_report
from services.files.scorer import score_report
from services.files.table import render

FILE_ACTOR_ID = "file"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="jixiao", description="jixiao 项目支出绩效评价平台")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("score", help="计算评价文件的得分、等级和提示（不连接数据库）")
    s.add_argument("files", nargs="+", type=Path)
    s.add_argument("--tenant", default=None, help="行政区划代码（默认取文件中的 tenant.code）")
    i = sub.add_parser("import", help="把评价文件记录为事件")
    i.add_argument("files", nargs="+", type=Path)
    i.add_argument("--tenant", required=True, help="行政区划代码，如 360100")
    i.add_argument("--actor", default="import", help="记录在事件上的操作人")
    u = sub.add_parser("up", help="启动平台（内置 PostgreSQL 与 NATS），载入演示数据")
    u.add_argument("--no-demo", action="store_true", help="不载入演示数据")
    u.add_argument("--once", action="store_true", help="载入后立即退出（用于检查）")
    return p


def cmd_score(files: Sequence[Path], tenant: str | None) -> int:
    worst = 0
    for path in files:
        report = load_report(path)
        code = tenant or (report.tenant.code if report.tenant else "000000")
        actor = Actor(FILE_ACTOR_ID, "preparer", code, str(uuid.uuid4()))
        scored = score_report(report, code, actor)
        print(render(scored))
        print()
        if scored.refusals:
            worst = 1
    return worst


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "score":
            return cmd_score(args.files, args.tenant)
        if args.command == "import":
            from services.commands.imports import cmd_import

            return cmd_import(args.files, args.tenant, args.actor)
        if args.command == "up":
            from services.commands.up import cmd_up

            return cmd_up(demo=not args.no_demo, once=args.once)
    except DomainError as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
