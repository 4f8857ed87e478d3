"""The source reports reproduced: 000 → 99.74 优秀, 004 → 96 优 with its contradiction flagged,
001's eight tables imported with impossible rows refused by name and suspicious totals flagged."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from domain.context import Actor
from domain.errors import AlreadyExists
from services.cli import main
from services.commands.demo import seed_demo
from services.commands.imports import import_report
from services.compose import build_application
from services.files.loader import load_report
from services.files.scorer import Scored, score_report, walk
from tests.support import quick_accounts

REPORTS = Path(__file__).resolve().parents[2] / "reports"


def scored(name: str) -> Scored:
    report = load_report(REPORTS / name)
    assert report.tenant is not None
    return score_report(report, report.tenant.code, Actor("test", "preparer", report.tenant.code, "acc"))


def by_name(s: Scored, name: str) -> Decimal | None:
    node = next(n for n in s.evaluation.nodes.values() if n.spec.name == name)
    return s.evaluation.score_of(node)


def codes(s: Scored) -> list[str]:
    return sorted(f.code for f in s.flags)


def test_000_nanchang_reproduces_99_74_excellent() -> None:
    s = scored("000-nanchang-2022.yaml")
    assert s.evaluation.total() == Decimal("99.74")
    assert s.evaluation.grade() == "优秀"
    ledger = s.project.total()
    assert (ledger.annual, ledger.received, ledger.spent) == (
        Decimal("6660000.00"),
        Decimal("6660000.00"),
        Decimal("6220900.00"),
    )
    assert ledger.execution_rate == Decimal("93.41")
    assert by_name(s, "预算执行率") == Decimal("3.74")
    assert by_name(s, "资金到位率") == Decimal("3.00")
    losing = [n.spec.name for n in s.evaluation.leaves() if s.evaluation.score_of(n) != n.spec.weight]
    assert losing == ["预算执行率"]  # the only indicator that loses points, as the report says
    assert s.refusals == []
    assert s.flags == []
    assert len(s.evaluation.leaves()) == 37  # 决策 6, 过程 5, 产出 24, 效益 1, 满意度 1


def test_004_bohu_narrative_gives_96_and_the_all_100_table_is_flagged() -> None:
    s = scored("004-bohu-2022.yaml")
    assert s.evaluation.total() == Decimal("96.00")
    assert s.evaluation.grade() == "优"
    assert by_name(s, "绩效目标合理性") == Decimal("2.00")
    assert by_name(s, "完成及时性") == Decimal("10.00")
    flags = {(f.code, f.message) for f in s.flags}
    assert ("total.stated_mismatch", "表中总分 100，计算总分 96.00") in flags
    mismatched = sorted(f.message for f in s.flags if f.code == "score.stated_mismatch")
    assert mismatched == [
        "「完成及时性」表中得分 12，计算得分 10.00",
        "「绩效目标合理性」表中得分 4，计算得分 2.00",
    ]
    assert s.refusals == []
    reasons = [d.reason for d in s.evaluation.deductions.values()]
    assert any("欠缺关联性" in r for r in reasons)


MINGGUANG = [
    # file, computed total, stated total, refused rows, flag codes
    ("001-mingguang-2021-1-xingzheng.yaml", "100.00", "100", [], []),
    ("001-mingguang-2021-2-sanyi.yaml", "100.00", "100", [], []),
    (
        "001-mingguang-2021-3-xinxihua.yaml",
        "100.00",
        "99.6",
        [],
        [
            "score.stated_mismatch",
            "score.stated_mismatch",
            "total.stated_mismatch",
            "weights.children_mismatch",
            "weights.total_not_100",
        ],
    ),
    (
        "001-mingguang-2021-4-shiwai.yaml",
        "75.00",
        "99.4",
        [],
        [
            "actual.missing",
            "actual.missing",
            "actual.missing",
            "score.stated_mismatch",
            "score.stated_mismatch",
            "total.stated_mismatch",
        ],
    ),
    (
        "001-mingguang-2021-5-yewuchushi.yaml",
        "90.00",
        "99.5",
        [],
        ["actual.missing", "score.stated_mismatch", "score.stated_mismatch", "total.stated_mismatch"],
    ),
    (
        "001-mingguang-2021-6-jiuzhu.yaml",
        "100.00",
        "99.5",
        ["指标「医疗机构医疗行为进一步规范」"],
        ["score.stated_mismatch", "total.stated_mismatch"],
    ),
    (
        "001-mingguang-2021-7-dingxiang.yaml",
        "100.00",
        "99.5",
        [],
        ["score.stated_mismatch", "total.stated_mismatch"],
    ),
    (
        "001-mingguang-2021-8-bingli.yaml",
        "10.00",
        "100",
        [],
        ["total.stated_mismatch", "weights.total_not_100"],
    ),
]


@pytest.mark.parametrize(
    ("name", "total", "stated", "refused", "flags"), MINGGUANG, ids=[m[0][17:-5] for m in MINGGUANG]
)
def test_001_mingguang_tables(
    name: str, total: str, stated: str, refused: list[str], flags: list[str]
) -> None:
    s = scored(name)
    assert s.evaluation.total() == Decimal(total)
    assert s.evaluation.stated_total == Decimal(stated)
    assert [r.row for r in s.refusals] == refused
    assert codes(s) == sorted(flags)
    # nothing valid is lost: every indicator of the file is in the evaluation, refused rows included
    report = load_report(REPORTS / name)
    assert len(s.evaluation.nodes) == len(list(walk(report.indicators)))
    assert len(s.project.entries) == len(report.ledger.entries)


def test_001_row_scored_above_its_weight_is_refused_by_name_and_the_row_kept() -> None:
    s = scored("001-mingguang-2021-6-jiuzhu.yaml")
    (refusal,) = s.refusals
    assert refusal.code == "score.above_weight"
    assert refusal.message == "得分 30 超过分值 10"
    assert by_name(s, "医疗机构医疗行为进一步规范") == Decimal("10.00")


def test_001_mingguang_has_eight_tables() -> None:
    assert len(list(REPORTS.glob("001-*.yaml"))) == 8


def test_score_command_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["score", str(REPORTS / "000-nanchang-2022.yaml")]) == 0
    out = capsys.readouterr().out
    assert "计算总分：99.74    等级：优秀" in out
    assert main(["score", str(REPORTS / "001-mingguang-2021-6-jiuzhu.yaml")]) == 1
    assert "✗ 指标「医疗机构医疗行为进一步规范」：得分 30 超过分值 10" in capsys.readouterr().out
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "project: {code: X, name: 坏文件, year: 2022}\nindicators: [{name: 缺分值}]\n", encoding="utf-8"
    )
    assert main(["score", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "weight" in err and "$.indicators[0]" in err


def test_every_report_imports_into_postgres_and_reads_back_the_same(
    database_url: str, event_count: Callable[[], int]
) -> None:
    app = build_application(database_url)
    try:
        summary = seed_demo(app, REPORTS, quick_accounts(app))
        assert len(summary.imported) == 10 and summary.skipped == []
        for path in sorted(REPORTS.glob("*.yaml")):
            s = scored(path.name)
            stored = app.evaluation(s.evaluation.id)
            assert stored.total() == s.evaluation.total(), path.name
            assert stored.flags() == s.evaluation.flags(), path.name
            assert stored.version == s.evaluation.version
        before = event_count()
        with pytest.raises(AlreadyExists):
            import_report(app, REPORTS / "000-nanchang-2022.yaml", "360100", "again")
        again = seed_demo(app, REPORTS, quick_accounts(app))
        assert (again.tenants, again.users, again.templates, again.imported) == (0, 0, 0, [])
        assert event_count() == before
        nanchang = app.evaluation(scored("000-nanchang-2022.yaml").evaluation.id)
        assert (nanchang.total(), nanchang.grade()) == (Decimal("99.74"), "优秀")
    finally:
        app.close()
