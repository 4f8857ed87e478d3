"""Hostile bodies, generated: whatever a client sends, the answer is never a 5xx, and a refused
command stores nothing (issue 15). The strategies mix the shapes the API expects with the values
attackers try: non-finite and oversized numbers, other scripts' digits, control and
bidirectional-override characters, wrong types, deep nesting and bytes that are not UTF-8."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.tenants import Role
from tests.api.conftest import Live

HOSTILE_TEXT = st.sampled_from(
    [
        "NaN",
        "Infinity",
        "-Infinity",
        "sNaN",
        "1e400",
        "1" * 40,
        "３",
        "٣",
        "1_000",
        " 5 ",
        "",
        "\u202e",
        "\x00",
        "\x07",
        "💥",
        "../../etc/passwd",
        "%00",
    ]
)
TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=30))
SCALAR = st.one_of(TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
FIELDS = (
    "deduction_id",
    "indicator",
    "points",
    "reason",
    "score",
    "total",
    "grade",
    "note",
    "actual",
    "given",
    "key",
    "name",
    "weight",
    "rule",
    "kind",
    "amount",
    "date",
    "source",
)
JSON = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=6)
    ),
    max_leaves=20,
)
BODY = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=7).map(lambda d: json.dumps(d).encode()),
    st.binary(max_size=64),
    st.integers(min_value=33, max_value=2000).map(lambda n: ("[" * n + "]" * n).encode()),
)


def test_no_body_makes_a_5xx_or_stores_on_refusal(live: Live) -> None:
    own = live.token("360100", *Role)
    with live.client() as http:
        project = http.post(
            "/api/v1/projects", headers=own, json={"code": "FUZZ-1", "name": "模糊测试", "year": 2023}
        ).json()["id"]
        ev = http.post(
            f"/api/v1/projects/{project}/evaluations",
            headers=own,
            json={"kind": "self", "evaluator_name": "自评"},
        ).json()["id"]
        spec = {"key": "1", "name": "规范", "weight": "100", "rule": {"kind": "manual"}}
        assert http.post(f"/api/v1/evaluations/{ev}/indicators", headers=own, json=spec).status_code == 200
        assert (
            http.post(
                f"/api/v1/evaluations/{ev}/deductions",
                headers=own,
                json={"deduction_id": "D1", "indicator": "1", "points": "1", "reason": "r"},
            ).status_code
            == 201
        )
        targets = [
            ("POST", f"/api/v1/evaluations/{ev}/deductions"),
            ("PUT", f"/api/v1/evaluations/{ev}/deductions/D1"),
            ("PUT", f"/api/v1/evaluations/{ev}/indicators/1/actual"),
            ("PUT", f"/api/v1/evaluations/{ev}/indicators/1/stated-score"),
            ("PUT", f"/api/v1/evaluations/{ev}/stated-total"),
            ("POST", f"/api/v1/evaluations/{ev}/indicators"),
            ("POST", f"/api/v1/projects/{project}/entries"),
            ("POST", "/api/v1/tenants"),
        ]
        seen: dict[int, int] = {}

        @given(target=st.sampled_from(targets), body=BODY, json_type=st.booleans())
        @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def attempt(target: tuple[str, str], body: bytes, json_type: bool) -> None:
            method, path = target
            before = live.events()
            headers = {**own, "Content-Type": "application/json" if json_type else "text/plain"}
            answer = http.request(method, path, headers=headers, content=body)
            seen[answer.status_code] = seen.get(answer.status_code, 0) + 1
            assert answer.status_code < 500, (method, path, body[:200], answer.text[:300])
            if answer.status_code >= 400:
                problem: dict[str, Any] = answer.json()
                assert problem["detail"] and any("\u4e00" <= c <= "\u9fff" for c in problem["detail"]), (
                    problem
                )
                assert live.events() == before, (method, path, body[:200])

        attempt()
    assert sum(seen.values()) >= 300 and any(code >= 400 for code in seen)
