"""Over HTTP, for the comparison and the years of a project (issue 19 §6): a district's project
in 2023 and 2024 under one code, each year with a finalized 单位自评, and in 2024 the city's
finalized 部门评价 of it (``Live.finalized_evaluation``). Shared by the API and browser tests."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from domain.tenants import Role
from tests.api.conftest import Live

DISTRICT, CITY = "360102", "360100"
NAME = "医保政策宣传项目"


@dataclass(frozen=True)
class TwoYears:
    code: str
    first: str  # the 2023 project
    second: str  # the 2024 project, with the city's 部门评价 too
    department: str  # the city's evaluation


def _ok(r: httpx.Response, status: int = 200) -> dict[str, str]:
    assert r.status_code == status, r.text
    found: dict[str, str] = r.json()
    return found


def self_evaluation(live: Live, project: str, points: dict[str, str], *, finalize: bool = True) -> str:
    """The district's 单位自评 of ``project``: 1 产出 (60) → 1.1 宣传覆盖 (40), 1.2 满意度 (20); 2 效益 (40)
    → 2.1 政策知晓率 (40); ``points`` deducted per leaf; submitted and finalized."""
    unit = live.token(DISTRICT, Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, user=f"self.{DISTRICT}")
    with live.client() as http:
        start = {"kind": "self", "evaluator_name": "南昌市东湖区医疗保障局"}
        ev = _ok(http.post(f"/api/v1/projects/{project}/evaluations", headers=unit, json=start), 201)["id"]
        for key, name, weight, parent in (
            ("1", "产出", "60", None),
            ("1.1", "宣传覆盖", "40", "1"),
            ("1.2", "满意度", "20", "1"),
            ("2", "效益", "40", None),
            ("2.1", "政策知晓率", "40", "2"),
        ):
            spec: dict[str, object] = {"key": key, "name": name, "weight": weight}
            if parent:
                spec |= {"parent": parent, "rule": {"kind": "manual"}}
            _ok(http.post(f"/api/v1/evaluations/{ev}/indicators", headers=unit, json=spec))
        for key, taken in points.items():
            body = {"indicator": key, "points": taken, "reason": "自评发现不足"}
            _ok(http.post(f"/api/v1/evaluations/{ev}/deductions", headers=unit, json=body), 201)
        if finalize:
            _ok(http.post(f"/api/v1/evaluations/{ev}/submit", headers=unit))
            _ok(http.post(f"/api/v1/evaluations/{ev}/finalize", headers=unit))
    return ev


def first_year(live: Live, code: str) -> str:
    """The 2023 project of ``code`` with its ledger (budget 80,000, spent 60,000)."""
    unit = live.token(DISTRICT, Role.PREPARER, user=f"prep.{DISTRICT}")
    with live.client() as http:
        body = {"code": code, "name": NAME, "year": 2023}
        project = _ok(http.post("/api/v1/projects", headers=unit, json=body), 201)["id"]
        for kind, amount in (("initial_budget", "80000"), ("expenditure", "60000")):
            entry = {"kind": kind, "source": "当年财政拨款", "amount": amount, "date": "2023-03-01"}
            _ok(http.post(f"/api/v1/projects/{project}/entries", headers=unit, json=entry), 201)
    return project


def two_years(live: Live, code: str) -> TwoYears:
    first = first_year(live, code)
    self_evaluation(live, first, {"1.1": "10", "2.1": "4"})  # 86
    second, department = live.finalized_evaluation(DISTRICT, CITY, code, NAME)  # 2024; city: 1 → 1.1 (100)
    self_evaluation(live, second, {"1.2": "2"})  # 98; 宣传覆盖 40 against the city's 100
    live.settle()
    return TwoYears(code, first, second, department)
