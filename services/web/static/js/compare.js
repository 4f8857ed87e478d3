// A project's 单位自评 against its external evaluations (per indicator and in total, gaps flagged,
// finalized evaluations only), and the project over the years (same project code): tables with
// every figure, and ECharts charts (charts.js: the platform's own copy) drawn from the same rows.
// Figures stay the server's decimal strings; a chart gets Number(text) for its geometry only.

import { api } from "./api.js";
import { draw, forgetCharts, loadCharts } from "./charts.js";
import { clear, h, link, money, pct } from "./dom.js";
import { STATUS } from "./labels.js";

const SELF = "#1f5fa8";
const OTHER = "#8a6d00";
const BAD = "#a3222a";
const RATE = "#1e6b35";
const INK = "#1d2733";
const PALETTE = ["#1f5fa8", "#a3222a", "#1e6b35", "#8a6d00", "#6b5fa8", "#0f6f7a", "#9a4d00", "#4a5563"];
const MATCHED = { key: "按编号", name: "按名称" };
const num = (text) => (text === null || text === undefined ? "-" : Number(text));  // geometry only
const tip = (title, lines) => h("div", { class: "tip" }, h("strong", {}, title),
  lines.map(([label, value]) => h("div", {}, `${label}：`, h("span", { class: "tip-value" }, value ?? "—"))));
const signed = (text) => (text === null || text === undefined ? "—" : text.startsWith("-") ? text : `+${text}`);

const plot = (id, caption, size = "") => {
  const el = h("div", { id, class: `plot ${size}`.trim(), role: "img", "aria-label": caption });
  return [h("figure", { class: "chart" }, h("figcaption", {}, caption), el), el];
};

// Draw every [element, label, option] once the library is in; say so in `problem` when it is not.
async function drawAll(main, problem, charts) {
  let echarts;
  try {
    echarts = await loadCharts();
  } catch (err) {  // the tables carry every figure: only the charts go
    problem.hidden = false;
    problem.textContent = err.message;
    main.querySelectorAll("figure.chart").forEach((f) => f.remove());
    return [];
  }
  return charts.filter(([el]) => main.contains(el)).map(([el, label, option]) => draw(echarts, el, label, option));
}

// --- 自评与外部评价对比 ------------------------------------------------------------------------

function gapChart(found, against) {
  const rows = against.indicators.filter((r) => r.self_score !== null || r.external_score !== null);
  const labels = rows.map((r) => `${r.key} ${r.name}`);
  const datum = (r, value) => ({ value: num(value), row: r });
  const tell = (p) => tip(`${p.data.row.key} ${p.data.row.name}（分值 ${p.data.row.weight}）`, [
    ["单位自评", p.data.row.self_score], [against.external.label, p.data.row.external_score],
    ["差异", signed(p.data.row.difference)], ["", p.data.row.flagged ? "差异较大" : "—"]]);
  return {
    legend: { top: 4, left: "center" },
    grid: { left: 48, right: 24, top: 60, bottom: 90 },
    xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0, width: 120, overflow: "truncate" } },
    yAxis: { type: "value", name: "得分" },
    tooltip: { trigger: "item", formatter: tell },
    series: [
      { name: "单位自评", type: "bar", barMaxWidth: 28, itemStyle: { color: SELF }, data: rows.map((r) => datum(r, r.self_score)) },
      { name: against.external.label, type: "bar", barMaxWidth: 28, itemStyle: { color: OTHER },
        data: rows.map((r) => ({ ...datum(r, r.external_score), itemStyle: r.flagged ? { color: BAD, borderColor: INK, borderWidth: 1 } : undefined })) },
    ],
  };
}
function againstSection(found, against, i) {
  const ext = against.external;
  const heading = h("h2", {}, `${ext.label}：${ext.evaluator}`);
  const status = `（${STATUS[ext.status] || ext.status}）`;
  if (!against.compared) {
    return [h("section", { "aria-label": `对比：${ext.label}` }, heading,
      h("p", {}, link(`/ui/evaluations/${ext.evaluation_id}`, `${ext.label} ${ext.total}（${ext.grade}）`), status),
      h("p", { class: "alert", role: "status" }, against.note)), null];
  }
  const [figure, el] = plot(`chart-compare-${i}`, `单位自评与${ext.label}逐项得分，差异较大的指标以红色标出`);
  const mine = found.self_evaluation;
  const section = h("section", { "aria-label": `对比：${ext.label}` }, heading,
    h("div", { class: "scorebox" },
      h("span", {}, "单位自评总分 ", h("strong", {}, link(`/ui/evaluations/${mine.evaluation_id}`, mine.total)), `（${mine.grade}）`),
      h("span", {}, `${ext.label}总分 `, h("strong", {}, link(`/ui/evaluations/${ext.evaluation_id}`, ext.total)), `（${ext.grade}）`),
      h("span", { class: against.total_flagged ? "gap-total" : "" }, "总分差异 ", h("strong", { class: "total-gap" }, signed(against.total_difference)),
        against.total_flagged ? " 差异较大" : ""),
      h("span", {}, "差异较大的指标 ", h("strong", {}, against.flagged), " 项")),
    figure,
    h("table", { "aria-label": `逐项对比：${ext.label}` },
      h("thead", {}, h("tr", {}, ["指标", "分值", "单位自评得分", `${ext.label}得分`, "差异（自评 − 外部）", "对应方式", "提示"]
        .map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, against.indicators.map((r) => h("tr", { class: r.flagged ? "gap" : "" },
        h("td", { class: `level-${r.level}` }, `${r.key} ${r.name}`,
          r.external_name && r.external_name !== r.name ? h("span", { class: "muted" }, `（外部：${r.external_key} ${r.external_name}）`) : null,
          r.external_name === r.name && r.external_key !== r.key ? h("span", { class: "muted" }, `（外部编号 ${r.external_key}）`) : null),
        h("td", { class: "num" }, r.weight), h("td", { class: "num" }, r.self_score ?? "—"),
        h("td", { class: "num" }, r.external_score ?? "—"), h("td", { class: "num" }, signed(r.difference)),
        h("td", {}, MATCHED[r.matched_by] || (r.self_score === null && r.external_name ? "仅外部评价" : "仅单位自评")),
        h("td", {}, r.flagged ? h("strong", { class: "flag-gap" }, "差异较大") : ""))))));
  return [section, [el, `单位自评与${ext.label}逐项得分`, gapChart(found, against)]];
}

export async function renderComparison(main, [id]) {
  const found = await api(`/api/v1/projects/${id}/comparison`);
  forgetCharts();
  const problem = h("p", { class: "alert", role: "alert", hidden: true });
  const parts = found.externals.map((a, i) => againstSection(found, a, i));
  const mine = found.self_evaluation;
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/projects/${id}`, found.name), " › 自评与外部评价对比"),
    h("h1", {}, `${found.name} · 自评与外部评价对比`),
    h("dl", { class: "meta" },
      h("dt", {}, "项目编号"), h("dd", {}, `${found.code}（${found.year} 年度）`, " ",
        link(`/ui/tenants/${found.tenant}/projects/${encodeURIComponent(found.code)}/years`, "历年情况")),
      h("dt", {}, "单位自评"), h("dd", {}, mine
        ? [link(`/ui/evaluations/${mine.evaluation_id}`, `${mine.total}（${mine.grade}）`), `，${STATUS[mine.status] || mine.status}`]
        : "尚无单位自评")),
    h("p", { class: "muted", id: "compare-rule" }, `${found.rule}。`),
    problem,
    found.externals.length ? parts.map(([section]) => section) : h("p", {}, "本项目尚无外部评价（部门评价、财政评价或第三方评价），没有可对比的内容。"));
  await drawAll(main, problem, parts.map(([, chart]) => chart).filter(Boolean));
}

// --- 历年情况 ----------------------------------------------------------------------------------

function totalsChart(series) {
  const years = series.years.map((y) => `${y.year} 年`);
  const datum = (y, value) => ({ value: num(value), row: y });
  const tell = (p) => tip(`${p.data.row.year} 年度`, [["自评总分", p.data.row.total], ["等级", p.data.row.grade],
    ["全年预算", `${money(p.data.row.budget)} 元`], ["执行率", pct(p.data.row.execution_rate)],
    ["自评状态", p.data.row.status ? STATUS[p.data.row.status] || p.data.row.status : "尚无自评"]]);
  return {
    legend: { top: 4, left: "center" },
    grid: { left: 56, right: 64, top: 60, bottom: 28 },
    xAxis: { type: "category", data: years },
    yAxis: [{ type: "value", name: "得分" }, { type: "value", name: "执行率 %", min: 0, max: (v) => Math.max(100, Math.ceil(v.max / 10) * 10), splitLine: { show: false } }],
    tooltip: { trigger: "item", formatter: tell },
    series: [
      { name: "自评总分", type: "line", symbolSize: 9, itemStyle: { color: SELF }, connectNulls: false,
        label: { show: true, formatter: (p) => p.data.row.total ?? "" }, data: series.years.map((y) => datum(y, y.total)) },
      { name: "执行率", type: "line", yAxisIndex: 1, symbolSize: 9, itemStyle: { color: RATE }, lineStyle: { type: "dashed" },
        label: { show: true, formatter: (p) => pct(p.data.row.execution_rate) }, data: series.years.map((y) => datum(y, y.execution_rate)) },
    ],
  };
}

const lineName = (line) => `${line.key} ${line.name}`;

function indicatorsChart(series, chosen) {
  const years = series.years.map((y) => `${y.year} 年`);
  return {
    legend: { type: "scroll", top: 4, left: 8, right: 80, selected: Object.fromEntries(series.indicators.map((l) => [lineName(l), chosen.has(l.key)])) },
    grid: { left: 56, right: 24, top: 60, bottom: 28 },
    xAxis: { type: "category", data: years },
    yAxis: { type: "value", name: "得分" },
    tooltip: { trigger: "item", formatter: (p) => tip(`${p.seriesName}（分值 ${p.data.line.weight}）`, [[`${p.data.year} 年`, p.data.text]]) },
    series: series.indicators.map((l, i) => ({ name: lineName(l), type: "line", symbolSize: 8, itemStyle: { color: PALETTE[i % PALETTE.length] },
      data: l.scores.map((s, j) => ({ value: num(s), text: s, line: l, year: series.years[j].year })) })),
  };
}

export async function renderSeries(main, [tenant, code]) {
  const projectCode = decodeURIComponent(code);
  const series = await api(`/api/v1/tenants/${tenant}/projects/${encodeURIComponent(projectCode)}/years`);
  forgetCharts();
  const problem = h("p", { class: "alert", role: "alert", hidden: true });
  const latest = series.years[series.years.length - 1];
  const chosen = new Set(series.indicators.filter((l) => l.level === 1).map((l) => l.key));
  const [totals, totalsEl] = plot("chart-series-totals", `${series.name}历年自评总分与执行率`, "short");
  const [lines, linesEl] = plot("chart-series-indicators", `${series.name}各指标历年得分（勾选要显示的指标）`);
  let chart = null;
  const toggle = (line, box) => {
    if (box.checked) chosen.add(line.key); else chosen.delete(line.key);
    if (chart) chart.dispatchAction({ type: box.checked ? "legendSelect" : "legendUnSelect", name: lineName(line) });
  };
  const picker = h("fieldset", { class: "picker" }, h("legend", {}, "显示的指标"),
    series.indicators.map((l) => {
      const box = h("input", { type: "checkbox", id: `line-${l.key}`, checked: chosen.has(l.key) });
      box.addEventListener("change", () => toggle(l, box));
      return h("label", { for: `line-${l.key}`, class: `level-${l.level}` }, box, ` ${lineName(l)}`);
    }));
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/projects/${latest.project_id}`, series.name), " › 历年情况"),
    h("h1", {}, `${series.name} · 历年情况`),
    h("p", { class: "muted" }, `项目编号 ${series.code}，${series.years.length} 个年度（同一单位、同一项目编号视为同一项目）；得分只取已定稿的单位自评。`),
    problem,
    series.years.length > 0 ? totals : null,
    h("table", { "aria-label": "历年情况" },
      h("thead", {}, h("tr", {}, ["年度", "项目", "全年预算（元）", "全年执行（元）", "执行率", "自评总分", "等级", "自评状态"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, series.years.map((y) => h("tr", {},
        h("td", {}, `${y.year}`), h("td", {}, link(`/ui/projects/${y.project_id}`, y.name), " ", h("a", { href: `/ui/projects/${y.project_id}/comparison`, "data-link": true, "aria-label": `${y.year} 年度自评与外部评价对比` }, "对比")),
        h("td", { class: "num" }, money(y.budget)), h("td", { class: "num" }, money(y.spent)), h("td", { class: "num" }, pct(y.execution_rate)),
        h("td", { class: "num" }, y.evaluation_id && y.total ? link(`/ui/evaluations/${y.evaluation_id}`, y.total) : "—"),
        h("td", {}, y.grade ?? "—"),
        h("td", {}, y.status ? STATUS[y.status] || y.status : "尚无自评"))))),
    h("h2", {}, "各指标历年得分"),
    series.indicators.length ? [picker, lines,
      h("table", { "aria-label": "各指标历年得分" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "指标"), h("th", { scope: "col" }, "分值"),
          series.years.map((y) => h("th", { scope: "col" }, `${y.year} 年`)))),
        h("tbody", {}, series.indicators.map((l) => h("tr", {},
          h("td", { class: `level-${l.level}` }, lineName(l)), h("td", { class: "num" }, l.weight),
          l.scores.map((s) => h("td", { class: "num" }, s ?? "—"))))))]
      : h("p", {}, "尚无已定稿的单位自评，没有指标得分。"));
  const drawn = await drawAll(main, problem, [
    [totalsEl, `${series.name}历年自评总分与执行率`, totalsChart(series)],
    ...(series.indicators.length ? [[linesEl, `${series.name}各指标历年得分`, indicatorsChart(series, chosen)]] : []),
  ]);
  chart = drawn.find((c) => c.getDom() === linesEl) || null;
  if (chart) {  // a click on the chart's legend keeps the boxes in step
    chart.on("legendselectchanged", (ev) => {
      const line = series.indicators.find((l) => lineName(l) === ev.name);
      const box = line && document.getElementById(`line-${line.key}`);
      if (box) { box.checked = ev.selected[ev.name]; if (box.checked) chosen.add(line.key); else chosen.delete(line.key); }
    });
  }
}
