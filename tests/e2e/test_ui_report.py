"""The evaluation report in the browser: from the city's finalized 部门评价, 「评价报告」 → start →
the engagement data and a part of the outline written on screen → both files download, and the
.docx read back carries what was written and the evaluation's total."""

from __future__ import annotations

import io

from docx import Document as read_docx
from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import shot
from tests.e2e.test_ui_cycle import _as

DISTRICT, CITY = "360102", "360100"


def test_write_and_download_the_report(page: Page, live: Live) -> None:
    _, ev = live.finalized_evaluation(DISTRICT, CITY, "UI-RPT", "报告演示")
    _as(page, live, CITY, Role.EVALUATOR, Role.REVIEWER, user="ui.rpt.360100")
    page.goto(f"{live.url}/ui/evaluations/{ev}")
    page.get_by_role("link", name="评价报告").click()
    page.get_by_role("button", name="开始撰写评价报告").click()
    page.get_by_role("button", name="评价工作信息").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("委托单位").fill("南昌市医疗保障局")
    dialog.get_by_label("评价组（每行一人：姓名，分工，职称或单位）").fill("张某，组长，高级经济师")
    dialog.get_by_role("button", name="保存").click()
    expect(page.get_by_role("table", name="评价工作信息")).to_contain_text("张某（组长）")
    page.get_by_role("button", name="撰写「六、有关建议」").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("正文（段落以换行分隔）").fill("加快预算执行进度。\n完善绩效指标。")
    dialog.get_by_role("button", name="保存").click()
    expect(page.get_by_role("region", name="六、有关建议")).to_contain_text("完善绩效指标。")
    with page.expect_download() as got:
        page.get_by_role("button", name="下载 Word（.docx）").click()
    path = got.value.path()
    assert got.value.suggested_filename.endswith(".docx")
    text = "\n".join(p.text for p in read_docx(io.BytesIO(path.read_bytes())).paragraphs)
    assert "完善绩效指标。" in text and "评价得分为 100.00 分" in text
    with page.expect_download() as pdf:
        page.get_by_role("button", name="下载 PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    shot(page, "60-evaluation-report")
