"""``jixiao up``: start the servers (embedded unless configured), load the demo, wait for Ctrl-C."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import psycopg

from domain.tenants import Role
from projections.registry import NAMES
from services.api.auth import TokenConfig, issue
from services.commands.demo import DEMO_TENANTS, seed_demo
from services.commands.projections import run_projectors
from services.commands.relay import start_relay
from services.commands.serve import serve
from services.compose import build_api, build_application, install
from services.relay.permissions import downstream_user, inbox_prefix
from services.relay.subjects import subtree
from services.relay.tenancy import registered_paths
from services.runtime.errors import EmbeddedServiceError, RuntimeConfigError
from services.runtime.nats import EmbeddedNats
from services.runtime.services import install_signal_handlers, running_services
from services.runtime.settings import Settings

DEMO_TOKENS: tuple[tuple[str, str, tuple[Role, ...]], ...] = (
    ("preparer.360100", "360100", (Role.PREPARER,)),
    ("evaluator.360100", "360100", (Role.EVALUATOR,)),
    ("reviewer.360100", "360100", (Role.REVIEWER,)),
    ("auditor.360000", "360000", (Role.AUDITOR,)),
    ("admin.360100", "360100", (Role.ADMIN,)),
    # one bureau's whole team in one sign-in, to try every page of the web UI
    ("demo.360100", "360100", (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR)),
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


def cmd_up(*, demo: bool = True, once: bool = False) -> int:
    install_signal_handlers()
    try:
        settings = Settings.from_env()
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
                s = seed_demo(app, reports_dir())
                print(f"  演示数据：新登记单位 {s.tenants} 个、用户 {s.users} 个、模板 {s.templates} 个")
                for line in s.imported:
                    print(f"    导入 {line}")
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
            print(f"  读模型投影：{'、'.join(NAMES)}（jixiao projections status 查看进度）")
            threads.append(
                start_relay(endpoints.database_url, endpoints.nats_url, settings, stop, endpoints.nats)
            )
            print(
                "  事件中继：事件日志 → NATS 流 JIXIAO，主题 jixiao.<省>.<市>.<县>.<聚合>.<事件>（见 docs/events.md）"
            )
            _print_downstream(endpoints.nats)
            tokens = TokenConfig.from_settings(settings)
            url = f"http://{settings.http_host}:{settings.http_port}"
            if demo and tokens.secret is not None:
                print("  演示令牌（12 小时有效；jixiao token issue 可签发更多）与网页登录链接：")
                for user, tenant, roles in DEMO_TOKENS:
                    token = issue(tokens, user=user, tenant=tenant, roles=roles)
                    print(f"    {user}: {token}")
                    print(f"      登录：{url}/ui/login#token={token}")
            print(f"  网页界面：{url}/ui/")
            print(f"  API 文档：{url}/api/docs")
            print(f"jixiao 已就绪：{url}")
            print("按 Ctrl-C 停止。", flush=True)
            try:
                if not once:
                    serve(build_api(settings, endpoints.database_url), settings, endpoints.database_url)
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=5)
    except (EmbeddedServiceError, RuntimeConfigError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    print("jixiao 已停止。")
    return 0
