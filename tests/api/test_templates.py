"""Templates over HTTP: a city builds its template on the platform's for a year, its counties
list what they may use (never a sibling's), a revision does not move an evaluation that adopted
an earlier one until someone moves it, with a reason."""

from __future__ import annotations

from typing import Any

from domain.tenants import Role
from tests.api.conftest import Live

SPEC = {"key": "9", "name": "市级补充指标", "weight": "0", "rule": {"kind": "manual"}}


def _platform_template(http: Any, live: Live) -> dict[str, Any]:
    listed = http.get("/api/v1/tenants/360102/templates", headers=live.token("360102", Role.AUDITOR))
    assert listed.status_code == 200, listed.text
    platform = [t for t in listed.json() if t["tenant"] == "000000"]
    assert platform, listed.json()
    return dict(platform[0])


def test_a_city_template_inherits_and_is_listed_below_not_beside(live: Live) -> None:
    with live.client() as http:
        base = _platform_template(http, live)
        city = live.token("360100", Role.ADMIN)
        body = {
            "name": "南昌市2024年模板",
            "indicators": [],
            "year": 2024,
            "based_on": {"template_tenant": "000000", "template_name": base["name"]},
        }
        made = http.post("/api/v1/tenants/360100/templates", headers=city, json=body)
        assert made.status_code == 201, made.text
        sibling = http.post(
            "/api/v1/tenants/360200/templates",
            headers=live.token("360200", Role.ADMIN),
            json={"name": "景德镇模板", "indicators": [SPEC | {"weight": "100"}]},
        )
        assert sibling.status_code == 201, sibling.text
        live.settle()
        seen = http.get(
            "/api/v1/tenants/360102/templates",
            params={"year": 2024},
            headers=live.token("360102", Role.AUDITOR),
        ).json()
        names = [(t["tenant"], t["name"]) for t in seen]
        assert ("360100", "南昌市2024年模板") in names and ("000000", base["name"]) in names
        assert all(tenant != "360200" for tenant, _ in names)  # a sibling city's is not usable
        mine = next(t for t in seen if t["name"] == "南昌市2024年模板")
        assert mine["based_on"] == base["template_id"] and mine["indicators"] == base["indicators"]
        other_year = http.get(
            "/api/v1/tenants/360102/templates",
            params={"year": 2023},
            headers=live.token("360102", Role.AUDITOR),
        ).json()
        assert "南昌市2024年模板" not in [t["name"] for t in other_year]
        stranger = http.get("/api/v1/tenants/360102/templates", headers=live.token("360200", Role.AUDITOR))
        assert stranger.status_code == 404


def test_an_evaluation_stays_on_its_revision_until_moved_with_a_reason(live: Live) -> None:
    with live.client() as http:
        city = live.token("360100", Role.ADMIN)
        one = {"key": "1", "name": "旧口径", "weight": "100", "rule": {"kind": "manual"}}
        made = http.post(
            "/api/v1/tenants/360100/templates", headers=city, json={"name": "修订模板", "indicators": [one]}
        )
        assert made.status_code == 201, made.text
        own = live.token("360102", Role.PREPARER, user="prep.360102")
        project = http.post(
            "/api/v1/projects", headers=own, json={"code": "TPL-1", "name": "模板项目", "year": 2024}
        ).json()["id"]
        ev = http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=own,
            json={"kind": "self", "evaluator_name": "自评"},
        ).json()["id"]
        adopted = http.post(
            f"/api/v1/evaluations/{ev}/template",
            headers=own,
            json={"template_tenant": "360100", "template_name": "修订模板"},
        )
        assert adopted.status_code == 200, adopted.text
        two = one | {"name": "新口径"}
        no_reason = http.put(
            "/api/v1/tenants/360100/templates/修订模板", headers=city, json={"indicators": [two]}
        )
        assert no_reason.status_code == 400
        revised = http.put(
            "/api/v1/tenants/360100/templates/修订模板",
            headers=city,
            json={"indicators": [two], "reason": "2024 年口径调整"},
        )
        assert revised.status_code == 200, revised.text
        county = http.put(
            "/api/v1/tenants/360100/templates/修订模板",
            headers=live.token("360102", Role.ADMIN),
            json={"indicators": [two], "reason": "越级修改"},
        )
        assert county.status_code == 404  # a parent bureau's template is not the county's to change
        live.settle()
        card = http.get(f"/api/v1/evaluations/{ev}", headers=own).json()
        assert [i["name"] for i in card["indicators"]] == ["旧口径"]  # still on revision 1
        same = http.post(
            f"/api/v1/evaluations/{ev}/template/move", headers=own, json={"revision": 1, "reason": "x"}
        )
        assert same.status_code == 422 and same.json()["code"] == "template.same_revision"
        missing = http.post(
            f"/api/v1/evaluations/{ev}/template/move", headers=own, json={"revision": 3, "reason": "x"}
        )
        assert missing.status_code == 422 and missing.json()["code"] == "template.revision_unknown"
        moved = http.post(
            f"/api/v1/evaluations/{ev}/template/move",
            headers=own,
            json={"revision": 2, "reason": "采用新口径"},
        )
        assert moved.status_code == 200, moved.text
        live.settle()
        card = http.get(f"/api/v1/evaluations/{ev}", headers=own).json()
        assert [i["name"] for i in card["indicators"]] == ["新口径"]
        trail = http.get(
            f"/api/v1/evaluations/{ev}/history", headers=live.token("360102", Role.AUDITOR)
        ).json()
        moves = [c for c in trail if c["action"] == "TemplateAdopted"]
        assert [(c["reason"], c["after"]["revision"]) for c in moves] == [
            ("采用模板「修订模板」第 1 版", 1),
            ("采用新口径", 2),
        ], moves
