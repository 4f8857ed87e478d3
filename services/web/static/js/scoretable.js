// The scorecard as the 评分表 / 自评表 of the reports: 一级 / 二级 / 三级指标, 分值, 评分标准,
// 年度指标值, 实际完成值, 得分, 扣分原因 / 偏差原因分析 — one row per leaf, level-1 and level-2
// cells spanning their leaves. With ``controls`` the actual values, deductions and notes are
// editable in place (labelled inputs and buttons, so the table is usable with the keyboard).

import { h } from "./dom.js";

const HEAD = ["一级指标", "二级指标", "三级指标", "分值", "评分标准", "年度指标值", "实际完成值", "得分", "扣分原因 / 偏差原因分析"];

function leavesUnder(card) {
  const kids = new Map();
  for (const i of card.indicators) {
    if (!kids.has(i.parent ?? "")) kids.set(i.parent ?? "", []);
    kids.get(i.parent ?? "").push(i);
  }
  const rows = [];
  const walk = (node, chain) => {
    const below = kids.get(node.key) || [];
    if (!below.length) rows.push([...chain, node]);
    for (const k of below) walk(k, [...chain, node]);
  };
  for (const root of kids.get("") || []) walk(root, []);
  const span = new Map();  // key → number of leaf rows under it
  for (const chain of rows) for (const n of chain) span.set(n.key, (span.get(n.key) || 0) + 1);
  return { rows, span };
}

function flagsOf(card) {
  const byKey = new Map();
  for (const f of card.flags) {
    if (!f.subject) continue;
    if (!byKey.has(f.subject)) byKey.set(f.subject, []);
    byKey.get(f.subject).push(f);
  }
  return byKey;
}

function branchCell(node, span, colspan) {
  const label = `${node.name}（${node.weight} 分，得 ${node.score ?? "—"}）`;
  return h("th", { scope: "rowgroup", rowspan: span, colspan }, label);
}

export function scoreTable(card, controls = null) {
  const { rows, span } = leavesUnder(card);
  const flags = flagsOf(card);
  const started = new Set();
  const body = rows.map((chain) => {
    const leaf = chain[chain.length - 1];
    const cells = [];
    chain.slice(0, -1).forEach((node) => {
      if (started.has(node.key)) return;
      started.add(node.key);
      cells.push(branchCell(node, span.get(node.key), 1));
      if (flags.has(node.key)) cells[cells.length - 1].append(...flags.get(node.key).map((f) => h("span", { class: "flag" }, f.message)));
    });
    const nameSpan = 3 - (chain.length - 1);
    const mine = flags.get(leaf.key) || [];
    const deductions = card.deductions.filter((d) => d.key === leaf.key && d.active);
    cells.push(
      h("th", { scope: "row", colspan: nameSpan > 1 ? nameSpan : null, id: `name-${leaf.key}` }, leaf.name,
        leaf.not_applicable ? h("span", { class: "muted" }, "（不适用）") : null),
      h("td", { class: "num" }, leaf.weight),
      h("td", { class: "standard" }, leaf.standard || "—"),
      h("td", {}, leaf.target ?? "—"),
      h("td", {}, controls ? controls.actual(leaf) : (leaf.actual ?? "—")),
      h("td", { class: "num", id: `score-${leaf.key}` }, leaf.score ?? "未评分",
        leaf.deducted !== "0" && leaf.deducted !== "0.00" ? h("span", { class: "explain" }, `规则得分 ${leaf.rule_score ?? "—"}，扣 ${leaf.deducted}`) : null,
        leaf.explanation ? h("span", { class: "explain" }, leaf.explanation) : null),
      h("td", {},
        deductions.map((d) => h("div", { class: "deduction" }, `扣 ${d.points} 分：${d.reason}`,
          controls ? controls.deduction(leaf, d) : null)),
        leaf.deviation ? h("div", {}, h("span", { class: "muted" }, "偏差原因："), leaf.deviation) : null,
        controls ? controls.row(leaf) : null,
        mine.map((f) => h("span", { class: "flag" }, f.message))),
    );
    return h("tr", { class: mine.length ? "flagged" : null, "data-key": leaf.key }, cells);
  });
  return h("table", { class: "scorecard", "aria-label": "评分表" },
    h("thead", {}, h("tr", {}, HEAD.map((t, i) => h("th", { scope: "col", class: i === 3 || i === 7 ? "num" : null }, t)))),
    h("tbody", {}, body),
    h("tfoot", {},
      h("tr", { class: "total" }, h("th", { scope: "row", colspan: 3 }, "合计"),
        h("td", { colspan: 4 }),
        h("td", { class: "num", "data-total": true }, card.total), h("td", {}, card.stated_total !== null ? `表中总分 ${card.stated_total}` : "")),
      h("tr", { class: "total" }, h("th", { scope: "row", colspan: 3 }, "等级"), h("td", { colspan: 4 }),
        h("td", { class: "num", "data-grade": true }, card.grade), h("td", {}, card.stated_grade ? `表中等级 ${card.stated_grade}` : ""))));
}
