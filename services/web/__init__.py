"""The web UI (zh-CN): a shell page and ES modules served by the platform itself, plus the few
JSON endpoints the UI needs beyond the API (project lists, the dashboard, Excel in and out).

``web_handlers()`` is everything ``create_app`` registers for it, in one place.
"""

from __future__ import annotations

from typing import Any


def web_handlers() -> list[Any]:
    from services.web.api import UiController
    from services.web.cyclexcel import CycleExcelController
    from services.web.excel import ExcelController
    from services.web.resultsxcel import ResultsExcelController
    from services.web.routes import shell, static_files, vendored

    return [
        shell,
        static_files(),
        vendored,
        UiController,
        ExcelController,
        CycleExcelController,
        ResultsExcelController,
    ]
