// Why a score is what it is (为什么是这个分), what it would be under other rules (假设重算), and
// the evaluator's discretionary score (酌情给分). Every figure comes from the server: the lineage
// endpoint's recorded steps, the what-if endpoint's alternative totals; nothing is computed here.

import { api, explain } from "./api.js";
import { askForm, h, when } from "./dom.js";
import { ACTION } from "./labels.js";

const KIND_READ = { number: "数值", date: "日期", range: "区间", phrase: "文字", unreadable: "无法识别" };

function readAs(cell) {
  if (!cell) return "—";
  const r = cell.read;
  const what = r.date ? `${r.date}（${r.date_bound === "by" ? "不晚于" : r.date_bound === "after" ? "不早于" : "当日"}）`
    : r.low !== undefined ? `${r.low}–${r.high}${r.unit || ""}`
    : r.number !== undefined ? `${r.comparator || ""}${r.number}${r.unit || ""}` : r.phrase || "";
  return `「${cell.raw}」→ ${KIND_READ[cell.kind] || cell.kind}${what ? `：${what}` : ""}`;
}

function rows(pairs) {
  return h("dl", { class: "lineage" }, pairs.filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

export async function showLineage(base, leaf, version) {
  const suffix = version ? `?version=${version}` : "";
  const { lineage: l, events, ledger_events: ledger } = await api(`${base}/indicators/${encodeURIComponent(leaf.key)}/lineage${suffix}`);
  const figures = l.ledger ? `全年预算 ${l.ledger.annual} 元，实际到位 ${l.ledger.received} 元，实际支出 ${l.ledger.spent} 元` : null;
  const dialog = h("dialog", { "aria-label": `「${l.name}」为什么是这个分`, class: "lineage-panel" },
    h("h2", {}, `「${l.name}」为什么是 ${l.score ?? "未评分"} 分`),
    rows([
      ["分值", l.weight],
      ["评分规则", l.rule_text ? `${l.rule_text}（第 ${l.rule_version} 版）` : "无"],
      ["取整规则", l.rounding || "（第 1 版规则：按录入的比率计分，得分保留2位小数）"],
      ["偏离度", l.overachievement ? JSON.stringify(l.overachievement) : null],
      ["年度指标值", readAs(l.target)],
      ["实际完成值", readAs(l.actual)],
      ["台账数据", figures],
      ["规则得分", l.rule_score],
      ["酌情", l.judged ? `${l.judged.points !== undefined ? `评定 ${l.judged.points} 分` : `调整 ${l.judged.adjustment} 分`}：${l.judged.reason}` : null],
      ["扣分", l.deductions.length ? l.deductions.map((d) => `${d.deduction_id} 扣 ${d.points} 分：${d.reason}`).join("；") : null],
      ["表中得分", l.stated_score],
    ]),
    h("h3", {}, "计算步骤"),
    h("ol", { class: "steps" }, l.steps.map((s) => h("li", {}, s))),
    h("h3", {}, "依据的事件"),
    h("table", {}, h("thead", {}, h("tr", {}, ["位置", "时间", "操作人", "操作", "原因"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, [...events, ...ledger].map((e) => h("tr", {},
        h("td", { class: "num" }, e.position), h("td", {}, when(e.at)), h("td", {}, e.actor),
        h("td", {}, `${ACTION[e.action] || e.action}${e.subject ? ` ${e.subject}` : ""}`), h("td", {}, e.reason || "—"))))),
    h("form", { method: "dialog" }, h("button", { type: "submit" }, "关闭")));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

export function lineageButton(base, leaf, version) {
  return h("button", { type: "button", class: "link no-print", id: `why-${leaf.key}`, "aria-label": `「${leaf.name}」为什么是这个分`,
    onclick: () => showLineage(base, leaf, version).catch((err) => alert(explain(err))) }, "为什么");
}

export function judgeButton(leaf, command, inDialog) {
  const judgement = leaf.rule?.kind === "judgement";
  if (!judgement && !leaf.rule?.discretion) return null;
  const fields = judgement
    ? [{ name: "points", label: `评定得分（0–${leaf.weight}）`, required: true, inputmode: "decimal" }]
    : [{ name: "adjustment", label: `酌情调整（±${leaf.rule.discretion} 分以内，可为负数）`, required: true, inputmode: "decimal" }];
  return h("button", { type: "button", id: `judge-${leaf.key}`, "aria-label": `「${leaf.name}」酌情给分`, onclick: () =>
    askForm(`「${leaf.name}」酌情给分`, [...fields, { name: "reason", label: "酌情理由", required: true }],
      inDialog((f) => command(`/indicators/${encodeURIComponent(leaf.key)}/judgement`,
        judgement ? { points: f.get("points"), reason: f.get("reason") } : { adjustment: f.get("adjustment"), reason: f.get("reason") }, "PUT"))) },
  "酌情给分");
}

const POLICIES = {
  "": null,
  "fraction-2": { rate: "fraction", rate_places: 2 },
  "percent-2": { rate: "percent", rate_places: 2 },
  "percent-1": { rate: "percent", rate_places: 1 },
  exact: { rate: "exact" },
};

export function whatIfPanel(base) {
  const out = h("div", { id: "whatif-result", "aria-live": "polite" });
  const version = h("select", { id: "wi-version", name: "rule_version" },
    h("option", { value: "" }, "不变"), h("option", { value: "1" }, "第 1 版（不取整）"), h("option", { value: "2" }, "第 2 版"));
  const policy = h("select", { id: "wi-policy", name: "rounding" },
    h("option", { value: "" }, "不变"), h("option", { value: "fraction-2" }, "比值保留2位小数（如 0.87）"),
    h("option", { value: "percent-2" }, "百分数保留2位小数"), h("option", { value: "percent-1" }, "百分数保留1位小数"),
    h("option", { value: "exact" }, "不取整"));
  const revision = h("input", { id: "wi-revision", name: "template_revision", inputmode: "numeric", size: 4 });
  const history = h("input", { id: "wi-history", name: "history", type: "checkbox" });
  const form = h("form", { class: "toolbar no-print", "aria-label": "假设重算" },
    h("strong", {}, "假设重算（不改变任何数据）"),
    h("label", { for: "wi-version" }, "规则版本"), version,
    h("label", { for: "wi-policy" }, "取整规则"), policy,
    h("label", { for: "wi-revision" }, "模板版本"), revision,
    h("label", { for: "wi-history" }, history, "逐版本"),
    h("button", { type: "submit" }, "重算"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { history: history.checked };
    if (version.value) body.rule_version = Number(version.value);
    if (POLICIES[policy.value]) body.rounding_policy = POLICIES[policy.value];
    if (revision.value.trim()) body.template_revision = Number.parseInt(revision.value, 10);
    try {
      const versions = await api(`${base}/what-if`, { method: "POST", body });
      out.replaceChildren(resultTable(versions));
    } catch (err) {
      out.replaceChildren(h("p", { class: "alert", role: "alert" }, explain(err)));
    }
  });
  return h("section", { class: "whatif" }, form, out);
}

function resultTable(versions) {
  return h("table", { class: "whatif-table", "aria-label": "假设重算结果" },
    h("thead", {}, h("tr", {}, ["版本", "时间", "总分", "等级", "重算总分", "重算等级", "变动的指标"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, versions.map((v) => h("tr", { class: v.total !== v.alternative_total ? "flagged" : null },
      h("td", { class: "num" }, v.version), h("td", {}, when(v.at)), h("td", { class: "num" }, v.total), h("td", {}, v.grade),
      h("td", { class: "num" }, v.alternative_total), h("td", {}, v.alternative_grade),
      h("td", {}, v.moved.length ? v.moved.map((m) => `${m.name} ${m.score ?? "—"} → ${m.alternative ?? "—"}`).join("；") : "—")))));
}
