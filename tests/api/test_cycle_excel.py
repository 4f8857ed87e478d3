"""The 申报表 and the 监控表 as Excel: export the 申报表, change a 指标值 in the workbook as a
bureau would, import it back — the declaration holds the new value, the rest unchanged; a file that
is not a workbook is refused and stores nothing; the 监控表 exports with the ledger's execution."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, CITY = "360102", "360100"


def test_declaration_round_trip_and_report_export(live: Live) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, user="xl.360102")
    with live.client() as http:
        project = http.post(
            "/api/v1/projects", headers=unit, json={"code": "XL-1", "name": "表格项目", "year": 2024}
        ).json()["id"]
        http.post(
            f"/api/v1/projects/{project}/entries",
            headers=unit,
            json={
                "kind": "initial_budget",
                "source": "当年财政拨款",
                "amount": "100000",
                "date": "2024-01-02",
            },
        )
        d = http.post(
            f"/api/v1/projects/{project}/targets", headers=unit, json={"details": {"annual_goal": "目标"}}
        ).json()["id"]
        for row in (
            {"key": "1", "name": "产出指标", "weight": "100"},
            {"key": "1.1", "name": "数量指标", "weight": "100", "parent": "1"},
            {
                "key": "1.1.1",
                "name": "参保人数",
                "weight": "60",
                "parent": "1.1",
                "value": "≥30万人",
                "nature": "≥",
                "unit": "万人",
            },
            {"key": "1.1.2", "name": "办件量", "weight": "40", "parent": "1.1", "value": "≥1000件"},
        ):
            assert (
                http.put(f"/api/v1/targets/{d}/indicators", headers=unit, json={"indicator": row}).status_code
                == 200
            )
        exported = http.get(f"/api/v1/targets/{d}/export.xlsx", headers=unit)
        assert exported.status_code == 200 and "filename*=UTF-8''" in exported.headers["content-disposition"]
        wb = load_workbook(io.BytesIO(exported.content))
        ws = wb.worksheets[0]
        assert ws["A1"].value == "项目支出绩效目标申报表"
        head = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "一级指标")
        assert ws.cell(head + 1, 3).value == "参保人数" and ws.cell(head + 1, 4).value == "≥30万人"
        assert any(
            str(m) == f"A{head + 1}:A{head + 2}" for m in ws.merged_cells.ranges
        )  # 一级 merged over its leaves
        ws.cell(head + 2, 4).value = "≥1200件"  # the bureau raises a value in the workbook
        out = io.BytesIO()
        wb.save(out)
        imported = http.post(f"/api/v1/targets/{d}/import.xlsx", headers=unit, content=out.getvalue())
        assert imported.status_code == 200, imported.text
        assert imported.json()["refusals"] == []
        view = http.get(f"/api/v1/projects/{project}/targets", headers=unit).json()
        values = {i["key"]: i.get("value", "") for i in view["indicators"]}
        assert values == {"1": "", "1.1": "", "1.1.1": "≥30万人", "1.1.2": "≥1200件"}
        before = live.events()
        junk = http.post(f"/api/v1/targets/{d}/import.xlsx", headers=unit, content=b"not a workbook")
        assert junk.status_code == 422 and "xlsx" in junk.json()["detail"]
        assert live.events() == before

        city = live.token(CITY, Role.REVIEWER)
        rid = http.post(
            f"/api/v1/tenants/{CITY}/monitoring/rounds",
            headers=city,
            json={"year": 2024, "name": "1–6月", "period_end": "2024-06-30", "deadline": "2099-07-20"},
        ).json()["id"]
        report = http.post(f"/api/v1/monitoring/rounds/{rid}/projects/{project}/report", headers=unit).json()[
            "id"
        ]
        sheet = http.get(f"/api/v1/monitoring/reports/{report}/export.xlsx", headers=unit)
        assert sheet.status_code == 200
        ws = load_workbook(io.BytesIO(sheet.content)).worksheets[0]
        cells = {ws.cell(r, 1).value: ws.cell(r, 3).value for r in range(3, 12)}
        assert cells["全年预算数（万元）"] == 10 and cells["监控期"] == "1–6月"
