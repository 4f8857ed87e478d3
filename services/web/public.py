"""The public page of a bureau (``/public/{code}``): what it has published, by year — the page a
bureau links from its website. No sign-in, no script, no external resource: HTML rendered here
from the same public read as ``GET /api/v1/public/{code}/publications`` (live content only), every
value escaped, under the UI's Content-Security-Policy, styled by the UI's own stylesheet.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from anyio import to_thread
from litestar import Request, Response, get

from domain.disclosure import Content
from projections.disclosure.queries import PublicItem
from services.api.disclosure import bureau_name, check_year, limit_public, public_items
from services.web.routes import SECURITY_HEADERS

LEVEL = {1: "一级", 2: "二级", 3: "三级"}
CHINA = ZoneInfo("Asia/Shanghai")
KIND = {"evaluation_result": "评价结果", "targets": "绩效目标", "self_evaluation_summary": "自评结果汇总"}


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _num(value: Decimal | None) -> str:
    return "" if value is None else _e(value)


def _evaluation(c: Content) -> str:
    rows = "".join(
        f"<tr><td>{LEVEL.get(r.level, r.level)}</td><td>{_e(r.name)}</td>"
        f"<td class='num'>{_num(r.weight)}</td><td class='num'>{_num(r.score)}</td></tr>"
        for r in c.scores
    )
    return (
        f"<p>{_e(c.evaluation_kind)} · 评价机构：{_e(c.evaluator)} · 总分 <strong>{_num(c.total)}</strong>"
        f" · 等级 <strong>{_e(c.grade)}</strong></p>"
        "<table><thead><tr><th>层级</th><th>指标</th><th class='num'>分值</th><th class='num'>得分</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def _targets(c: Content) -> str:
    rows = "".join(
        f"<tr><td>{LEVEL.get(r.level, r.level)}</td>"
        f"<td>{_e(r.name)}</td><td>{_e(r.nature)}{_e(r.value)}</td><td>{_e(r.unit)}</td></tr>"
        for r in c.targets
    )
    funds = "" if c.funds_total is None else f" · 年度资金总额 {_num(c.funds_total)} 元"
    return (
        f"<p>第 {_e(c.targets_version)} 版（批复日期 {_e(c.approved_on)}）{funds}</p>"
        f"<p>年度目标：{_e(c.annual_goal)}</p>"
        "<table><thead><tr><th>层级</th><th>指标</th><th>指标值</th><th>度量单位</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _summary(c: Content) -> str:
    s = c.summary
    if s is None:
        return ""
    rows = "".join(
        f"<tr><td>{_e(g.grade)}</td><td class='num'>{g.count}</td><td class='num'>{_num(g.count_share)}%</td>"
        f"<td class='num'>{_num(g.money)}</td><td class='num'>{_num(g.money_share)}%</td></tr>"
        for g in s.grades
    )
    return (
        f"<p>项目 {s.projects} 个，已完成绩效自评 {s.evaluated} 个，覆盖资金 {_num(s.money_evaluated)} 元，"
        f"占项目预算的 {_num(s.money_share)}%</p>"
        "<table><thead><tr><th>等级</th><th class='num'>项目数</th><th class='num'>占比</th>"
        f"<th class='num'>资金（元）</th><th class='num'>占比</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _item(item: PublicItem) -> str:
    c = item.content
    kind = c.kind.value
    body = (
        _evaluation(c)
        if kind == "evaluation_result"
        else _summary(c)
        if kind == "self_evaluation_summary"
        else _targets(c)
    )
    when = item.published_at.astimezone(CHINA).strftime("%Y-%m-%d")
    return (
        f"<article class='publication'><h3>{_e(c.project_name)}（{_e(c.project_code)}）"
        f" · {_e(KIND.get(item.kind, item.kind))}</h3>"
        f"<p class='crumbs'>公开日期 {when}"
        + (f" · 主管部门 {_e(c.department)}" if c.department else "")
        + (f" · 实施单位 {_e(c.implementing_unit)}" if c.implementing_unit else "")
        + f"</p>{body}</article>"
    )


def render(code: str, name: str, year: int | None, items: list[PublicItem]) -> str:
    by_year: dict[int, list[PublicItem]] = defaultdict(list)
    for item in items:
        by_year[item.year].append(item)
    sections = "".join(
        f"<section><h2>{y} 年度</h2>{''.join(_item(i) for i in by_year[y])}</section>"
        for y in sorted(by_year, reverse=True)
    )
    years = "".join(f"<a href='/public/{_e(code)}?year={y}'>{y}</a> " for y in sorted(by_year, reverse=True))
    filter_note = (
        f"<p>仅显示 {year} 年度 · <a href='/public/{_e(code)}'>全部年度</a></p>" if year is not None else ""
    )
    empty = "" if items else "<p class='okay'>暂无公开信息。</p>"
    return (
        "<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(name)} · 预算绩效信息公开</title><link rel='stylesheet' href='/assets/app.css'></head>"
        f"<body><main><h1>{_e(name)} · 预算绩效信息公开</h1>"
        "<p class='crumbs'>本页列出本单位已公开的项目绩效目标与评价结果（公开时冻结的版本）；已撤回的不再显示。</p>"
        f"{filter_note}{('<p>按年度：' + years + '</p>') if years and year is None else ''}"
        f"{empty}{sections}</main></body></html>"
    )


@get("/public/{code:str}", include_in_schema=False, media_type="text/html")
async def public_page(request: Request[Any, Any, Any], code: str, year: int | None = None) -> Response[str]:
    limit_public(request)
    check_year(year)

    def run() -> str:
        name = bureau_name(request, code)
        return render(code, name, year, public_items(request, code, year))

    page = await to_thread.run_sync(run)
    return Response(
        page, media_type="text/html; charset=utf-8", headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"}
    )
