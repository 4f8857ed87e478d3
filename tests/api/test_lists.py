"""Lists that scale, over HTTP on a real server: search, filters and pages of a bureau's projects
and evaluations done in SQL under the caller's scope, the total count, ``year=latest``, and every
bad parameter refused in Chinese (400 ``request.query``), never a 5xx.

明光 (341182) has the eight projects of report 001, all of 2021; its province 安徽 (340000) has none
of its own.
"""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from projections.core.paging import ListQuery
from projections.core.scope import SET_SCOPE_SQL, load_key, subtree
from projections.rollups.projects import page_projects
from projections.scorecards.lists import page_scorecards
from tests.api.conftest import Live

COUNTY, PROVINCE, SIBLING = "341182", "340000", "360200"


def _get(live: Live, path: str, tenant: str = COUNTY) -> Any:
    with live.client() as http:
        answer = http.get(path, headers=live.token(tenant))
    assert answer.status_code == 200, (answer.status_code, answer.text)
    return answer.json()


def test_projects_come_in_pages_with_the_total(live: Live) -> None:
    everything = _get(live, f"/api/v1/tenants/{COUNTY}/projects?page_size=200")
    assert everything["total"] == 8 and len(everything["items"]) == 8 and everything["pages"] == 1
    codes = [p["code"] for p in everything["items"]]
    assert codes == sorted(codes)
    seen: list[str] = []
    for number in (1, 2, 3):
        page = _get(live, f"/api/v1/tenants/{COUNTY}/projects?page={number}&page_size=3")
        assert (page["total"], page["page"], page["page_size"], page["pages"]) == (8, number, 3, 3)
        seen += [p["code"] for p in page["items"]]
    assert seen == codes  # three pages: every project once, in order
    beyond = _get(live, f"/api/v1/tenants/{COUNTY}/projects?page=4&page_size=3")
    assert beyond["items"] == [] and beyond["total"] == 8
    assert _get(live, f"/api/v1/tenants/{COUNTY}/projects")["page_size"] == 50  # the default


def test_search_by_name_or_code(live: Live) -> None:
    url = f"/api/v1/tenants/{COUNTY}/projects?q="
    by_name = _get(live, url + "救助")
    assert [p["name"] for p in by_name["items"]] == ["医保医疗救助项目资金支出"] and by_name["total"] == 1
    by_code = _get(live, url + "2021-yb")  # case-insensitive, part of the code
    assert [p["code"] for p in by_code["items"]] == ["2021-YBXXH"]
    assert _get(live, url + "%25")["total"] == 0  # "%" is a character, not a wildcard
    assert _get(live, url + "_")["total"] == 0
    assert _get(live, url + "%20%20")["total"] == 8  # blank: no search


def test_filters_by_status_grade_and_year(live: Live) -> None:
    everything = _get(live, f"/api/v1/tenants/{COUNTY}/projects?page_size=200")["items"]
    evaluations = [e for p in everything for e in p["evaluations"]]
    assert evaluations
    for status in {e["status"] for e in evaluations}:
        found = _get(live, f"/api/v1/tenants/{COUNTY}/projects?status={status}")
        expected = [p["code"] for p in everything if any(e["status"] == status for e in p["evaluations"])]
        assert [p["code"] for p in found["items"]] == expected and found["total"] == len(expected)
    for grade in {e["grade"] for e in evaluations}:
        found = _get(live, f"/api/v1/tenants/{COUNTY}/projects?grade={grade}")
        expected = [p["code"] for p in everything if any(e["grade"] == grade for e in p["evaluations"])]
        assert [p["code"] for p in found["items"]] == expected
    assert _get(live, f"/api/v1/tenants/{COUNTY}/projects?status=finalized&grade=不存在的等级")["total"] == 0
    assert _get(live, f"/api/v1/tenants/{COUNTY}/projects?year=2022")["total"] == 0
    of_2021 = _get(live, f"/api/v1/tenants/{COUNTY}/projects?year=2021")
    assert of_2021["total"] == 8 and of_2021["year"] == 2021 and of_2021["years"] == [2021]


def test_latest_year_and_the_subtree(live: Live) -> None:
    latest = _get(live, f"/api/v1/tenants/{COUNTY}/projects?year=latest")
    assert latest["year"] == 2021 and latest["total"] == 8
    own = _get(live, f"/api/v1/tenants/{PROVINCE}/projects?year=latest", PROVINCE)
    assert own["total"] == 0 and own["year"] is None and own["years"] == []
    region = _get(live, f"/api/v1/tenants/{PROVINCE}/projects?year=latest&subtree=true", PROVINCE)
    assert region["year"] == 2021 and region["total"] == 8
    assert {p["tenant_name"] for p in region["items"]} == {"明光市医疗保障局"}
    # the county's scope is its own: its province's list is outside it
    with live.client() as http:
        assert http.get(f"/api/v1/tenants/{PROVINCE}/projects", headers=live.token(COUNTY)).status_code == 404
        sibling = http.get(f"/api/v1/tenants/{COUNTY}/projects?subtree=true", headers=live.token(SIBLING))
        assert sibling.status_code == 404 and "2021" not in sibling.text


def test_evaluations_in_pages_filtered(live: Live) -> None:
    url = f"/api/v1/tenants/{COUNTY}/evaluations"
    everything = _get(live, url + "?page_size=200")
    assert everything["total"] == len(everything["items"]) >= 8
    first = everything["items"][0]
    assert {"project_code", "project_name", "status", "grade", "total"} <= set(first)
    one = _get(live, url + f"?project={first['project_id']}")
    assert {e["project_id"] for e in one["items"]} == {first["project_id"]}
    named = _get(live, url + "?q=救助")
    assert {e["project_name"] for e in named["items"]} == {"医保医疗救助项目资金支出"}
    graded = _get(live, url + f"?grade={first['grade']}&page_size=200")
    assert graded["total"] == sum(1 for e in everything["items"] if e["grade"] == first["grade"])
    two = _get(live, url + "?page=2&page_size=2")
    assert [e["evaluation_id"] for e in two["items"]] == [
        e["evaluation_id"] for e in everything["items"][2:4]
    ]
    assert _get(live, url + "?year=latest")["year"] == 2021


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=abc", "page"),
        ("page_size=10000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=201", "page_size"),
        ("year=abc", "year"),
        ("year=%EF%BC%92%EF%BC%90%EF%BC%92%EF%BC%91", "year"),  # full-width ２０２１
        ("year=99999", "year"),
        ("status=done", "status"),
        ("q=" + "长" * 101, "q"),
        ("q=a%00b", "q"),
        ("grade=%25", "grade"),
        ("project=not-a-uuid", "project"),
        ("subtree=yes", "subtree"),
    ],
)
def test_bad_parameters_are_refused_in_chinese(live: Live, query: str, parameter: str) -> None:
    with live.client() as http:
        for path in ("projects", "evaluations"):
            if path == "evaluations" and parameter == "subtree":
                continue
            if path == "projects" and parameter == "project":
                continue
            answer = http.get(f"/api/v1/tenants/{COUNTY}/{path}?{query}", headers=live.token(COUNTY))
            assert answer.status_code == 400, (path, query, answer.text)
            problem = answer.json()
            assert problem["code"] == "request.query" and problem["parameter"] == parameter
            assert problem["detail"].startswith(f"参数 {parameter} 不正确：")
        board = http.get(f"/api/v1/tenants/{COUNTY}/dashboard?year=abc", headers=live.token(COUNTY))
        assert board.status_code == 400 and "参数 year 不正确" in board.json()["detail"]


def test_the_list_queries_run_under_row_level_security(live: Live) -> None:
    """Run as the reader with a signed scope, a list asked for the wrong bureau shows nothing: the
    tenant filter in the SQL is not what keeps the rows apart, the database is."""
    with psycopg.connect(live.database_url) as owner:
        key = load_key(owner)
    everything = ListQuery(page_size=200)
    with psycopg.connect(live.database_url) as conn:
        conn.execute("SET ROLE jixiao_reader")
        conn.execute(SET_SCOPE_SQL, (subtree("360100"), key.sign(subtree("360100"))))
        assert page_projects(conn, PROVINCE, everything, subtree=True).total == 0
        assert page_scorecards(conn, COUNTY, everything).total == 0
        conn.execute(SET_SCOPE_SQL, (subtree(PROVINCE), key.sign(subtree(PROVINCE))))
        region = page_projects(conn, PROVINCE, everything, subtree=True)
        assert region.total == 8 and region.years == [2021]
        assert page_scorecards(conn, COUNTY, everything).total >= 8
