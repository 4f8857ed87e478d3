"""The acceptance path of the web UI in headless chromium, as a Nanchang bureau user would walk it:
sign in; record an expenditure; enter an actual value; apply and then revise a deduction, seeing
total and grade change; open the timeline; travel back to before the revision and see the old
score; export the .xlsx and import it into a fresh evaluation with the same result."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from domain.tenants import Role
from tests.api.conftest import Live
from tests.e2e.conftest import ARTIFACTS, shot, sign_in

TEAM = (Role.PREPARER, Role.EVALUATOR, Role.REVIEWER, Role.AUDITOR)
PROJECT = "医疗保险业务经办能力提升项目"


def _scores(live: Live, evaluation: str) -> tuple[str, str, dict[str, str | None]]:
    live.settle()
    with live.client() as http:
        card = http.get(f"/api/v1/evaluations/{evaluation}", headers=live.token("360100")).json()
    return card["total"], card["grade"], {i["key"]: i["score"] for i in card["indicators"]}


def test_ledger_scorecard_history_and_excel(page: Page, live: Live) -> None:
    sign_in(page, live, "360100", *TEAM, user="demo.360100")
    expect(page.get_by_role("heading", level=1)).to_have_text("南昌市医疗保障局 · 项目与预算台账")
    shot(page, "01-projects")

    # the budget ledger: record an expenditure, see 全年执行数 and the rates move
    page.get_by_role("link", name=PROJECT).click()
    totals = page.get_by_role("table", name="项目资金")
    expect(totals).to_contain_text("6,220,900.00")
    page.get_by_label("条目类型").select_option(label="支出")
    page.get_by_label("资金来源").select_option("当年财政拨款")
    page.get_by_label("金额（元）").fill("439100.00")
    page.get_by_label("日期").fill("2022-12-30")
    page.get_by_label("用途").fill("系统运维尾款")
    page.get_by_role("button", name="记账").click()
    expect(totals.get_by_role("row", name=re.compile("^合计"))).to_contain_text("6,660,000.00")
    expect(totals.get_by_role("row", name=re.compile("^合计"))).to_contain_text("100.00%")
    expect(page.get_by_role("table", name="台账条目")).to_contain_text("系统运维尾款")
    shot(page, "02-ledger-expenditure")

    # the scorecard: ledger figures in, an actual value, a deduction applied then revised
    page.get_by_role("link", name=re.compile("单位自评 · ")).click()
    total, grade = page.locator("#total"), page.locator("#grade")
    expect(total).to_have_text("99.74")
    evaluation = page.url.rsplit("/", 1)[1]
    page.get_by_role("button", name="同步台账数据").click()
    expect(total).to_have_text("100.00")  # 预算执行率 93.41 % → 100 %: 3.74 → 4
    page.get_by_label("「两定机构准入评估3次」实际完成值", exact=True).fill("2次")
    page.get_by_role("button", name="保存「两定机构准入评估3次」的实际完成值").click()
    expect(total).to_have_text("99.00")
    expect(grade).to_have_text("优秀")
    page.get_by_role("button", name="对「参保人员满意度」扣分").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("扣分分值").fill("10")
    dialog.get_by_label("扣分原因").fill("满意度调查样本不足")
    dialog.get_by_role("button", name="确定").click()
    expect(total).to_have_text("89.00")
    expect(grade).to_have_text("良好")
    expect(page.get_by_role("table", name="评分表")).to_contain_text("扣10分：满意度调查样本不足")
    shot(page, "03-scorecard-deducted")
    page.get_by_role("button", name=re.compile("^修改扣分")).click()
    dialog.get_by_label("扣分分值").fill("5")
    dialog.get_by_label("修改原因").fill("复核后调整为扣5分")
    dialog.get_by_role("button", name="确定").click()
    expect(total).to_have_text("94.00")
    expect(grade).to_have_text("优秀")
    shot(page, "04-scorecard-revised")

    # the timeline: who, when, what, before → after, why; integrity
    page.get_by_role("link", name="变更历史").click()
    timeline = page.get_by_role("table", name="变更时间线")
    revision = timeline.get_by_role("row", name=re.compile("修改扣分"))
    expect(revision).to_contain_text("demo.360100")
    expect(revision).to_contain_text("扣 10 分：满意度调查样本不足")
    expect(revision).to_contain_text("扣 5 分：复核后调整为扣5分")
    expect(revision).to_contain_text("复核后调整为扣5分")
    expect(page.get_by_role("region", name=re.compile("^扣分 .*的历史"))).to_contain_text("扣分")
    expect(page.get_by_role("status").filter(has_text="完整")).to_be_visible()
    shot(page, "05-timeline")
    revised_at = int(revision.get_by_role("cell").first.inner_text())

    # time travel: the scorecard as it stood before the revision
    page.get_by_role("link", name="评分表").click()
    page.get_by_label("查看历史版本").select_option(str(revised_at - 1))
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("note")).to_contain_text(f"第 {revised_at - 1} 版")
    expect(total).to_have_text("89.00")
    expect(grade).to_have_text("良好")
    expect(page.get_by_role("table", name="评分表")).to_contain_text("扣10分：满意度调查样本不足")
    shot(page, "06-time-travel")
    page.get_by_role("link", name="返回当前评分表").click()
    expect(total).to_have_text("94.00")

    # Excel out, then into a fresh evaluation of the same project: the same result
    with page.expect_download() as download:
        page.get_by_role("button", name="导出 Excel").click()
    exported = ARTIFACTS / "scorecard-000.xlsx"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download.value.save_as(exported)
    assert download.value.suggested_filename.endswith(".xlsx")
    page.get_by_role("link", name=PROJECT).click()
    page.get_by_label("评价类型").select_option(label="部门评价")
    page.get_by_label("评价机构").fill("南昌市医疗保障局复核组")
    page.get_by_label("等级方案").select_option("long")
    page.get_by_role("button", name="开始评价").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("部门评价")
    expect(page.locator(".year-note").first).to_contain_text("批复：")  # it starts from the approved targets
    fresh = page.url.rsplit("/", 1)[1]
    page.get_by_label("导入 Excel 评分表").set_input_files(exported)
    result = page.get_by_role("region", name="导入结果")
    expect(result).to_contain_text("全部录入")
    expect(total).to_have_text("94.00")
    expect(grade).to_have_text("优秀")
    shot(page, "07-imported")
    assert _scores(live, fresh) == _scores(live, evaluation)

    page.get_by_role("link", name="打印版").click()
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.get_by_role("table", name="评分表")).to_contain_text("扣5分：复核后调整为扣5分")
    page.emulate_media(media="print")
    shot(page, "08-print")
