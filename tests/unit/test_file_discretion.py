"""The file format expresses what the API can: rounding policies and discretion on rules,
partial credit, discretionary scores with reasons, printed rates cross-checked (the example of
docs/file-format.md, scored the same way `jixiao score` scores it)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path

from domain.context import Actor
from services.files.loader import load_report
from services.files.scorer import score_report

FILE = """\
project: {code: "2023-X", name: 示例项目, year: 2023}
ledger:
  entries:
    - {kind: initial_budget, amount: 12万元, date: 2023-01-01}
    - {kind: received, amount: 12万元, date: 2023-02-01}
    - {kind: expenditure, amount: 11.75万元, date: 2023-12-20}
  statement: {execution_rate: 97.92, budget_execution_rate: 97.8}
indicators:
  - name: 全部
    weight: 25
    children:
      - name: 预算执行率
        weight: 10
        ledger: execution_rate
        rule: {kind: proportional, rounding_policy: {rate: fraction, rate_places: 2}}
      - name: 管理制度健全性
        weight: 10
        rule: {kind: checklist, discretion: 1, items: [{label: 制度健全, points: 4.5}, {label: 执行到位, points: 4.5}]}
        met: [1]
        partial: [{item: 2, points: 3}]
        judged: {adjustment: 0.5, reason: 制度执行情况好于要点所列}
      - name: 档案管理
        weight: 5
        rule: {kind: judgement}
        judged: {points: 4.5, reason: 档案基本齐全，个别缺页}
"""


def test_the_documented_example_scores_as_documented(tmp_path: Path) -> None:
    path = tmp_path / "example.yaml"
    path.write_text(FILE, encoding="utf-8")
    scored = score_report(load_report(path), "360100", Actor("file", "preparer", "360100", str(uuid.uuid4())))
    assert scored.refusals == []
    e = scored.evaluation
    scores = {n.spec.name: e.score_of(n) for n in e.leaves()}
    # 11.75 / 12 = 0.979166… → 0.98 × 10; 4.5 + 3 + 0.5; judged 4.5
    assert scores == {
        "预算执行率": Decimal("9.80"),
        "管理制度健全性": Decimal("8.00"),
        "档案管理": Decimal("4.50"),
    }
    codes = [f.code for f in scored.flags]
    assert codes.count("score.discretionary") == 2 and "score.partial_credit" in codes
    printed = [f for f in scored.flags if f.code == "ledger.printed_rate_mismatch"]
    assert [f.subject for f in printed] == ["执行率"]  # 97.92 agrees with 97.9167 %; 97.8 does not
