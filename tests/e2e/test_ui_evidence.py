"""佐证材料 in the browser: on the scorecard the evaluator uploads a file to an indicator, sees
it listed, downloads it, has a file that lies about its type refused in Chinese, and removes
the file with a reason; a deduction and a ledger entry have the same control."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import Page, expect

from domain.indicators import IndicatorSpec
from domain.ledger import EntryKind, FundingSource
from domain.rules import Manual
from domain.tenants import Role
from services.app.commands.inputs import RecordEntry
from services.compose import build_application
from tests.api.conftest import Live
from tests.e2e.conftest import accessible, shot, sign_in_link
from tests.support import deduct, define, evaluation, project, staff

DISTRICT = "360102"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n% ui evidence\n%%EOF\n"


def _evaluation(live: Live) -> tuple[str, str]:
    app = build_application(live.database_url)
    unit = staff(DISTRICT, "ui-evidence.360102")
    try:
        p = project(app, unit, "UI-EVID", "佐证材料界面", 2024)
        app.record_entry(
            unit,
            p.id,
            RecordEntry(
                EntryKind.RECEIVED, FundingSource.CURRENT, Decimal("500.00"), datetime.date(2024, 4, 1)
            ),
        )
        e = evaluation(app, unit, p.id)
        define(
            app,
            unit,
            e.id,
            IndicatorSpec("1", "过程", Decimal(100)),
            IndicatorSpec("1.1", "资料规范", Decimal(100), parent="1", rule=Manual()),
        )
        deduct(app, unit, e.id, "d1", "1.1", "2", "资料不全")
    finally:
        app.close()
    return str(p.id), str(e.id)


def test_evidence_on_an_indicator_a_deduction_and_a_ledger_entry(
    page: Page, live: Live, tmp_path: Path, axe_source: str
) -> None:
    project_id, evaluation_id = _evaluation(live)
    live.settle()
    sign_in_link(page, live, DISTRICT, Role.PREPARER, Role.EVALUATOR, user="ui-evidence.360102")
    page.goto(f"{live.url}/ui/evaluations/{evaluation_id}")
    page.get_by_role("button", name="「资料规范」指标的佐证材料（0 个）").click()
    dialog = page.get_by_role("dialog", name="「资料规范」指标的佐证材料")
    expect(dialog.get_by_role("list", name="已附佐证材料")).to_contain_text("尚未附佐证材料")

    lying = tmp_path / "伪装.pdf"
    lying.write_bytes(b"MZ\x90\x00 this is no pdf")
    dialog.get_by_label("选择文件（PDF、图片、Word、Excel、OFD、文本；不超过 20 MB）").set_input_files(
        str(lying)
    )
    dialog.get_by_role("button", name="上传").click()
    expect(dialog.get_by_role("alert")).to_contain_text("文件与其声称的类型不符")

    good = tmp_path / "评分依据.pdf"
    good.write_bytes(PDF)
    dialog.get_by_label("选择文件（PDF、图片、Word、Excel、OFD、文本；不超过 20 MB）").set_input_files(
        str(good)
    )
    dialog.get_by_label("说明（可选）").fill("会议纪要")
    dialog.get_by_role("button", name="上传").click()
    expect(dialog.get_by_role("status")).to_contain_text("已上传「评分依据.pdf」")
    expect(dialog.get_by_role("button", name="下载 评分依据.pdf")).to_be_visible()
    accessible(page, axe_source, "佐证材料对话框")
    shot(page, "60-evidence-dialog")
    with page.expect_download() as download:
        dialog.get_by_role("button", name="下载 评分依据.pdf").click()
    assert download.value.suggested_filename == "评分依据.pdf"
    assert Path(download.value.path()).read_bytes() == PDF

    dialog.get_by_role("button", name="移除 评分依据.pdf").click()
    dialog.get_by_label("移除「评分依据.pdf」的原因（文件保留，历史可查）").fill("上传错了")
    dialog.get_by_role("button", name="确认移除").click()
    expect(dialog.get_by_role("list", name="已附佐证材料")).to_contain_text("尚未附佐证材料")
    dialog.get_by_role("button", name="关闭").click()
    expect(page.get_by_role("button", name="「资料规范」指标的佐证材料（0 个）")).to_be_visible()

    page.get_by_role("button", name="扣分 d1的佐证材料（0 个）").click()
    dialog = page.get_by_role("dialog", name="扣分 d1的佐证材料")
    dialog.get_by_label("选择文件（PDF、图片、Word、Excel、OFD、文本；不超过 20 MB）").set_input_files(
        str(good)
    )
    dialog.get_by_role("button", name="上传").click()
    expect(dialog.get_by_role("button", name="下载 评分依据.pdf")).to_be_visible()
    dialog.get_by_role("button", name="关闭").click()
    expect(page.get_by_role("button", name="扣分 d1的佐证材料（1 个）")).to_be_visible()

    page.goto(f"{live.url}/ui/projects/{project_id}")
    expect(page.get_by_role("button", name="的佐证材料（0 个）").first).to_be_visible()


def test_evidence_of_a_finding_and_of_the_units_measures(page: Page, live: Live, tmp_path: Path) -> None:
    from domain.rectification import SourceKind
    from services.app.commands.cycle_inputs import OpenRectification, RecordFinding
    from tests.support import finalized_evaluation

    app = build_application(live.database_url)
    city = staff("360100", "ui-evidence.360100", Role.EVALUATOR, Role.REVIEWER)
    try:
        p = project(app, staff(DISTRICT, "ui-evidence.360102"), "UI-EVID-R", "整改佐证", 2024)
        ev = finalized_evaluation(app, city, p.id)
        r = app.open_rectification(city, OpenRectification(SourceKind.EVALUATION, ev.id))
        app.record_finding(city, r.id, RecordFinding("宣传覆盖不足", ["1.1"]))
    finally:
        app.close()
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x03" * 64)
    sign_in_link(page, live, "360100", Role.EVALUATOR, Role.REVIEWER, user="ui-evidence.360100")
    page.goto(f"{live.url}/ui/rectifications/{r.id}")
    page.get_by_role("button", name="问题 F1的佐证材料（0 个）").click()
    dialog = page.get_by_role("dialog", name="问题 F1的佐证材料")
    dialog.get_by_label("选择文件（PDF、图片、Word、Excel、OFD、文本；不超过 20 MB）").set_input_files(
        str(photo)
    )
    dialog.get_by_role("button", name="上传").click()
    expect(dialog.get_by_role("button", name="下载 现场照片.png")).to_be_visible()
    dialog.get_by_role("button", name="关闭").click()
    # the demander reads the unit's evidence but may not add to it
    page.get_by_role("button", name="问题 F1 的整改情况的佐证材料（0 个）").click()
    expect(page.get_by_role("dialog").get_by_role("button", name="上传")).to_have_count(0)
