"""信息公开 over HTTP on the real server: a district publishes its finalized self-evaluation (not
before: the refusal stores nothing; not as a preparer), idempotently; the public JSON and page show
it without a token, only the published fields, and nothing of a bureau that published nothing;
withdrawal takes it off the public page and keeps it (with the reason) in the bureau's list;
涉密 is refused while published and, once marked, publishing is refused; bad input is a Chinese
4xx."""

from __future__ import annotations

from typing import Any

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, OTHER, CITY = "360102", "341182", "360100"
REASON = "经办人周八档案不全，联系电话13912345678"


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json()


def evaluated(http: Any, unit: dict[str, str], code: str = "PUB-API", name: str = "医保公开项目") -> str:
    """A submitted self-evaluation (96 points) of a new project of ``unit``'s bureau."""
    project = _ok(
        http.post("/api/v1/projects", headers=unit, json={"code": code, "name": name, "year": 2024}),
        201,
    )["id"]
    ev = _ok(
        http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=unit,
            json={"kind": "self", "evaluator_name": "东湖区医保局"},
        ),
        201,
    )["id"]
    for spec in (
        {"key": "1", "name": "产出指标", "weight": "100"},
        {"key": "1.1", "name": "数量指标", "weight": "100", "parent": "1"},
        {"key": "1.1.1", "name": "参保人数", "weight": "100", "parent": "1.1", "rule": {"kind": "manual"}},
    ):
        _ok(http.post(f"/api/v1/evaluations/{ev}/indicators", headers=unit, json=spec))
    _ok(
        http.post(
            f"/api/v1/evaluations/{ev}/deductions",
            headers=unit,
            json={"indicator": "1.1.1", "points": "4", "reason": REASON},
        ),
        201,
    )
    _ok(http.post(f"/api/v1/evaluations/{ev}/submit", headers=unit))
    return ev


def test_publish_public_withdraw_classify(live: Live) -> None:
    unit = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, user="prep.pub")
    reviewer = live.token(DISTRICT, Role.REVIEWER, user="rev.pub")
    with live.client() as http:
        ev = evaluated(http, unit)
        body = {"kind": "evaluation_result", "source_id": ev}
        before = live.events()
        early = http.post("/api/v1/publications", headers=reviewer, json=body)
        assert early.status_code == 422 and early.json()["code"] == "disclosure.not_finalized", early.text
        assert "定稿" in early.json()["detail"]
        assert http.post("/api/v1/publications", headers=unit, json=body).status_code == 403
        assert live.events() == before  # refusals store nothing
        _ok(http.post(f"/api/v1/evaluations/{ev}/finalize", headers=reviewer))
        keyed = {**reviewer, "Idempotency-Key": "publish-pub-api"}
        first = _ok(http.post("/api/v1/publications", headers=keyed, json=body), 201)
        count = live.events()
        again = _ok(http.post("/api/v1/publications", headers=keyed, json=body), 201)
        assert again == first and live.events() == count
        assert first["key"] == f"evaluation_result:{ev}"
        live.settle()

        page = _ok(http.get(f"/api/v1/public/{DISTRICT}/publications"))  # no token
        [item] = [i for i in page["items"] if i["project_code"] == "PUB-API"]
        content = item["content"]
        assert (content["total"], content["grade"], content["bureau"]) == ("96.00", "优", DISTRICT)
        assert [(r["key"], r["score"]) for r in content["scores"]] == [("1", "96.00"), ("1.1", "96.00")]
        for secret in ("周八", "13912345678", "档案不全", "prep.pub", "rev.pub"):
            assert secret not in str(page)
        assert _ok(http.get(f"/api/v1/public/{DISTRICT}/publications?year=2023"))["items"] == []
        other = _ok(http.get(f"/api/v1/public/{OTHER}/publications"))
        assert other["items"] == [] and other["name"] == "明光市医疗保障局"  # its evaluations: unpublished
        city = _ok(http.get(f"/api/v1/public/{CITY}/publications"))
        assert city["items"] == []  # a bureau's page is its own, not its region's
        html = http.get(f"/public/{DISTRICT}")
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        assert "医保公开项目" in html.text and "96.00" in html.text and "<script" not in html.text
        assert "周八" not in html.text and "Content-Security-Policy" in html.headers

        for path, code in (
            ("/api/v1/public/abc/publications", 400),
            ("/api/v1/public/999999/publications", 404),
            (f"/api/v1/public/{DISTRICT}/publications?year=1900", 400),
            (f"/api/v1/public/{DISTRICT}/publications?year=abc", 400),
            ("/public/abc", 400),
        ):
            r = http.get(path)
            assert r.status_code == code, (path, r.text)
            assert any("\u4e00" <= ch <= "\u9fff" for ch in r.json()["detail"]), r.text

        project = _ok(http.get(f"/api/v1/evaluations/{ev}", headers=reviewer))["project_id"]
        classify = {"classified": True, "reason": "涉及敏感信息"}
        busy = http.put(f"/api/v1/projects/{project}/classification", headers=reviewer, json=classify)
        assert busy.status_code == 422 and busy.json()["code"] == "project.published", busy.text
        nobody = http.post(
            f"/api/v1/publications/{first['id']}/withdraw", headers=reviewer, json={"item": first["key"]}
        )
        assert nobody.status_code == 400  # a withdrawal needs its reason
        _ok(
            http.post(
                f"/api/v1/publications/{first['id']}/withdraw",
                headers=reviewer,
                json={"item": first["key"], "reason": "数据有误，更正后重新公开"},
            )
        )
        _ok(http.put(f"/api/v1/projects/{project}/classification", headers=reviewer, json=classify))
        refused = http.post("/api/v1/publications", headers=reviewer, json=body)
        assert refused.status_code == 422 and refused.json()["code"] == "disclosure.classified"
        live.settle()
        after = _ok(http.get(f"/api/v1/public/{DISTRICT}/publications"))
        assert not [i for i in after["items"] if i["project_code"] == "PUB-API"]
        assert "医保公开项目" not in http.get(f"/public/{DISTRICT}").text
        listed = _ok(http.get(f"/api/v1/tenants/{DISTRICT}/publications", headers=unit))
        [mine] = [p for p in listed if p["project_code"] == "PUB-API"]
        assert mine["withdrawn"] and mine["withdrawn_reason"] == "数据有误，更正后重新公开"
        stranger = http.get(
            f"/api/v1/tenants/{DISTRICT}/publications", headers=live.token("360200", Role.ADMIN)
        )
        assert stranger.status_code == 404


def test_targets_published_from_the_preview_and_the_register_in_time(live: Live) -> None:
    """The demo's Mingguang targets (approved, adjusted to version 2): the preview shows what will be
    frozen and stores nothing; publishing that version; the register now and as first opened; an
    auditor reads who published."""
    from domain.ids import declaration_id, project_id

    county = "341182"
    reviewer = live.token(county, Role.REVIEWER, user="rev.341182")
    source = str(declaration_id(county, project_id(county, 2021, "2021-XZYX")))
    body = {"kind": "targets", "source_id": source}
    with live.client() as http:
        before = live.events()
        preview = _ok(http.post("/api/v1/publications/preview", headers=reviewer, json=body))
        assert live.events() == before
        assert preview["content"]["targets_version"] == 2 and preview["content"]["targets"]
        assert "负责人" not in str(preview)  # the declaration's 项目负责人 is not published
        stale = {**body, "source_version": preview["source_version"] - 1}
        moved = http.post("/api/v1/publications", headers=reviewer, json=stale)
        assert moved.status_code == 422 and moved.json()["code"] == "disclosure.source_changed"
        confirmed = {**body, "source_version": preview["source_version"]}
        done = _ok(http.post("/api/v1/publications", headers=reviewer, json=confirmed), 201)
        register = _ok(http.get(f"/api/v1/publications/{done['id']}", headers=reviewer))
        [item] = register["items"]
        assert item["content"] == preview["content"] and item["source_version"] == preview["source_version"]
        auditor = live.token(county, Role.AUDITOR)
        opened = _ok(http.get(f"/api/v1/publications/{done['id']}?version=1", headers=auditor))
        assert opened["items"] == []
        assert http.get(f"/api/v1/publications/{done['id']}?version=1", headers=reviewer).status_code == 200
        assert http.get(f"/api/v1/publications/{done['id']}?version=9", headers=auditor).status_code == 422
        live.settle()
        trail = _ok(http.get(f"/api/v1/publications/{done['id']}/history", headers=auditor))
        assert [c["action"] for c in trail] == ["Opened", "Published"]
        assert trail[-1]["actor_id"] == "rev.341182" and trail[-1]["role"] == "reviewer"
        page = _ok(http.get(f"/api/v1/public/{county}/publications?year=2021"))
        assert [i["kind"] for i in page["items"]] == ["targets"]


def test_the_api_reference_shows_the_public_route_without_sign_in(live: Live) -> None:
    with live.client() as http:
        document = _ok(http.get("/api/docs/openapi.json"))
    public = document["paths"]["/api/v1/public/{code}/publications"]["get"]
    assert "无需登录" in public["summary"] and "不需要令牌" in public["description"]
    assert [p["name"] for p in public["parameters"]] == ["code", "year"]
    publish = document["paths"]["/api/v1/publications"]["post"]
    examples = publish["requestBody"]["content"]["application/json"]["examples"]
    assert {e["summary"] for e in examples.values()} >= {"公开已定稿的评价结果"}
