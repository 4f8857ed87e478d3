"""The ``jixiao`` command line: ``up``, ``score``, ``import``, projections, the relay and the rest.

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
from services.runtime.errors import EmbeddedServiceError, RuntimeConfigError

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
    tp = sub.add_parser("template", help="指标模板：从文件发布或修订、列出可用模板")
    tps = tp.add_subparsers(dest="action", required=True)
    tpp = tps.add_parser("publish", help="从 YAML 文件发布模板（已有同名模板时加 --reason 修订为新版本）")
    tpp.add_argument("file", type=Path)
    tpp.add_argument("--tenant", required=True, help="模板所属单位代码（000000 为平台模板）")
    tpp.add_argument("--year", type=int, default=None, help="适用年度（默认不限）")
    tpp.add_argument("--based-on", default=None, help="在某模板基础上制定：单位代码/模板名称")
    tpp.add_argument("--reason", default=None, help="修订原因（修订已有模板时必填）")
    tpl = tps.add_parser("list", help="列出某单位可用的模板（本单位、上级单位、平台）")
    tpl.add_argument("--tenant", required=True)
    tpl.add_argument("--year", type=int, default=None)
    mo = sub.add_parser("monitor", help="绩效运行监控")
    mos = mo.add_subparsers(dest="action", required=True)
    mos.add_parser(
        "check", help="检查已过报送期限的监控轮次：逾期未报送的项目发出预警（jixiao up 每小时运行）"
    )
    re_ = sub.add_parser("reactions", help="平台对事件的反应：评价定稿、整改变化时提出预算建议（结果应用）")
    res = re_.add_subparsers(dest="action", required=True)
    res.add_parser("run", help="持续跟随事件日志（jixiao up 已在后台运行）")
    dl = sub.add_parser("disclosure", help="信息公开")
    dls = dl.add_subparsers(dest="action", required=True)
    dll = dls.add_parser("list", help="列出某单位公开（及已撤回）的信息")
    dll.add_argument("--tenant", required=True)
    dll.add_argument("--year", type=int, default=None)
    ap = sub.add_parser("api", help="只运行 HTTP API（多实例部署；需要 DATABASE_URL）")
    ap.add_argument("--host")
    ap.add_argument("--port", type=int)
    ap.add_argument("--workers", type=int)
    u = sub.add_parser("up", help="启动平台（内置 PostgreSQL 与 NATS），载入演示数据")
    u.add_argument("--no-demo", action="store_true", help="不载入演示数据")
    u.add_argument("--once", action="store_true", help="载入后立即退出（用于检查）")
    pr = sub.add_parser("projections", help="读模型投影：状态、重建、运行")
    prs = pr.add_subparsers(dest="action", required=True)
    prs.add_parser("status", help="各投影的位置与落后量")
    rb = prs.add_parser("rebuild", help="在线从零重建一个投影（完成后切换）")
    rb.add_argument("name")
    rn = prs.add_parser("run", help="持续跟随事件日志")
    rn.add_argument("--once", action="store_true", help="追平后退出")
    v = sub.add_parser("verify", help="校验事件是否被篡改（哈希链与签名检查点）")
    v.add_argument("--tenant", default=None)
    v.add_argument("--checkpoint", type=Path, default=None, help="已导出的签名检查点文件")
    cp = sub.add_parser("checkpoints", help="导出签名检查点")
    cps = cp.add_subparsers(dest="action", required=True)
    ex = cps.add_parser("export")
    ex.add_argument("file", type=Path)
    rl = sub.add_parser("relay", help="事件中继：事件日志 → NATS JetStream")
    rls = rl.add_subparsers(dest="action", required=True)
    rls.add_parser("run", help="持续发布（jixiao up 也会运行）")
    sb = sub.add_parser("subscribe", help="以 JSON 行打印某单位（含下级）的事件")
    sb.add_argument("--tenant", required=True, help="单位代码，如 360100（含其全部下级单位）")
    sb.add_argument("--from-position", type=int, default=None, help="从该全局位置起重放")
    sb.add_argument("--since", default=None, help="从该时间起重放（ISO 8601）")
    sb.add_argument("--count", type=int, default=None, help="打印这么多条后退出")
    sc = sub.add_parser("schema", help="打印集成消息的 JSON Schema")
    scs = sc.add_subparsers(dest="action", required=True)
    scs.add_parser("events", help="每种消息类型一个 JSON Schema")
    nc = sub.add_parser("nats", help="NATS 配置")
    ncs = nc.add_subparsers(dest="action", required=True)
    nco = ncs.add_parser("config", help="生成账户与用户配置（每个单位一个只能订阅本辖区的用户）")
    nco.add_argument("--out", type=Path, default=None)
    nco.add_argument("--store-dir", default="/data/jetstream")
    nco.add_argument("--port", type=int, default=4222)
    nco.add_argument("--server-name", default=None, help="服务器名（集群成员必填，如 n1）")
    nco.add_argument("--cluster-name", default=None, help="集群名，如 jixiao-360000")
    nco.add_argument("--cluster-port", type=int, default=6222)
    nco.add_argument("--route", action="append", default=[], help="其他集群成员 nats://主机:6222（可重复）")
    nco.add_argument("--province", default=None, help="本省代码（JetStream 域 p<代码>，叶节点用户）")
    nco.add_argument("--domain", default=None, help="JetStream 域（默认 p<省代码>）")
    nco.add_argument("--national-url", default=None, help="国家级服务器叶节点地址 nats://主机:7422")
    nco.add_argument(
        "--monitor-port", type=int, default=None, help="HTTP 监控端口（/healthz、/jsz），如 8222"
    )
    nnc = ncs.add_parser("national-config", help="国家级服务器配置（各省以叶节点接入）")
    nnc.add_argument("--province", action="append", required=True, help="省级代码（可重复）")
    nnc.add_argument("--out", type=Path, default=None)
    nnc.add_argument("--store-dir", default="/data/jetstream")
    nnc.add_argument("--port", type=int, default=4222)
    nnc.add_argument("--leafnode-port", type=int, default=7422)
    nnc.add_argument("--server-name", default="national")
    nns = ncs.add_parser("national", help="在国家级服务器上创建各省的汇集流（NATS_URL）")
    nns.add_argument("--province", action="append", required=True, help="省级代码[=JetStream 域]（可重复）")
    nns.add_argument("--replicas", type=int, default=1)
    tk = sub.add_parser("token", help="签发 API 令牌（管理员，在服务器上执行）")
    tks = tk.add_subparsers(dest="action", required=True)
    ti = tks.add_parser("issue", help="签发一个令牌并打印")
    ti.add_argument("--tenant", required=True, help="用户所属单位代码")
    ti.add_argument("--user", required=True, help="用户名")
    ti.add_argument(
        "--roles", required=True, help="角色，逗号分隔：preparer,evaluator,reviewer,auditor,admin"
    )
    ti.add_argument("--evaluations", default=None, help="第三方评价机构：仅可访问的评价编号，逗号分隔")
    ti.add_argument(
        "--engagement", default=None, help="受托评价机构人员：委托编号（可访问的评价随委托变化，撤销即失效）"
    )
    ti.add_argument("--hours", type=float, default=12.0, help="有效小时数（默认 12）")
    return p


def cmd_token(
    tenant: str, user: str, roles: str, evaluations: str | None, hours: float, engagement: str | None = None
) -> int:
    import datetime
    import re
    import uuid as uuid_module

    from domain.tenants import Role
    from services.api.auth import TokenConfig, issue
    from services.runtime.settings import Settings

    if not re.fullmatch(r"[0-9]{6}", tenant):
        print(f"错误：--tenant 应为一个六位行政区划代码（半角数字），收到 {tenant!r}", file=sys.stderr)
        return 2
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}", user):
        print(f"错误：--user 只能由字母、数字和 ._@- 组成（最多 64 个字符），收到 {user!r}", file=sys.stderr)
        return 2
    try:
        parsed = tuple(Role(r.strip()) for r in roles.split(",") if r.strip())
    except ValueError:
        print(f"错误：未知角色 {roles!r}；可用：{', '.join(r.value for r in Role)}", file=sys.stderr)
        return 2
    if not parsed or not 0 < hours <= 24 * 366:
        print("错误：至少一个角色，有效期须大于 0 且不超过一年", file=sys.stderr)
        return 2
    grants: tuple[str, ...] = ()
    if evaluations is not None:  # given: a third party's token, limited to these evaluations
        grants = tuple(e.strip() for e in evaluations.split(",") if e.strip())
        try:
            grants = tuple(str(uuid_module.UUID(e)) for e in grants)
        except ValueError:
            print(
                f"错误：--evaluations 应为逗号分隔的评价编号（UUID），收到 {evaluations!r}", file=sys.stderr
            )
            return 2
        if not grants:
            print("错误：--evaluations 至少需要一个评价编号（不给此参数则签发本单位的令牌）", file=sys.stderr)
            return 2
    if engagement is not None:
        if grants:
            print("错误：--engagement 与 --evaluations 只能给出其一", file=sys.stderr)
            return 2
        try:
            engagement = str(uuid_module.UUID(engagement))
        except ValueError:
            print(f"错误：--engagement 应为委托编号（UUID），收到 {engagement!r}", file=sys.stderr)
            return 2
    config = TokenConfig.from_settings(Settings.from_env())
    print(
        issue(
            config,
            user=user,
            tenant=tenant,
            roles=parsed,
            evaluations=grants,
            ttl=datetime.timedelta(hours=hours),
            engagement=engagement or "",
        )
    )
    return 0


def cmd_score(files: Sequence[Path], tenant: str | None) -> int:
    """Scores in memory: the domain's own commands on aggregates nothing stores (no database)."""
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
        if args.command in ("projections", "verify", "checkpoints"):
            from services.commands import projections as pc

            if args.command == "verify":
                from services.commands.verify import cmd_verify

                return cmd_verify(args.tenant, args.checkpoint)
            if args.command == "checkpoints":
                return pc.cmd_export(args.file)
            if args.action == "status":
                return pc.cmd_status()
            if args.action == "rebuild":
                return pc.cmd_rebuild(args.name)
            return pc.cmd_run(args.once)
        if args.command == "monitor":
            from services.commands.monitor import cmd_monitor_check

            return cmd_monitor_check()
        if args.command == "reactions":
            from services.commands.reactor import cmd_reactions_run

            return cmd_reactions_run()
        if args.command == "disclosure":
            from services.commands.disclosure import cmd_disclosure_list

            return cmd_disclosure_list(args.tenant, args.year)
        if args.command == "template":
            from services.commands import templates as tc

            if args.action == "publish":
                return tc.cmd_template_publish(args.file, args.tenant, args.year, args.based_on, args.reason)
            return tc.cmd_template_list(args.tenant, args.year)
        if args.command == "nats":
            from services.commands import nats_config as nt

            if args.action == "national-config":
                return nt.cmd_national_config(args)
            if args.action == "national":
                return nt.cmd_national_streams(args)
            return nt.cmd_nats_config(args)
        if args.command in ("relay", "subscribe", "schema"):
            from services.commands import relay as rc

            if args.command == "relay":
                return rc.cmd_relay_run()
            if args.command == "subscribe":
                return rc.cmd_subscribe(args.tenant, args.from_position, args.since, args.count)
            return rc.cmd_schema_events()
        if args.command == "token":
            return cmd_token(
                args.tenant, args.user, args.roles, args.evaluations, args.hours, args.engagement
            )
        if args.command == "api":
            from services.commands.serve import main as serve_main

            flags = (("--host", args.host), ("--port", args.port), ("--workers", args.workers))
            return serve_main([f"{k}={v}" for k, v in flags if v is not None])
        if args.command == "up":
            from services.commands.up import cmd_up

            return cmd_up(demo=not args.no_demo, once=args.once)
    except (DomainError, EmbeddedServiceError, RuntimeConfigError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
