"""Screens that never dead-end: the evaluator whose form was returned reads the reviewer's reason
where they work and is not offered the history they may not read; starting an evaluation finds
the bureau's own name filled in; the version list says 提交 / 退回, not 状态变更; a correction's
reason is shown with it and the ledger's changes are listed for the auditor, amounts to 2 decimals."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import sign_in_link

TEAM = ("360100", *Role)


def _returned_evaluation(live: Live) -> tuple[str, str]:
    team = live.token(*TEAM, user="dead.360100")
    with live.client() as http:
        project = http.post(
            "/api/v1/projects", headers=team, json={"code": "DEAD-1", "name": "退回项目", "year": 2023}
        ).json()["id"]
        ev = http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=team,
            json={"kind": "self", "evaluator_name": "自评"},
        ).json()["id"]
        spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
        assert http.post(f"/api/v1/evaluations/{ev}/indicators", headers=team, json=spec).status_code == 200
        assert http.post(f"/api/v1/evaluations/{ev}/submit", headers=team).status_code == 200
        back = http.post(f"/api/v1/evaluations/{ev}/return", headers=team, json={"reason": "请补充佐证材料"})
        assert back.status_code == 200, back.text
        for kind, amount, extra in (
            ("initial_budget", "999999", {}),
            ("expenditure", "12345.6", {}),
            ("correction", "-0.6", {"corrects": "L0002", "reason": "凭证金额录入错误"}),
        ):
            r = http.post(
                f"/api/v1/projects/{project}/entries",
                headers=team,
                json={
                    "kind": kind,
                    "source": "当年财政拨款",
                    "amount": amount,
                    "date": "2023-06-30",
                    **extra,
                },
            )
            assert r.status_code == 201, r.text
    live.settle()
    return str(ev), str(project)


def test_the_evaluator_reads_the_return_reason_where_they_work(page: Page, live: Live) -> None:
    ev, project = _returned_evaluation(live)
    sign_in_link(page, live, "360100", Role.PREPARER, Role.EVALUATOR, user="eva.360100")
    page.goto(f"{live.url}/ui/evaluations/{ev}")
    expect(page.locator("#return-reason")).to_contain_text("退回：请补充佐证材料")
    expect(page.get_by_role("link", name="变更历史")).to_have_count(0)  # a role error behind it: not offered

    page.goto(f"{live.url}/ui/projects/{project}")
    expect(page.get_by_label("评价机构")).to_have_value(
        "南昌市医疗保障局"
    )  # prefilled with the bureau's name
    entries = page.get_by_role("table", name="台账条目")
    expect(entries).to_contain_text("999,999.00")
    expect(entries).to_contain_text("12,345.60")
    expect(entries.get_by_role("row", name=re.compile("L0003"))).to_contain_text(
        "更正 L0002：凭证金额录入错误"
    )


def test_the_auditor_sees_what_happened_in_words(page: Page, live: Live) -> None:
    ev, project = _returned_evaluation_or_existing(live)
    sign_in_link(page, live, "360100", Role.AUDITOR, user="aud.360100")
    page.goto(f"{live.url}/ui/evaluations/{ev}")
    versions = page.locator("#tt-version")
    expect(versions).to_contain_text("提交")
    expect(versions).to_contain_text("退回")
    expect(versions).not_to_contain_text("状态变更")
    page.goto(f"{live.url}/ui/projects/{project}")
    changes = page.get_by_role("table", name="台账变更记录")
    expect(changes.get_by_role("row", name=re.compile("凭证金额录入错误"))).to_contain_text("-0.60 元")


def _returned_evaluation_or_existing(live: Live) -> tuple[str, str]:
    """The module's server is shared: the first test made the project; find it again."""
    team = live.token(*TEAM, user="dead.360100")
    with live.client() as http:
        rows = http.get("/api/v1/tenants/360100/evaluations", headers=team, params={"year": 2023}).json()[
            "items"
        ]
    mine = [r for r in rows if r["evaluator"] == "自评" and r["status"] == "returned"]
    if mine:
        return str(mine[0]["evaluation_id"]), str(mine[0]["project_id"])
    return _returned_evaluation(live)
