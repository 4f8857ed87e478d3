"""The endpoints the web UI adds, over HTTP on a real server: project lists, the dashboard, ledger
sync, one evaluation's integrity, and Excel out and back in (round trip, per-row refusals)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from openpyxl import load_workbook

from domain.tenants import Role
from tests.api.conftest import Live

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _ok(response: Any) -> Any:
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json()


def _nanchang(live: Live, http: Any) -> tuple[dict[str, Any], str]:
    [project] = _ok(http.get("/api/v1/tenants/360100/projects?year=2022", headers=live.token("360100")))[
        "items"
    ]
    evaluation = next(e for e in project["evaluations"] if e["kind"] == "self")
    return project, evaluation["evaluation_id"]


def _start(live: Live, http: Any, project: str, kind: str, evaluator: str) -> str:
    body = {"kind": kind, "evaluator_name": evaluator, "grades": "long"}
    answer = http.post(
        f"/api/v1/projects/{project}/evaluations", headers=live.token("360100", *Role), json=body
    )
    return str(_ok(answer)["id"])


def _import(live: Live, http: Any, evaluation: str, content: bytes) -> Any:
    headers = {**live.token("360100", *Role), "Content-Type": XLSX, "X-Filename": "000.xlsx"}
    return http.post(f"/api/v1/evaluations/{evaluation}/import.xlsx", headers=headers, content=content)


def _scores(card: dict[str, Any]) -> dict[str, Any]:
    return {i["key"]: (i["score"], i["actual"]) for i in card["indicators"]}


def test_project_list_and_sibling_scope(live: Live) -> None:
    with live.client() as http:
        project, evaluation = _nanchang(live, http)
        assert project["name"] == "医疗保险业务经办能力提升项目"
        assert project["spent"] == "6220900.00" and project["budget_execution_rate"] == "93.41"
        assert project["tenant_name"] == "南昌市医疗保障局"
        sibling = live.token("360200")
        listed = http.get("/api/v1/tenants/360100/projects", headers=sibling)
        assert listed.status_code == 404 and "6220900" not in listed.text
        assert http.get(f"/api/v1/evaluations/{evaluation}/export.xlsx", headers=sibling).status_code == 404


def test_dashboard_counts_descendants(live: Live) -> None:
    with live.client() as http:
        board = _ok(
            http.get("/api/v1/tenants/360000/dashboard?year=2022", headers=live.token("360000", Role.AUDITOR))
        )
        names = [p["name"] for p in board["projects"]]
        assert "医疗保险业务经办能力提升项目" in names
        # 南昌's self-evaluation (99.74, 优秀) is a draft: counted as left out, not as a grade
        assert board["grades"] == [] and board["unfinalized_selfs"] >= 1
        assert [b["count"] for b in board["distribution"]] == [0, 0, 0, 0, 0]
        assert board["rollup"]["unfinalized"] >= 1 and board["rollup"]["average_self_score"] is None
        assert {c["tenant"] for c in board["children"]} >= {"360100", "360200"}
        nanchang = next(p for p in board["projects"] if p["tenant"] == "360100")
        assert nanchang["bar"] == "93.41" and nanchang["self"]["total"] == "99.74"
        # a county sees only its own subtree: Nanchang's project is not on Bohu's board
        bohu = _ok(http.get("/api/v1/tenants/652829/dashboard", headers=live.token("652829")))
        assert bohu["year"] == 2022 and all(p["tenant"] == "652829" for p in bohu["projects"])


def test_integrity_of_an_evaluation(live: Live) -> None:
    with live.client() as http:
        _, evaluation = _nanchang(live, http)
        live.settle()
        found = _ok(
            http.get(
                f"/api/v1/evaluations/{evaluation}/integrity", headers=live.token("360000", Role.AUDITOR)
            )
        )
        assert found["ok"] and found["events"] > 30 and found["verified"] == found["events"]
        refused = http.get(
            f"/api/v1/evaluations/{evaluation}/integrity", headers=live.token("360100", Role.PREPARER)
        )
        assert refused.status_code == 403


def test_excel_round_trip_into_a_fresh_evaluation(live: Live) -> None:
    everyone = live.token("360100", *Role)
    with live.client() as http:
        project, evaluation = _nanchang(live, http)
        exported = http.get(f"/api/v1/evaluations/{evaluation}/export.xlsx", headers=everyone)
        assert exported.status_code == 200 and exported.headers["content-type"].startswith(XLSX)
        sheet = load_workbook(io.BytesIO(exported.content)).active
        assert sheet is not None and sheet["A1"].value == "项目支出绩效自评表"
        name = quote("医疗保险业务经办能力提升项目-2022年度项目支出绩效自评表.xlsx", safe="")
        assert exported.headers["content-disposition"].endswith(f"filename*=UTF-8''{name}")
        form = _ok(http.get(f"/api/v1/evaluations/{evaluation}/form", headers=everyone))
        assert form["funds"][0]["label"] == "年度资金总额" and form["funds"][0]["annual"] == "666.00"  # 万元
        assert "flags" not in form and form["total"] == "99.74"
        fresh = _start(live, http, project["project_id"], "department", "南昌市医疗保障局复核")
        before = live.events()
        imported = _ok(_import(live, http, fresh, exported.content))
        assert imported["refusals"] == [] and imported["total"] == "99.74" and imported["grade"] == "优秀"
        assert live.events() > before
        live.settle()
        original = _ok(http.get(f"/api/v1/evaluations/{evaluation}", headers=everyone))
        copy = _ok(http.get(f"/api/v1/evaluations/{fresh}", headers=everyone))
        assert _scores(copy) == _scores(original) and copy["total"] == original["total"]
        assert not [f for f in copy["flags"] if f["code"].endswith("stated_mismatch")]
        again = live.events()
        assert _ok(_import(live, http, fresh, exported.content))["refusals"] == []
        assert live.events() == again  # every row equals what is stored: nothing new


def test_excel_import_refuses_rows_and_whole_files(live: Live) -> None:
    everyone = live.token("360100", *Role)
    with live.client() as http:
        project, evaluation = _nanchang(live, http)
        exported = http.get(f"/api/v1/evaluations/{evaluation}/export.xlsx", headers=everyone).content
        wb = load_workbook(io.BytesIO(exported))
        ws = wb.active
        assert ws is not None
        header = next(r for r in range(1, ws.max_row) if ws.cell(r, 4).value == "三级指标")
        cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
        leaf = next(r for r in range(header + 1, ws.max_row) if ws.cell(r, cols["三级指标"]).value)
        name = ws.cell(leaf, cols["三级指标"]).value
        ws.cell(leaf, cols["偏差原因分析及改进措施"]).value = "扣99分：超过分值"  # refused by the domain
        ws.cell(leaf + 1, cols["得分"]).value = "很好"  # not a number
        out = io.BytesIO()
        wb.save(out)
        fresh = _start(live, http, project["project_id"], "finance", "南昌市财政局")
        body = _ok(_import(live, http, fresh, out.getvalue()))
        rows = {r["row"]: r for r in body["refusals"]}
        assert rows[f"第 {leaf} 行 · 指标「{name}」"]["code"] == "deduction.exceeds_weight"
        assert any(r.startswith(f"第 {leaf + 1} 行") for r in rows)
        assert body["total"] == "99.74"  # the refused deduction stored nothing
        before = live.events()
        garbage = _import(live, http, fresh, b"not a zip")
        assert garbage.status_code == 422 and "无法读取" in garbage.json()["detail"]
        assert live.events() == before


def test_ledger_sync_rescores_ledger_indicators(live: Live) -> None:
    everyone = live.token("360100", *Role)
    with live.client() as http:
        project, evaluation = _nanchang(live, http)
        card = _ok(http.get(f"/api/v1/evaluations/{evaluation}", headers=everyone))
        _ok(
            http.post(
                f"/api/v1/projects/{project['project_id']}/entries",
                headers=everyone,
                json={
                    "kind": "expenditure",
                    "source": "当年财政拨款",
                    "amount": "439100.00",
                    "date": "2022-12-31",
                },
            )
        )
        synced = _ok(http.post(f"/api/v1/evaluations/{evaluation}/ledger-sync", headers=everyone))
        assert Decimal(synced["total"]) == Decimal(card["total"]) + Decimal("0.26")  # 预算执行率 3.74 → 4
