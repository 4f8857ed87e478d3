// The parent bureau's dashboard: its own and its children's figures, the region's bureaus, every
// descendant project's execution rate, the distribution of self-evaluation scores, the grade
// counts and the figures over the years — charts from ECharts (charts.js), the same figures in
// tables below them. Every figure comes from the server.

import { api } from "./api.js";
import { BAND_LEGEND, childrenChart, countChart, draw, forgetCharts, hasBudget, loadCharts, projectsChart, regionChart, yearsChart } from "./charts.js";
import { clear, h, link, money, pct } from "./dom.js";
import { go } from "./main.js";

// A chart's place: a figure with its caption; the plot's accessible name says what it shows.
const plot = (id, caption, size = "") => {
  const el = h("div", { id, class: `plot ${size}`.trim(), role: "img", "aria-label": caption });
  return [h("figure", { class: "chart" }, h("figcaption", {}, caption), el), el];
};

export async function renderDashboard(main, [code], query) {
  const year = query.get("year");
  const board = await api(`/api/v1/tenants/${code}/dashboard${year ? `?year=${encodeURIComponent(year)}` : ""}`);
  forgetCharts();
  const r = board.rollup;
  const years = board.tenant.years.length ? board.tenant.years : [board.year];
  const select = h("select", { id: "dash-year", onchange: () => go(`/ui/tenants/${code}/dashboard?year=${select.value}`) },
    years.map((y) => h("option", { value: y, selected: y === board.year }, `${y} 年度`)));
  const problem = h("p", { class: "alert", role: "alert", hidden: true });

  const [overYears, yearsEl] = plot("chart-years", `${board.tenant.name}历年预算、执行与执行率，点击查看该年度`, "short");
  const [region, regionEl] = plot("chart-region", "区域分布：面积为全年预算，颜色为自评平均分，点击进入该单位看板");
  const [kids, kidsEl] = plot("chart-children", "下级单位执行率（全年执行数 / 全年预算数），点击进入该单位看板", "short");
  const [spread, spreadEl] = plot("chart-distribution", "单位自评得分分布", "short");
  const [grades, gradesEl] = plot("chart-grades", "等级分布", "short");
  const tall = Math.min(Math.max(board.projects.length, 3), 20) * 26 + 70;
  const [rates, ratesEl] = plot("chart-projects", "各项目执行率（全年执行数 / 全年预算数），点击查看项目");
  const legend = h("ul", { class: "legend", "aria-label": "颜色图例：自评平均分" },
    BAND_LEGEND.map((label, i) => h("li", {}, h("span", { class: `swatch band-${i}` }), label)));

  clear(main,
    h("h1", {}, `${board.tenant.name} · 汇总看板`),
    h("div", { class: "toolbar" }, h("label", { for: "dash-year" }, "年度"), select,
      link(`/ui/tenants/${code}/projects?year=${board.year}&subtree=true`, "本单位及下级单位项目")),
    h("div", { class: "scorebox" },
      h("span", {}, "项目数 ", h("strong", {}, r.projects)),
      h("span", {}, `全年预算 ${money(r.budget)} 元`),
      h("span", {}, `全年执行 ${money(r.spent)} 元`),
      h("span", {}, "执行率 ", h("strong", {}, pct(r.execution_rate))),
      h("span", {}, "自评平均分 ", h("strong", {}, r.average_self_score ?? "—")),
      h("span", {}, "未定稿评价 ", h("strong", { id: "dash-unfinalized" }, r.unfinalized))),
    h("p", { class: "muted", id: "dash-rule" },
      `得分、等级与分布只统计已定稿的评价；未定稿的评价（草稿、已提交、已退回）${r.unfinalized} 项不计入` +
      (board.unfinalized_selfs ? `，其中单位自评 ${board.unfinalized_selfs} 项` : "") + "。"),
    problem,
    board.series.length > 1 ? overYears : null,
    board.children.length ? h("div", { class: "charts" },
      hasBudget(board.children) ? h("div", {}, region, legend) : h("p", {}, "下级单位本年度没有预算，不显示区域分布"), kids) : null,
    h("div", { class: "charts" }, spread, board.grades.length ? grades : h("p", {}, "本年度尚无定稿的自评，没有等级分布")),
    board.projects.length ? rates : h("p", {}, "本年度没有项目"),
    h("h2", {}, "下级单位"),
    h("table", { "aria-label": "下级单位" },
      h("thead", {}, h("tr", {}, ["单位", "项目数", "全年预算（元）", "全年执行（元）", "执行率", "自评平均分", "等级"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, board.children.length ? board.children.map((c) => h("tr", {},
        h("td", {}, link(`/ui/tenants/${c.tenant}/dashboard?year=${board.year}`, c.name)), h("td", { class: "num" }, c.projects),
        h("td", { class: "num" }, money(c.budget)), h("td", { class: "num" }, money(c.spent)), h("td", { class: "num" }, pct(c.execution_rate)),
        h("td", { class: "num" }, c.average_self_score ?? "—"),
        h("td", {}, Object.entries(c.grades).map(([g, n]) => `${g} ${n}`).join("、") || "—"))) : h("tr", {}, h("td", { colspan: 7 }, "没有下级单位")))),
    h("h2", {}, "项目"),
    h("table", { "aria-label": "项目" },
      h("thead", {}, h("tr", {}, ["单位", "项目", "全年预算（元）", "全年执行（元）", "执行率", "自评得分", "等级"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, board.projects.map((p) => h("tr", {},
        h("td", {}, p.tenant_name), h("td", {}, link(`/ui/projects/${p.project_id}`, p.name)),
        h("td", { class: "num" }, money(p.annual)), h("td", { class: "num" }, money(p.spent)),
        h("td", { class: "num" }, pct(p.budget_execution_rate)),
        h("td", { class: "num" }, p.self ? link(`/ui/evaluations/${p.self.evaluation_id}`, p.self.total) : "—",
          p.self && p.self.status !== "finalized" ? h("span", { class: "muted" }, "（未定稿）") : null),
        h("td", {}, p.self ? p.self.grade : "—"))))));

  let echarts;
  try {
    echarts = await loadCharts();
  } catch (err) {  // no library on the server: say so; the tables above still carry every figure
    problem.hidden = false;
    problem.textContent = err.message;
    main.querySelectorAll("figure.chart").forEach((f) => f.remove());
    return;
  }
  if (!main.contains(spreadEl)) return;  // the person went elsewhere while the library loaded
  const open = (to) => go(to);
  if (board.series.length > 1) draw(echarts, yearsEl, "历年预算、执行与执行率", yearsChart(board.series, code), open);
  if (board.children.length) {
    if (hasBudget(board.children)) draw(echarts, regionEl, "区域分布", regionChart(board.children, board.year), open);
    draw(echarts, kidsEl, "下级单位执行率", childrenChart(board.children, board.year), open);
  }
  const told = (caption, items, labelOf) => `${caption}：${items.map((x) => `${labelOf(x)} ${x.count} 个项目`).join("，")}`;
  draw(echarts, spreadEl, told("单位自评得分分布", board.distribution, (x) => x.label), countChart(board.distribution, (x) => x.label, "项目数"));
  if (board.grades.length) draw(echarts, gradesEl, told("等级分布", board.grades, (x) => x.grade), countChart(board.grades, (x) => x.grade, "项目数"));
  if (board.projects.length) {
    ratesEl.style.height = `${tall}px`;  // CSSOM, not a style attribute: allowed by the page's CSP
    draw(echarts, ratesEl, "各项目执行率", projectsChart(board.projects), open);
  }
}
