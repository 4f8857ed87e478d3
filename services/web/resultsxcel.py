"""Excel: a region's budget recommendations (结果应用) as one table — the sheet a finance bureau
takes into its budget preparation: per project the grade and total it came from, the
rectification state, the advice (and the share of a cut), the policy and version, and the
decision recorded back."""

from __future__ import annotations

import io
from typing import Any

from anyio import to_thread
from litestar import Controller, Request, Response, get
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from projections.results.queries import recommendations
from services.api.plumbing import XLSX, allowed, attachment, platform_of, read_models
from services.api.results import row_view
from services.app.policy import Caller, Target

COLUMNS = (
    ("年度", "year", 8),
    ("单位", "tenant", 10),
    ("项目", "project_name", 30),
    ("等级", "grade", 8),
    ("总分", "total", 8),
    ("整改", "rectification_label", 12),
    ("预算建议", "advice_label", 14),
    ("政策（单位/版本）", "policy", 16),
    ("财政决定", "decision_label", 10),
    ("执行建议", "applied_label", 14),
    ("决定日期", "decided_on", 12),
)
_DECISION = {"accepted": "采纳", "changed": "调整"}


def workbook(title: str, rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "预算建议"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([c[0] for c in COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for r in rows:
        values = {
            **r,
            "policy": f"{r['policy_tenant'] or '平台默认'} / 第 {r['policy_version']} 版",
            "decision_label": _DECISION.get(r["decision"] or "", "未决定"),
            "decided_on": r["decided_on"] or "",
        }
        ws.append([str(values[key]) if key == "total" else values[key] for _, key, _ in COLUMNS])
    for n, (_, _, width) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(n)].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class ResultsExcelController(Controller):
    path = "/api/v1"
    tags = ["结果应用"]  # noqa: RUF012

    @get(
        "/tenants/{code:str}/recommendations/export.xlsx",
        summary="导出本单位及下级单位的预算建议（.xlsx）",
        media_type=XLSX,
        guards=[allowed("results.read")],
    )
    async def export(
        self, request: Request[Any, Any, Any], caller: Caller, code: str, year: int | None = None
    ) -> Response[bytes]:
        platform = platform_of(request)

        def run() -> tuple[bytes, str]:
            platform.app.authorize(caller, "results.read", Target(code))
            rows = read_models(platform, caller, lambda conn: recommendations(conn, year, None))
            tree = platform.app.tree
            shown = [row_view(r) for r in rows if code in tree.lineage(r.tenant)]
            name = platform.app.tree.tenant(code).name
            title = f"{name}{f'{year}年度' if year else ''}绩效评价结果应用：下一年度预算建议"
            return workbook(title, shown), f"{name}-预算建议{f'-{year}' if year else ''}.xlsx"

        data, filename = await to_thread.run_sync(run)
        return Response(data, media_type=XLSX, headers={"Content-Disposition": attachment(filename)})
