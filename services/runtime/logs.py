"""The server's log: quiet by default, one JSON object per line when asked.

``jixiao up`` and every API worker call ``configure_logging`` once, before anything logs: the
console then shows warnings and errors only (PostgreSQL's helper, uvicorn and the NATS client
log their routine at INFO), the per-request lines only with ``JIXIAO_ACCESS_LOG=1``, and with
``JIXIAO_LOG_FORMAT=json`` each record is a JSON object on its own line (``time``, ``level``,
``logger``, ``message`` and the fields a record carries, such as an access line's ``method``,
``path``, ``status``, ``ms``, ``correlation_id`` and ``user``).
"""

from __future__ import annotations

import datetime
import json
import logging
import sys
from typing import Any, TextIO

ACCESS_LOGGER = "jixiao.api.access"
# what a record may carry besides its message (``extra=``), written as fields of its own in JSON
FIELDS = ("method", "path", "status", "ms", "correlation_id", "user", "replayed")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s：%(message)s"


class JsonLines(logging.Formatter):
    """One JSON object per record, on one line (Chinese kept as it is, not escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if name in record.__dict__:
                out[name] = record.__dict__[name]
        if record.exc_info:
            out["error"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(
    *, json_lines: bool = False, access_log: bool = False, stream: TextIO | None = None
) -> None:
    """The process's one log handler (on standard error unless ``stream``): warnings and errors of
    every library, and the access lines when ``access_log``."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines() if json_lines else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("pgserver").setLevel(logging.WARNING)  # its start and stop, step by step
    logging.getLogger(ACCESS_LOGGER).setLevel(logging.INFO if access_log else logging.WARNING)
