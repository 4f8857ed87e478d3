"""Issue 15's findings, reproduced against a real server: each failed before the fix.

A department evaluation belongs to its evaluator; idempotency keys are the caller's own;
hostile bodies get a clear Chinese 4xx and store nothing; the small holes (codes, ids, text,
content types, 405, 429, unknown tenants) are closed."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from domain.tenants import Role
from tests.api.conftest import Live

CITY, COUNTY = "341100", "341182"


def _setup(http: httpx.Client, live: Live, code: str) -> dict[str, str]:
    """A 341182 project; its parent 341100 starts a department evaluation of it and deducts."""
    county = live.token(COUNTY, Role.PREPARER, Role.EVALUATOR, user=f"prep.{code}")
    project = http.post(
        "/api/v1/projects", headers=county, json={"code": code, "name": "部门评价测试", "year": 2023}
    )
    assert project.status_code == 201, project.text
    pid = project.json()["id"]
    city = live.token(CITY, Role.PREPARER, Role.EVALUATOR, user="eval.341100")
    ev = http.post(
        f"/api/v1/projects/{pid}/evaluations",
        headers=city,
        json={"kind": "department", "evaluator_name": "滁州市医疗保障局"},
    )
    assert ev.status_code == 201, ev.text
    eid = ev.json()["id"]
    spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
    assert http.post(f"/api/v1/evaluations/{eid}/indicators", headers=city, json=spec).status_code == 200
    d = http.post(
        f"/api/v1/evaluations/{eid}/deductions",
        headers=city,
        json={"deduction_id": "D1", "indicator": "1", "points": "1", "reason": "部门评价扣分"},
    )
    assert d.status_code == 201, d.text
    return {"project": pid, "evaluation": eid}


def test_the_evaluated_bureau_cannot_change_its_parents_department_evaluation(live: Live) -> None:
    with live.client() as http:
        r = _setup(http, live, "H15-1")
        e = r["evaluation"]
        county = live.token(COUNTY, Role.EVALUATOR, Role.PREPARER, Role.REVIEWER, user="lisi")
        before = live.events()
        attempts = [
            ("POST", f"/api/v1/evaluations/{e}/deductions/D1/withdraw", {"reason": "被评价单位撤销"}),
            ("PUT", f"/api/v1/evaluations/{e}/stated-total", {"total": "100"}),
            ("POST", f"/api/v1/evaluations/{e}/submit", None),
            (
                "POST",
                f"/api/v1/evaluations/{e}/deductions",
                {"deduction_id": "D9", "indicator": "1", "points": "1", "reason": "x"},
            ),
            ("PUT", f"/api/v1/evaluations/{e}/indicators/1/actual", {"given": {"points": "100"}}),
        ]
        for method, path, body in attempts:
            answer = http.request(method, path, headers=county, json=body)
            assert answer.status_code == 403, (path, answer.status_code, answer.text)
        assert live.events() == before
        # it may read the evaluation and answer where the workflow asks it to: the deviation note
        assert http.get(f"/api/v1/evaluations/{e}", headers=county).status_code == 200
        note = http.put(
            f"/api/v1/evaluations/{e}/indicators/1/deviation", headers=county, json={"note": "已补充材料"}
        )
        assert note.status_code == 200, note.text


def test_idempotency_keys_belong_to_their_caller(live: Live) -> None:
    with live.client() as http:
        r = _setup(http, live, "H15-2")
        e = r["evaluation"]
        body = {"deduction_id": "K1", "indicator": "1", "points": "1", "reason": "带幂等键"}
        owner = live.token(CITY, Role.EVALUATOR, user="lisi")
        first = http.post(
            f"/api/v1/evaluations/{e}/deductions", headers={**owner, "Idempotency-Key": "same-key"}, json=body
        )
        assert first.status_code == 201
        # another bureau's lisi, auditor only: no replay of the other bureau's answer
        other = live.token("360100", Role.AUDITOR, user="lisi")
        replay = http.post(
            f"/api/v1/evaluations/{e}/deductions", headers={**other, "Idempotency-Key": "same-key"}, json=body
        )
        assert replay.status_code == 403 and "total" not in replay.json()
        # another bureau's evaluator with another body: the key is invisible to it (404, not 422 key_reused)
        evaluator = live.token("360100", Role.EVALUATOR, user="lisi")
        changed = {**body, "points": "2"}
        reuse = http.post(
            f"/api/v1/evaluations/{e}/deductions",
            headers={**evaluator, "Idempotency-Key": "same-key"},
            json=changed,
        )
        assert reuse.status_code == 404, reuse.text
        # the owner's own key on another path is a different key
        other_path = http.put(
            f"/api/v1/evaluations/{e}/indicators/1/deviation",
            headers={**owner, "Idempotency-Key": "same-key"},
            json={"note": "另一请求"},
        )
        assert other_path.status_code == 200, other_path.text


HOSTILE_NUMBERS = ["1e400", "NaN", "Infinity", "-Infinity", "sNaN", "1" * 40, "３", "٣", "1_000", " 5 "]


@pytest.mark.parametrize("number", HOSTILE_NUMBERS)
def test_hostile_numbers_are_refused_in_chinese_and_store_nothing(live: Live, number: str) -> None:
    with live.client() as http:
        r = _setup(http, live, f"H15-N{HOSTILE_NUMBERS.index(number)}")
        e, p = r["evaluation"], r["project"]
        city = live.token(CITY, Role.EVALUATOR, Role.PREPARER)
        county = live.token(COUNTY, Role.PREPARER)
        before = live.events()
        cases: list[tuple[str, str, Any, dict[str, str]]] = [
            (
                "POST",
                f"/api/v1/evaluations/{e}/deductions",
                {"deduction_id": "N1", "indicator": "1", "points": number, "reason": "r"},
                city,
            ),
            ("PUT", f"/api/v1/evaluations/{e}/deductions/D1", {"points": number, "reason": "r"}, city),
            ("PUT", f"/api/v1/evaluations/{e}/indicators/1/stated-score", {"score": number}, city),
            ("PUT", f"/api/v1/evaluations/{e}/stated-total", {"total": number}, city),
            (
                "POST",
                f"/api/v1/evaluations/{e}/indicators",
                {"key": "2", "name": "x", "weight": number},
                city,
            ),
            (
                "POST",
                f"/api/v1/projects/{p}/entries",
                {"kind": "expenditure", "source": "当年财政拨款", "amount": number, "date": "2023-02-01"},
                county,
            ),
        ]
        for method, path, body, headers in cases:
            answer = http.request(method, path, headers=headers, json=body)
            assert answer.status_code in (400, 422), (path, answer.status_code, answer.text)
            problem = answer.json()
            assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["detail"]), problem
        assert live.events() == before


def test_deep_nesting_and_non_utf8_bodies(live: Live) -> None:
    with live.client() as http:
        r = _setup(http, live, "H15-3")
        city = {**live.token(CITY, Role.EVALUATOR), "Content-Type": "application/json"}
        deep = '{"deduction_id":"X","indicator":"1","points":"1","reason":' + "[" * 1000 + "]" * 1000 + "}"
        for body in (deep.encode(), b'{"deduction_id":"X","indicator":"1","points":"1","reason":"\xff\xfe"}'):
            answer = http.post(
                f"/api/v1/evaluations/{r['evaluation']}/deductions", headers=city, content=body
            )
            assert answer.status_code == 400, answer.text
            assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.json()["detail"])


def test_small_holes(live: Live) -> None:
    with live.client() as http:
        r = _setup(http, live, "H15-4")
        e = r["evaluation"]
        city = live.token(CITY, Role.EVALUATOR, Role.PREPARER)
        platform_admin = live.token("000000", Role.ADMIN)
        for code in ("３４１１８９", "٣٤١١٨٨"):
            answer = http.post(
                "/api/v1/tenants",
                headers=platform_admin,
                json={"code": code, "name": "假单位", "level": "province"},
            )
            assert answer.status_code in (400, 422), answer.text
        for reason in ("有控制字符\x07", "反向\u202e文字", "零宽\u2066隔离"):
            answer = http.post(
                f"/api/v1/evaluations/{e}/deductions",
                headers=city,
                json={"deduction_id": "T1", "indicator": "1", "points": "1", "reason": reason},
            )
            assert answer.status_code in (400, 422), (reason, answer.text)
        bad_id = http.post(
            f"/api/v1/evaluations/{e}/deductions",
            headers=city,
            json={"deduction_id": "../../etc/passwd", "indicator": "1", "points": "1", "reason": "r"},
        )
        assert bad_id.status_code in (400, 422), bad_id.text
        as_text = http.post(
            f"/api/v1/evaluations/{e}/deductions",
            headers={**city, "Content-Type": "text/plain"},
            content=b'{"deduction_id":"T2","indicator":"1","points":"1","reason":"r"}',
        )
        assert as_text.status_code == 415, as_text.text
        wrong_method = http.delete(f"/api/v1/evaluations/{e}/deductions", headers=city)
        assert wrong_method.status_code == 405 and "POST" in wrong_method.headers.get("allow", "")
        for path in ("/api/v1/tenants/999999/evaluations", "/api/v1/tenants/999999"):
            assert http.get(path, headers=platform_admin).status_code == 404
