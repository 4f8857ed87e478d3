"""``jixiao up``: start the servers (embedded unless configured), load the demo, wait for Ctrl-C.

The console: what started, then 已就绪 with the demo accounts and the addresses as its last lines
once the API serves (logs: warnings only, ``services/runtime/logs.py``), and 「jixiao 已停止。」 as
the very last line on the way out."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import psycopg

from domain.tenants import Role
from projections.registry import NAMES
from services.api.auth import TokenConfig, issue
from services.commands.demo import DEMO_PASSWORD, DEMO_TENANTS, seed_demo
from services.commands.demo_disclosure import seed_disclosure
from services.commands.demo_evidence import seed_evidence
from services.commands.demo_year import seed_year
from services.commands.monitor import start_checker
from services.commands.projections import run_projectors
from services.commands.reactor import start_reactor
from services.commands.relay import start_relay
from services.commands.serve import serve
from services.compose import build_accounts, build_api, build_application, install
from services.evidence.config import object_store
from services.relay.permissions import downstream_user, inbox_prefix
from services.relay.subjects import subtree
from services.relay.tenancy import registered_paths
from services.runtime.errors import EmbeddedServiceError, RuntimeConfigError
from services.runtime.logs import configure_logging
from services.runtime.nats import EmbeddedNats
from services.runtime.services import install_signal_handlers, running_services
from services.runtime.settings import Settings

DEMO_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("360100", "demo.360100", "南昌市：填报、评价、审核、审计"),
    ("360100", "admin.360100", "南昌市：管理员，可管理本单位账户"),
    ("341182", "demo.341182", "明光市（县级）：填报、评价、审核、审计"),
    ("341100", "evaluator.341100", "滁州市：评价人，可对明光市项目做部门评价"),
    ("360000", "auditor.360000", "江西省：审计人员，查看全省并回溯历史"),
)


def reports_dir() -> Path:
    here = Path.cwd() / "reports"
    return here if here.is_dir() else Path(__file__).resolve().parents[2] / "reports"


def _masked(url: str) -> str:
    """The URL without its password (it is in the credentials file)."""
    scheme, _, rest = url.partition("://")
    if "@" not in rest:
        return url
    userinfo, _, host = rest.rpartition("@")
    return f"{scheme}://{userinfo.partition(':')[0]}:***@{host}"


def _print_downstream(server: EmbeddedNats | None) -> None:
    if server is None:
        print("  下游用户：外部 NATS 请用 jixiao nats config 生成账户与用户配置（见 deploy/nats/）")
        return
    base = f"nats://127.0.0.1:{server.port}"
    print(f"  下游订阅：每个单位一个 NATS 用户 t<单位代码>，只能订阅本辖区；密码见 {server.credentials.path}")
    for code in ("360000", "360100")[: len(server.tenants)]:
        if code in server.tenants:
            user = downstream_user(code)
            print(
                f"    {user}: {server.credentials.url(base, user)}  主题 {subtree(server.tenants[code])}"
                f"  收件箱前缀 {inbox_prefix(user)}"
            )
    print("    例：jixiao subscribe --tenant 360100 --from-position 1")


def _ready(settings: Settings, demo: bool) -> Callable[[], None]:
    """What ``up`` prints once it serves: 已就绪, then the demo accounts and the addresses, the
    last lines on the console (nothing is logged after them unless asked: ``JIXIAO_ACCESS_LOG``)."""

    def announce() -> None:
        url = f"http://{settings.http_host}:{settings.http_port}"
        tokens = TokenConfig.from_settings(settings)
        print(f"jixiao 已就绪：{url}")
        if demo:
            print(f"  演示账户（单位代码 / 用户名，密码均为 {DEMO_PASSWORD}）：")
            for code, user, what in DEMO_ACCOUNTS:
                print(f"    {code} / {user}  （{what}）")
            if tokens.secret is not None:
                example = issue(tokens, user="demo.360100", tenant="360100", roles=tuple(Role)[:4])
                print(f"  API 令牌示例（12 小时；系统对接请在“账户管理”中为系统账户签发）：{example}")
        print(f"  网页界面：{url}/ui/")
        print(f"  API 文档：{url}/api/docs")
        print("按 Ctrl-C 停止。", flush=True)

    return announce


def cmd_up(*, demo: bool = True, once: bool = False) -> int:
    install_signal_handlers()
    try:
        settings = Settings.from_env()
        configure_logging(json_lines=settings.log_format == "json", access_log=settings.access_log)
        with running_services(settings, join_nats=False) as endpoints:
            install(endpoints.database_url, settings)
            app = build_application(endpoints.database_url)
            print(
                "jixiao 已启动"
                + (
                    "（内置 PostgreSQL 与 NATS，数据目录 " + str(settings.data_dir.resolve()) + "）"
                    if endpoints.embedded
                    else ""
                )
            )
            print(f"  事件库 PostgreSQL：{endpoints.database_url}")
            print(f"  消息 NATS JetStream：{_masked(endpoints.nats_url)}")
            if demo:
                s = seed_demo(app, reports_dir(), build_accounts(app, endpoints.database_url))
                print(f"  演示数据：新登记单位 {s.tenants} 个、用户 {s.users} 个、模板 {s.templates} 个")
                for line in s.imported:
                    print(f"    导入 {line}")
                if s.cycles:
                    print(
                        f"    绩效目标与运行监控：{s.cycles} 个单位的年度进程（申报、审核、批复、调整、监控、预警）"
                    )
                evidence = seed_evidence(app, object_store(settings))
                if evidence:
                    print(f"    佐证材料：{evidence} 个文件（附于评价指标、扣分与台账条目）")
                if s.rectifications:
                    print(f"    整改：{s.rectifications} 份（一份已验收通过，一份逾期未报送整改情况）")
                if seed_disclosure(app):
                    print("    信息公开：明光市医疗保障局的评价结果与绩效目标，公开页面 /public/341182")
                for line in seed_year(app):
                    print(f"    {line}")
                if s.skipped:
                    print(f"    已存在（跳过）：{len(s.skipped)} 个评价文件")
                print("  演示单位：" + "、".join(f"{name}({code})" for code, name, _, _ in DEMO_TENANTS))
                print("  演示用户：<角色>.<单位代码>，如 evaluator.360100、auditor.652829")
            app.close()
            if endpoints.nats is not None:  # every registered tenant gets its downstream user
                with psycopg.connect(endpoints.database_url, autocommit=True) as conn:
                    endpoints.nats.allow(registered_paths(conn))
            stop = threading.Event()
            threads = run_projectors(settings, endpoints.database_url, stop)
            threads.append(start_checker(endpoints.database_url, stop))
            threads.append(start_reactor(endpoints.database_url, stop))
            print(f"  读模型投影：{'、'.join(NAMES)}（jixiao projections status 查看进度）")
            threads.append(
                start_relay(endpoints.database_url, endpoints.nats_url, settings, stop, endpoints.nats)
            )
            print(
                "  事件中继：事件日志 → NATS 流 JIXIAO，主题 jixiao.<省>.<市>.<县>.<聚合>.<事件>（见 docs/events.md）"
            )
            _print_downstream(endpoints.nats)
            ready = _ready(settings, demo)
            try:
                if once:
                    ready()
                else:
                    api = build_api(settings, endpoints.database_url)
                    serve(api, settings, endpoints.database_url, ready=ready)
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=5)
    except (EmbeddedServiceError, RuntimeConfigError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    logging.shutdown()  # anything still queued is written before the last line
    print("jixiao 已停止。", flush=True)
    return 0
