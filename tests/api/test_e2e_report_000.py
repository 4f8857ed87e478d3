"""End to end over HTTP only, as a bureau would: source report 000 recorded step by step by a
preparer, an evaluator and a reviewer reaches 99.74 / 优秀, and the audit trail shows each actor."""

from __future__ import annotations

from typing import Any

import msgspec

from domain.tenants import Role
from services.files.loader import load_report
from services.files.scorer import inputs_of, spec_of, walk
from tests.api.conftest import REPORTS, Live


def _ok(response: Any) -> Any:
    assert response.status_code < 300, (response.status_code, response.text)
    return response.json()


def test_report_000_over_http(live: Live) -> None:
    report = load_report(REPORTS / "000-nanchang-2022.yaml")
    preparer = live.token("360100", Role.PREPARER)
    evaluator = live.token("360100", Role.EVALUATOR)
    reviewer = live.token("360100", Role.REVIEWER)
    auditor = live.token("360000", Role.AUDITOR)  # the province's auditor reads its descendants
    doc = report.project
    with live.client() as http:
        project = _ok(
            http.post(
                "/api/v1/projects",
                headers=preparer,
                json={
                    "code": doc.code + "-HTTP",
                    "name": doc.name,
                    "year": doc.year,
                    "department": doc.department,
                    "implementing_unit": doc.unit,
                    "goal": doc.goal,
                },
            )
        )["id"]
        for entry in report.ledger.entries:
            body = {
                "kind": entry.kind.value,
                "source": entry.source.value,
                "amount": str(_amount(entry.amount)),
                "date": entry.date.isoformat(),
                "document": entry.document,
                "purpose": entry.purpose,
                "entry_id": entry.id,
            }
            _ok(http.post(f"/api/v1/projects/{project}/entries", headers=preparer, json=body))
        ev = report.evaluation
        evaluation = _ok(
            http.post(
                f"/api/v1/projects/{project}/evaluations",
                headers=evaluator,
                json={
                    "kind": ev.kind.value,
                    "evaluator_name": ev.evaluator.name if ev.evaluator else "自评",
                    "grades": ev.grades,
                },
            )
        )["id"]
        base = f"/api/v1/evaluations/{evaluation}"
        for key, parent, ind in walk(report.indicators):
            _ok(
                http.post(
                    f"{base}/indicators",
                    headers=evaluator,
                    json=msgspec.to_builtins(spec_of(key, parent, ind)),
                )
            )
        last: dict[str, Any] = {}
        for key, _, ind in walk(report.indicators):
            given = inputs_of(ind)
            if ind.rule is not None and (ind.actual is not None or given is not None):
                body = {"actual": None if ind.actual is None else str(ind.actual)}
                if given is not None:
                    body["given"] = msgspec.to_builtins(given)
                last = _ok(http.put(f"{base}/indicators/{key}/actual", headers=preparer, json=body))
            for n, d in enumerate(ind.deductions, 1):
                last = _ok(
                    http.post(
                        f"{base}/deductions",
                        headers=evaluator,
                        json={
                            "deduction_id": d.id or f"{key}-D{n}",
                            "indicator": key,
                            "points": str(d.points),
                            "reason": d.reason,
                        },
                    )
                )
        assert last["grade"] in ("优秀", "良好", "中", "差"), last  # the report's grade scheme
        submitted = _ok(http.post(f"{base}/submit", headers=preparer))  # brings in the ledger's figures
        assert (submitted["total"], submitted["grade"]) == ("99.74", "优秀"), submitted
        done = _ok(http.post(f"{base}/finalize", headers=reviewer))
        assert (done["total"], done["grade"]) == ("99.74", "优秀")
        live.settle()
        card = _ok(http.get(base, headers=auditor))
        assert (card["total"], card["grade"], card["status"]) == ("99.74", "优秀", "finalized")
        history = _ok(http.get(f"{base}/history", headers=auditor))
        actors = {(c["actor_id"], c["role"]) for c in history}
        assert {
            ("evaluator.360100", "evaluator"),
            ("preparer.360100", "preparer"),
            ("reviewer.360100", "reviewer"),
        } <= actors
        assert (history[-1]["actor_id"], history[-1]["role"]) == ("reviewer.360100", "reviewer")


def _amount(raw: Any) -> Any:
    from domain.money import parse_amount

    return parse_amount(raw)
