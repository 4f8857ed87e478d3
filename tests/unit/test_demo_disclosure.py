"""The demo's 信息公开: Mingguang's finalized self-evaluation and approved targets published (what
``jixiao up`` shows on /public/341182), and loading it again publishes nothing more."""

from __future__ import annotations

from domain.disclosure import Kind
from domain.ids import disclosure_id, project_id
from services.commands.demo import seed_demo
from services.commands.demo_disclosure import BUREAU, RESULT, TARGETS, seed_disclosure
from services.compose import build_in_memory
from tests.conftest import REPORTS
from tests.support import quick_accounts


def test_the_demo_publishes_a_result_and_targets() -> None:
    app = build_in_memory()
    seed_demo(app, REPORTS, quick_accounts(app))
    assert seed_disclosure(app) == 2
    assert seed_disclosure(app) == 0
    result = app.load_disclosure(disclosure_id(BUREAU, project_id(BUREAU, *RESULT)))
    [item] = result.live()
    assert item.kind is Kind.EVALUATION_RESULT and item.content.total is not None and item.content.scores
    targets = app.load_disclosure(disclosure_id(BUREAU, project_id(BUREAU, *TARGETS)))
    [item] = targets.live()
    assert item.kind is Kind.TARGETS and item.content.targets_version == 2
