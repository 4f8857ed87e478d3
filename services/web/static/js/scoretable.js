// The 项目支出绩效自评表 / 评分表 as the bureau files it (财预〔2020〕10号 attachment layout), laid out
// from the server's form model (GET …/form): header, 项目资金 grid, 年度总体目标, the indicator table
// with 一级 / 二级 cells spanning their leaves, 总分 and grade, the 填报人 line. The model carries no
// flags and no internal notes, so the print page shows none. On screen ``extras`` ({ card, controls })
// adds, from the scorecard, what only the evaluator sees: flags in their rows, the rule's explanation,
// subtotals, and the inputs and buttons of an editable evaluation.

import { h, money, pct, shown } from "./dom.js";

const LEVELS = ["一级指标", "二级指标", "三级指标"];

export function formHead(form) {
  const rows = [
    h("tr", {}, h("th", { scope: "row" }, "项目名称"), h("td", { colspan: 3 }, form.name)),
    h("tr", {}, h("th", { scope: "row" }, "主管部门"), h("td", {}, shown(form.department)),
      h("th", { scope: "row" }, "实施单位"), h("td", {}, shown(form.unit))),
  ];
  if (form.kind !== "self") {
    rows.push(h("tr", {}, h("th", { scope: "row" }, "评价类型"), h("td", {}, form.kind_label),
      h("th", { scope: "row" }, "评价机构"), h("td", {}, form.evaluator + (form.third_party ? "（第三方）" : ""))));
  }
  return h("table", { class: "form-head", "aria-label": "项目基本信息" }, h("tbody", {}, rows));
}

export function fundsGrid(form, extras = null) {
  const dash = (v, show) => (v === null || v === undefined ? "—" : show(v));
  const body = form.funds.map((f, i) => {
    const score = h("td", { class: "num", id: i === 0 && form.funds_key ? `score-${form.funds_key}` : null }, dash(f.score, String));
    const leaf = i === 0 && form.funds_key && extras ? extras.card.indicators.find((x) => x.key === form.funds_key) : null;
    if (leaf) {  // the 执行率 indicator lives in this grid: its explanation, deductions and buttons too
      score.append(...leafExtras(leaf.key, extras), ...notesCell({ deductions: [], deviation: "" }, leaf, extras).childNodes,
        ...(flagsOf(extras.card).get(leaf.key) || []));
    }
    return h("tr", {}, h("th", { scope: "row" }, f.label),
      h("td", { class: "num" }, money(f.initial)), h("td", { class: "num" }, money(f.annual)), h("td", { class: "num" }, money(f.spent)),
      h("td", { class: "num" }, dash(f.weight, String)), h("td", { class: "num" }, dash(f.rate, pct)), score);
  });
  return h("table", { class: "funds", "aria-label": "项目资金" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, `项目资金（${form.amount_unit}）`),
      ["年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分"].map((t) => h("th", { scope: "col", class: "num" }, t)))),
    h("tbody", {}, body));
}

export function goals(form) {
  return h("table", { class: "goals", "aria-label": "年度总体目标" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "预期目标"), h("th", { scope: "col" }, "实际完成情况"))),
    h("tbody", {}, h("tr", {}, h("td", {}, shown(form.goal)), h("td", {}, shown(form.achieved)))));
}

export function signLines() {
  const line = (label) => h("span", { class: "sign" }, label, h("span", { class: "blank" }));
  return h("p", { class: "sign-lines" }, line("填报人："), line("联系电话："), line("填报日期："),
    h("span", { class: "muted no-print" }, "（打印后由填报人手写签填）"));
}

// what the evaluator sees beside a score on screen: the rule's result, deductions, explanation
function leafExtras(key, extras) {
  const leaf = extras.card.indicators.find((i) => i.key === key);
  if (!leaf) return [];
  const out = [];
  if (leaf.deducted !== "0" && leaf.deducted !== "0.00") out.push(h("span", { class: "explain no-print" }, `规则得分 ${leaf.rule_score ?? "—"}，扣 ${leaf.deducted}`));
  if (leaf.explanation) out.push(h("span", { class: "explain no-print" }, leaf.explanation));
  return out;
}

function flagsOf(card) {
  const byKey = new Map();
  for (const f of card?.flags || []) {
    if (!f.subject) continue;
    if (!byKey.has(f.subject)) byKey.set(f.subject, []);
    byKey.get(f.subject).push(h("span", { class: "flag no-print" }, f.message));
  }
  return byKey;
}

function notesCell(row, leaf, extras) {
  if (!extras || !leaf) return h("td", { class: "notes" }, [...row.deductions, row.deviation].filter(Boolean).map((t) => h("div", {}, t)));
  const { card, controls } = extras;
  const active = card.deductions.filter((d) => d.key === leaf.key && d.active);
  return h("td", { class: "notes" },
    active.map((d) => h("div", { class: "deduction" }, `扣${d.points}分：${d.reason}`, controls ? controls.deduction(leaf, d) : null)),
    leaf.deviation ? h("div", {}, leaf.deviation) : null,
    controls ? controls.row(leaf) : null);
}

export function formTable(form, extras = null) {
  const flags = flagsOf(extras?.card);
  const byKey = new Map((extras?.card.indicators || []).map((i) => [i.key, i]));
  const body = form.rows.map((row) => {
    const leaf = byKey.get(row.key);
    const cells = row.spans.map((s) => h("th", { scope: "rowgroup", rowspan: s.rows, class: "branch", "data-branch": s.key },
      `${s.name}（${s.weight}分）`,
      extras ? h("span", { class: "explain no-print" }, `得 ${s.score ?? "—"}`) : null,
      flags.get(s.key) || null));
    cells.push(h("th", { scope: "row", colspan: 4 - row.level > 1 ? 4 - row.level : null, id: `name-${row.key}`, class: "leaf" }, row.name,
      row.not_applicable ? h("span", { class: "muted" }, "（不适用）") : null,
      extras && form.kind === "self" && row.standard ? h("span", { class: "standard explain no-print" }, `评分标准：${row.standard}`) : null));
    const value = {
      target: () => h("td", {}, row.target || "—"),
      actual: () => h("td", {}, extras?.controls && leaf ? extras.controls.actual(leaf) : row.actual || "—"),
      weight: () => h("td", { class: "num" }, row.weight),
      standard: () => h("td", { class: "standard" }, row.standard || "—"),
      score: () => h("td", { class: "num", id: `score-${row.key}` }, row.score ?? "未评分", extras ? leafExtras(row.key, extras) : null),
      notes: () => notesCell(row, leaf, extras),
    };
    for (const c of form.columns) cells.push(value[c.code]());
    const mine = flags.get(row.key) || [];
    if (mine.length) cells[cells.length - 1].append(...mine);
    return h("tr", { class: mine.length ? "flagged" : null, "data-key": row.key }, cells);
  });
  const at = (code) => form.columns.findIndex((c) => c.code === code);
  const footer = (label, values, attrs) => h("tr", { class: "total" }, h("th", { scope: "row", colspan: 3 }, label),
    form.columns.map((c, i) => h("td", { class: c.code === "score" || c.code === "weight" ? "num" : null, ...(c.code === "score" ? attrs : {}) }, values[i] ?? "")));
  const totals = []; totals[at("weight")] = form.weight_total; totals[at("score")] = form.total;
  const grade = []; grade[at("score")] = form.grade;
  if (extras?.card.stated_total !== null && extras?.card.stated_total !== undefined) totals[at("notes")] = h("span", { class: "no-print" }, `表中总分 ${extras.card.stated_total}`);
  if (extras?.card.stated_grade) grade[at("notes")] = h("span", { class: "no-print" }, `表中等级 ${extras.card.stated_grade}`);
  return h("table", { class: `scorecard form-${form.kind === "self" ? "self" : "review"}`, "aria-label": "评分表" },
    h("thead", {}, h("tr", {}, LEVELS.map((t) => h("th", { scope: "col", class: "level" }, t)),
      form.columns.map((c) => h("th", { scope: "col", class: `col-${c.code}` }, c.title)))),
    h("tbody", {}, body),
    h("tfoot", {}, footer("总分", totals, { "data-total": true }), footer(form.grade_label, grade, { "data-grade": true })));
}
