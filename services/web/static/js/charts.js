// Charts with Apache ECharts, served by the platform itself at /vendor/echarts.min.js (pinned and
// hash-checked at set-up: services/web/vendoring.py). Nothing is loaded from elsewhere.
//
// Figures stay decimal strings from the server: a chart gets Number(text) for its geometry only
// (bar lengths, areas); every figure a person reads — labels, tooltips — is the server's string.

import { h, money, pct } from "./dom.js";

const SOURCE = "/vendor/echarts.min.js";
let loading = null;

// The library, loaded once as a classic script (it is a UMD bundle: it sets window.echarts).
// When the server has no copy it answers a Chinese problem saying so: that is what we throw.
export function loadCharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  loading ??= new Promise((resolve, reject) => {
    const script = h("script", { src: SOURCE });
    script.addEventListener("load", () => (window.echarts ? resolve(window.echarts) : reject(new Error("图表库加载后不可用"))));
    script.addEventListener("error", async () => {
      script.remove();
      loading = null;
      const problem = await fetch(SOURCE).then((r) => r.json()).catch(() => ({}));
      reject(new Error(problem.detail || "图表库 ECharts 无法加载：请联系管理员"));
    });
    document.head.append(script);
  });
  return loading;
}

const live = new Set();
window.addEventListener("resize", () => live.forEach((c) => c.resize()));

// Dispose charts whose element left the page (the router replaced <main>).
export function forgetCharts() {
  for (const chart of live) {
    if (!chart.getDom().isConnected) { chart.dispose(); live.delete(chart); }
  }
}

const num = (text) => (text === null || text === undefined ? 0 : Number(text));  // geometry only

// A tooltip built as DOM (text nodes only, like every view): lines of [label, value].
const tip = (title, lines) => h("div", { class: "tip" }, h("strong", {}, title),
  lines.map(([label, value]) => h("div", {}, label ? `${label}：` : "", h("span", { class: "tip-value" }, value))));

const INK = "#1d2733";
const ACCENT = "#1f5fa8";
const BAD = "#a3222a";
const BANDS = ["#a3222a", "#9a5b00", "#6b5fa8", "#1f5fa8", "#1e6b35"];  // <60, 60–70, 70–80, 80–90, ≥90
const NONE = "#6b7480";

// One chart in `el` (role=img; `label`, its accessible name, says what it shows), with tooltip, export as image and
// a click handler (`open` gets the clicked datum's `to`: the page to go to).
export function draw(echarts, el, label, option, open) {
  const chart = echarts.init(el, null, { renderer: "canvas", locale: "ZH" });
  chart.setOption({
    animation: !matchMedia("(prefers-reduced-motion: reduce)").matches,
    aria: { enabled: true, label: { description: label } },
    textStyle: { color: INK, fontFamily: "inherit" },
    tooltip: { confine: true, backgroundColor: "#fff", borderColor: "#7a8796", textStyle: { color: INK } },
    toolbox: { right: 8, feature: { saveAsImage: { title: "保存为图片", name: label.split("：")[0], pixelRatio: 2, backgroundColor: "#fff" } } },
    ...option,
  });
  if (open) chart.on("click", (p) => { if (p.data && p.data.to) open(p.data.to); });
  live.add(chart);
  return chart;
}

export function countChart(items, labelOf, unit) {
  return {
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: items.map(labelOf) },
    yAxis: { type: "value", minInterval: 1 },
    tooltip: { trigger: "item", formatter: (p) => tip(p.name, [[unit, String(p.value)]]) },
    series: [{ type: "bar", barMaxWidth: 48, itemStyle: { color: ACCENT }, label: { show: true, position: "top", color: INK },
      data: items.map((x) => ({ value: x.count, name: labelOf(x) })) }],
  };
}

// Each child bureau's execution rate; a click opens that bureau's dashboard.
export function childrenChart(children, year) {
  return {
    grid: { left: 150, right: 60, top: 36, bottom: 28 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: children.map((c) => c.name), axisLabel: { width: 140, overflow: "truncate" } },
    tooltip: { trigger: "item", formatter: (p) => childTip(p.data.child) },
    series: [{ type: "bar", barMaxWidth: 22, cursor: "pointer",
      label: { show: true, position: "right", color: INK, formatter: (p) => pct(p.data.child.execution_rate) },
      data: children.map((c) => ({ value: num(c.bar), child: c, itemStyle: { color: ACCENT },
        to: `/ui/tenants/${c.tenant}/dashboard?year=${year}` })) }],
  };
}

const childTip = (c) => tip(c.name, [["项目数", String(c.projects)], ["全年预算", `${money(c.budget)} 元`],
  ["全年执行", `${money(c.spent)} 元`], ["执行率", pct(c.execution_rate)], ["自评平均分", c.average_self_score ?? "—"],
  ["", "点击查看该单位看板"]]);

// The region's bureaus as a treemap: area = 全年预算, colour = band of the average self-evaluation
// score (the band comes from the server). Stands in for a map: see docs/ui.md.
export const hasBudget = (children) => children.some((c) => num(c.budget) > 0);

export function regionChart(children, year) {
  return {
    tooltip: { trigger: "item", formatter: (p) => (p.data && p.data.child ? childTip(p.data.child) : "") },
    series: [{ type: "treemap", roam: false, nodeClick: false, breadcrumb: { show: false }, top: 36, left: 4, right: 4, bottom: 4,
      label: { show: true, color: "#fff", fontSize: 13, formatter: (p) => (p.data && p.data.child ? `${p.name}\n${money(p.data.child.budget)} 元` : p.name) },
      itemStyle: { borderColor: "#fff", borderWidth: 2 },
      data: children.filter((c) => num(c.budget) > 0).map((c) => ({ name: c.name, value: num(c.budget), child: c,
        itemStyle: { color: c.band === null ? NONE : BANDS[c.band] }, to: `/ui/tenants/${c.tenant}/dashboard?year=${year}` })) }],
  };
}

// the legend's words, in the order of BANDS then NONE (app.css colours .band-0 … .band-5 the same)
export const BAND_LEGEND = ["<60", "60–70", "70–80", "80–90", "≥90", "尚无自评"];

// Every project's execution rate (B/A), a window of 20 at a time (slider, wheel); click opens it.
export function projectsChart(projects) {
  return {
    grid: { left: 300, right: 90, top: 36, bottom: 20 },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: projects.map((p) => `${p.tenant_name} · ${p.name}`),
      axisLabel: { width: 290, overflow: "truncate" } },
    dataZoom: projects.length > 20
      ? [{ type: "slider", yAxisIndex: 0, right: 8, width: 18, startValue: 0, endValue: 19, zoomLock: true, showDetail: false },
        { type: "inside", yAxisIndex: 0, zoomLock: true, zoomOnMouseWheel: false, moveOnMouseWheel: true }]
      : [],
    tooltip: { trigger: "item", formatter: (p) => tip(`${p.data.project.tenant_name} · ${p.data.project.name}`, [
      ["全年预算", `${money(p.data.project.annual)} 元`], ["全年执行", `${money(p.data.project.spent)} 元`],
      ["执行率", pct(p.data.project.budget_execution_rate)], ["自评得分", p.data.project.self ? p.data.project.self.total : "—"]]) },
    series: [{ type: "bar", barMaxWidth: 18, cursor: "pointer",
      label: { show: true, position: "right", color: INK, formatter: (p) => pct(p.data.project.budget_execution_rate) },
      data: projects.map((p) => ({ value: num(p.bar), project: p, itemStyle: { color: p.over ? BAD : ACCENT },
        to: `/ui/projects/${p.project_id}` })) }],
  };
}

// The bureau's figures year by year: budget and spending (bars, 元) and the execution rate (line, %).
export function yearsChart(series, code) {
  const years = series.map((s) => `${s.year} 年`);
  const at = (key) => series.map((s) => ({ value: s[key] === null ? "-" : num(s[key]), row: s,
    to: `/ui/tenants/${code}/dashboard?year=${s.year}` }));
  const line = (p) => tip(`${p.data.row.year} 年度`, [["项目数", String(p.data.row.projects)],
    ["全年预算", `${money(p.data.row.budget)} 元`], ["全年执行", `${money(p.data.row.spent)} 元`],
    ["执行率", pct(p.data.row.execution_rate)], ["自评平均分", p.data.row.average_self_score ?? "—"]]);
  return {
    legend: { top: 4, left: "center", textStyle: { color: INK } },
    grid: { left: 110, right: 60, top: 60, bottom: 28 },
    xAxis: { type: "category", data: years },
    yAxis: [{ type: "value", name: "元", axisLabel: { formatter: (v) => money(String(v)) } },
      { type: "value", name: "执行率 %", max: 100, splitLine: { show: false } }],
    tooltip: { trigger: "item", formatter: line },
    series: [
      { name: "全年预算", type: "bar", barMaxWidth: 36, itemStyle: { color: "#8fb3dc" }, data: at("budget"), cursor: "pointer" },
      { name: "全年执行", type: "bar", barMaxWidth: 36, itemStyle: { color: ACCENT }, data: at("spent"), cursor: "pointer" },
      { name: "执行率", type: "line", yAxisIndex: 1, itemStyle: { color: BAD }, symbolSize: 8, data: at("execution_rate"),
        label: { show: true, color: INK, formatter: (p) => pct(p.data.row.execution_rate) } },
    ],
  };
}
