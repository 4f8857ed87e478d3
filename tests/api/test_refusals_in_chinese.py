"""Issue 17 against a real server: every malformed body or query parameter is refused in Chinese,
naming the field in the user's words, and stores nothing; a deduction without an id gets one
from the server; "already exists" points to what exists."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import Live

BUREAU = "360102"  # 南昌市东湖区 (registered by the fixture, no demo data of its own)
# phrases of the validation library that must never reach a user
ENGLISH = (
    "Expected",
    "missing required field",
    "unknown field",
    "Object ",
    "Invalid",
    "Validation failed",
    "got `",
)


def _chinese(answer: httpx.Response) -> dict[str, Any]:
    problem: dict[str, Any] = answer.json()
    texts = [problem["detail"], *(e["message"] for e in problem.get("errors", []))]
    for text in texts:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), problem
        assert not any(phrase in text for phrase in ENGLISH), problem
    return problem


@pytest.fixture(scope="module")
def setup(live: Live) -> Iterator[dict[str, Any]]:
    """A project of 360102, its self-evaluation with one indicator and deduction D1."""
    headers = live.token(BUREAU)
    with live.client() as http:
        p = http.post(
            "/api/v1/projects", headers=headers, json={"code": "I17-1", "name": "测试项目", "year": 2024}
        )
        assert p.status_code == 201, p.text
        pid = p.json()["id"]
        e = http.post(
            f"/api/v1/projects/{pid}/evaluations",
            headers=headers,
            json={"kind": "self", "evaluator_name": "东湖区"},
        )
        assert e.status_code == 201, e.text
        eid = e.json()["id"]
        spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
        assert (
            http.post(f"/api/v1/evaluations/{eid}/indicators", headers=headers, json=spec).status_code == 200
        )
        d = {"deduction_id": "D1", "indicator": "1", "points": "1", "reason": "资料不全"}
        assert http.post(f"/api/v1/evaluations/{eid}/deductions", headers=headers, json=d).status_code == 201
        document = http.get("/api/docs/openapi.json").json()
    yield {"project": pid, "evaluation": eid, "headers": headers, "document": document}


def _fill(path: str, setup: dict[str, Any]) -> str:
    values = {
        "evaluation_id": setup["evaluation"],
        "project_id": setup["project"],
        "code": BUREAU,
        "key": "1",
        "deduction_id": "D1",
        "name": "模板",
        "username": "nobody",
        "token_id": str(uuid.uuid4()),
        "declaration": str(uuid.uuid4()),
        "adjustment": "A1",
        "round_id": str(uuid.uuid4()),
        "report": str(uuid.uuid4()),
        "warning_id": "overdue",
        "rectification": str(uuid.uuid4()),
        "finding_id": "F1",
        "recommendation": str(uuid.uuid4()),
        "engagement": str(uuid.uuid4()),
        "firm_code": "91360100MA35K7XY9E",
        "register": str(uuid.uuid4()),
        "evidence_id": str(uuid.uuid4()),
        "attachment_id": "f1",
    }
    for name, value in values.items():
        path = path.replace("{" + name + "}", value)
    assert "{" not in path, path
    return path


def _malformed(operation: dict[str, Any], document: dict[str, Any]) -> list[Any]:
    """Bodies the route must refuse: an array, an unknown field, each field of its example of the
    wrong shape, and (when it has required fields) an empty object."""
    media = operation["requestBody"]["content"]["application/json"]
    example = next(iter(media["examples"].values()))["value"]
    bodies: list[Any] = [[], {**example, "zz_unknown": 1}]
    bodies += [{**example, name: [[[]]]} for name in example]
    ref = media["schema"].get("$ref", "")
    schema = document["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    if schema.get("required"):
        bodies.append({})
    return bodies


def test_every_malformed_body_is_refused_in_chinese_and_stores_nothing(
    live: Live, setup: dict[str, Any]
) -> None:
    document = setup["document"]
    before = live.events()
    refused = 0
    with live.client() as http:
        for path, item in document["paths"].items():
            for method in ("post", "put"):
                operation = item.get(method)
                if not path.startswith("/api/v1/") or operation is None or "requestBody" not in operation:
                    continue
                if "application/json" not in operation["requestBody"]["content"]:
                    continue  # a file upload (佐证材料): its refusals are tests/api/test_evidence.py
                for body in _malformed(operation, document):
                    answer = http.request(method, _fill(path, setup), headers=setup["headers"], json=body)
                    assert answer.status_code == 400, (method, path, body, answer.text)
                    assert _chinese(answer)["code"] == "request.malformed"
                    refused += 1
    assert refused > 150
    assert live.events() == before


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"points": "1", "reason": "r"}, "缺少必填字段「指标编号」（indicator）"),
        ({"indicator": "1", "points": "1", "reason": 5}, "「原因」（reason）应为文本，收到的是整数"),
        (
            {"indicator": "1", "points": "1", "reason": "r", "remark": "x"},
            "字段「remark」不是本接口接受的字段",
        ),
        ({"indicator": "1", "points": "abc", "reason": "r"}, "「分值」（points）应为十进制数字"),
        ({"indicator": "1", "points": "1", "reason": ""}, "「原因」（reason）不能为空"),
        ({"indicator": "1" * 65, "points": "1", "reason": "r"}, "「指标编号」（indicator）最多 64 个字符"),
        ([1, 2], "请求体应为JSON 对象"),
    ],
)
def test_a_deduction_refused_names_the_field_in_chinese(
    live: Live, setup: dict[str, Any], body: Any, said: str
) -> None:
    before = live.events()
    with live.client() as http:
        answer = http.post(
            f"/api/v1/evaluations/{setup['evaluation']}/deductions", headers=setup["headers"], json=body
        )
    assert answer.status_code == 400, answer.text
    assert said in _chinese(answer)["detail"]
    assert live.events() == before


def test_nested_fields_and_enumerations_are_named(live: Live, setup: dict[str, Any]) -> None:
    with live.client() as http:
        bad_rule = {"key": "2", "name": "x", "weight": "1", "rule": {"kind": "guess"}}
        answer = http.post(
            f"/api/v1/evaluations/{setup['evaluation']}/indicators", headers=setup["headers"], json=bad_rule
        )
        assert answer.status_code == 400
        problem = _chinese(answer)
        assert "「评分规则类型」（rule.kind）不是可选的类型" in problem["detail"]
        assert problem["errors"][0]["field"] == "rule.kind"
        bad_kind = {"kind": "audit", "evaluator_name": "x"}
        answer = http.post(
            f"/api/v1/projects/{setup['project']}/evaluations", headers=setup["headers"], json=bad_kind
        )
        assert answer.status_code == 400 and "「类型」（kind）不是可选的值" in _chinese(answer)["detail"]


def test_bad_query_parameters_are_refused_in_chinese(live: Live, setup: dict[str, Any]) -> None:
    e, p, headers = setup["evaluation"], setup["project"], setup["headers"]
    with live.client() as http:
        latest = int(http.get(f"/api/v1/evaluations/{e}", headers=headers).headers["etag"].strip('"'))
        ledger_latest = int(
            http.get(f"/api/v1/projects/{p}/ledger", headers=headers).headers["etag"].strip('"')
        )
        for path in (f"/api/v1/evaluations/{e}", f"/api/v1/projects/{p}/ledger"):
            for value in ("abc", "1.5", "", "0", "-3"):
                answer = http.get(path, headers=headers, params={"version": value})
                assert answer.status_code == 400, (path, value, answer.text)
                assert "查询参数「版本号」（version）" in _chinese(answer)["detail"]
            answer = http.get(path, headers=headers, params={"as_of": "昨天"})
            assert answer.status_code == 400 and "as_of" in _chinese(answer)["detail"]
            answer = http.get(path, headers=headers, params={"as_of": "2001-01-01T00:00:00+08:00"})
            assert answer.status_code == 404, answer.text  # before it existed: said, not guessed
            _chinese(answer)
        for path, last, what in (
            (f"/api/v1/evaluations/{e}", latest, "评价"),
            (f"/api/v1/projects/{p}/ledger", ledger_latest, "项目台账"),
        ):
            for beyond in (last + 1, 9999, 10**30):
                answer = http.get(path, headers=headers, params={"version": str(beyond)})
                assert answer.status_code == 422, (path, beyond, answer.text)
                problem = _chinese(answer)
                assert f"该{what}现有版本 1–{last}" in problem["detail"] and problem["latest"] == last
            assert http.get(path, headers=headers, params={"version": str(last)}).status_code == 200
        answer = http.get(f"/api/v1/tenants/{BUREAU}/evaluations", headers=headers, params={"year": "今年"})
        assert (
            answer.status_code == 400
            and "year" in _chinese(answer)["detail"]
            and "整数" in answer.json()["detail"]
        )


def test_the_server_numbers_a_deduction_sent_without_an_id(live: Live, setup: dict[str, Any]) -> None:
    e, headers = setup["evaluation"], setup["headers"]
    with live.client() as http:
        body = {"indicator": "1", "points": "2", "reason": "未按期报送"}
        first = http.post(f"/api/v1/evaluations/{e}/deductions", headers=headers, json=body)
        second = http.post(f"/api/v1/evaluations/{e}/deductions", headers=headers, json=body)
        assert (first.status_code, second.status_code) == (201, 201), first.text
        ids = [first.json()["deduction_id"], second.json()["deduction_id"]]
        assert ids == ["1-D2", "1-D3"]  # D1 exists on indicator 1: the count goes on from it
        assert second.json()["version"] == first.json()["version"] + 1
        withdrawn = http.post(
            f"/api/v1/evaluations/{e}/deductions/1-D2/withdraw", headers=headers, json={"reason": "重复"}
        )
        assert withdrawn.status_code == 200, withdrawn.text
        given = http.post(
            f"/api/v1/evaluations/{e}/deductions", headers=headers, json={**body, "deduction_id": "own"}
        )
        assert given.json()["deduction_id"] == "own"
    schema = setup["document"]["components"]["schemas"]["ApplyDeduction"]
    assert "deduction_id" not in schema["required"] and "indicator" in schema["required"]


def test_already_exists_points_to_what_exists(live: Live, setup: dict[str, Any]) -> None:
    e, p, headers = setup["evaluation"], setup["project"], setup["headers"]
    before = live.events()
    with live.client() as http:
        again = http.post(
            f"/api/v1/projects/{p}/evaluations",
            headers=headers,
            json={"kind": "self", "evaluator_name": "东湖区"},
        )
        assert again.status_code == 409, again.text
        problem = _chinese(again)
        assert problem["existing"] == {"id": e, "href": f"/ui/evaluations/{e}"}
        assert f"/ui/evaluations/{e}" in problem["detail"] and "已存在" in problem["detail"]
        project = http.post(
            "/api/v1/projects", headers=headers, json={"code": "I17-1", "name": "同一项目", "year": 2024}
        )
        assert project.status_code == 409, project.text
        problem = _chinese(project)
        assert problem["existing"] == {"id": p, "href": f"/ui/projects/{p}"}
        assert f"/ui/projects/{p}" in problem["detail"]
        other_year = http.post(
            "/api/v1/projects", headers=headers, json={"code": "I17-1", "name": "次年", "year": 2025}
        )
        assert other_year.status_code == 201  # the same code in another year is another project
    assert live.events() == before + 1
