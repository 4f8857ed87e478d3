"""Issue 19 §6 over HTTP on a real server: a project's 单位自评 against the city's 部门评价 (per
indicator, in total, gaps flagged, finalized only), and the project's years under one code —
scoped like the project's ledger (the bureau and those above it; a sibling or a third party: 404)."""

from __future__ import annotations

from typing import Any

import httpx

from domain.tenants import Role
from tests.api.comparisons import CITY, DISTRICT, first_year, self_evaluation, two_years
from tests.api.conftest import Live


def _ok(r: httpx.Response) -> Any:
    assert r.status_code == 200, r.text
    return r.json()


def test_self_against_the_city_per_indicator_and_in_total(live: Live) -> None:
    years = two_years(live, "CMP-API-1")
    with live.client() as http:
        found = _ok(http.get(f"/api/v1/projects/{years.second}/comparison", headers=live.token(CITY)))
        assert (found["code"], found["year"], found["self_evaluation"]["total"]) == (
            "CMP-API-1",
            2024,
            "98.00",
        )
        [department] = found["externals"]
        assert department["external"]["label"] == "部门评价" and department["compared"]
        assert (department["total_difference"], department["total_flagged"]) == ("-2.00", False)
        rows = {r["key"]: r for r in department["indicators"]}
        assert (rows["1.1"]["self_score"], rows["1.1"]["external_score"], rows["1.1"]["difference"]) == (
            "40.00",
            "100.00",
            "-60.00",
        )
        assert rows["1.1"]["flagged"] and rows["1.1"]["matched_by"] == "key"
        assert rows["2.1"]["external_score"] is None and not rows["2.1"]["flagged"]  # the self's only
        assert "10%" in found["rule"]
        # the district itself reads it too; a sibling and a third party do not see the project
        assert _ok(http.get(f"/api/v1/projects/{years.second}/comparison", headers=live.token(DISTRICT)))
        for who in (live.token("360200"), live.token(CITY, Role.EVALUATOR, evaluations=(years.department,))):
            refused = http.get(f"/api/v1/projects/{years.second}/comparison", headers=who)
            assert refused.status_code == 404 and "宣传覆盖" not in refused.text


def test_a_draft_side_is_not_compared(live: Live) -> None:
    project, _ = live.finalized_evaluation(DISTRICT, CITY, "CMP-API-2", "医保待遇宣传项目")
    self_evaluation(live, project, {}, finalize=False)
    live.settle()
    with live.client() as http:
        found = _ok(http.get(f"/api/v1/projects/{project}/comparison", headers=live.token(CITY)))
    assert found["self_evaluation"]["status"] == "draft"
    [department] = found["externals"]
    assert not department["compared"] and department["indicators"] == []
    assert department["note"] == "单位自评尚未定稿，不作比较（只比较已定稿的评价）"


def test_the_years_of_one_project_code(live: Live) -> None:
    two_years(live, "CMP-API-3")
    with live.client() as http:
        url = f"/api/v1/tenants/{DISTRICT}/projects/CMP-API-3/years"
        found = _ok(http.get(url, headers=live.token("360000", Role.AUDITOR)))
        assert [
            (y["year"], y["total"], y["grade"], y["budget"], y["execution_rate"]) for y in found["years"]
        ] == [
            (2023, "86.00", "良", "80000.00", "75.00"),
            (2024, "98.00", "优", "50000.00", "0.00"),
        ]
        lines = {line["key"]: line for line in found["indicators"]}
        assert lines["1.1"]["scores"] == ["30.00", "40.00"] and lines["1.1"]["name"] == "宣传覆盖"
        assert lines["2.1"]["scores"] == ["36.00", "40.00"]
        # nothing of that code: 404; a code no bureau writes: refused in Chinese; a sibling: 404
        missing = http.get(f"/api/v1/tenants/{DISTRICT}/projects/NONE/years", headers=live.token(DISTRICT))
        assert missing.status_code == 404
        long = http.get(f"/api/v1/tenants/{DISTRICT}/projects/{'X' * 65}/years", headers=live.token(DISTRICT))
        assert long.status_code == 400 and "项目编号" in long.json()["detail"]
        assert http.get(url, headers=live.token("360200")).status_code == 404


def test_a_year_whose_self_evaluation_is_a_draft_shows_no_scores(live: Live) -> None:
    first = first_year(live, "CMP-API-4")
    self_evaluation(live, first, {}, finalize=False)
    live.settle()
    with live.client() as http:
        found = _ok(
            http.get(f"/api/v1/tenants/{DISTRICT}/projects/CMP-API-4/years", headers=live.token(DISTRICT))
        )
    [year] = found["years"]
    assert (year["status"], year["total"], year["grade"]) == ("draft", None, None)
    assert found["indicators"] == []
