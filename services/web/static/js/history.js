// An evaluation's history for auditors: the change timeline (who, when, what, before → after,
// why), each deduction's own history, and whether the stored events are intact.

import { api } from "./api.js";
import { clear, h, link, when } from "./dom.js";
import { KIND, ROLE, STATUS, actionOf } from "./labels.js";

export function describe(action, value) {
  if (value === null || value === undefined) return "—";
  if (action.startsWith("Deduction")) return value.active === false ? `已撤销（原扣 ${value.points} 分）` : `扣 ${value.points} 分：${value.reason}`;
  switch (action) {
    case "ActualRecorded": return `实际完成值 ${value.actual ?? "—"}，得分 ${value.score ?? "—"}`;
    case "StatusChanged": return STATUS[value.status] || value.status;
    case "StatedTotalRecorded": return `表中总分 ${value.stated_total ?? "—"}，等级 ${value.stated_grade ?? "—"}`;
    case "IndicatorDefined": return `${value.name}（${value.weight} 分）${value.target ? `，目标 ${value.target}` : ""}`;
    case "Started": return `${KIND[value.kind] || value.kind} · ${value.evaluator?.name ?? ""}`;
    case "LedgerFiguresSynced": {
      const l = value.ledger;
      return l ? `预算 ${l.annual}，到位 ${l.received}，支出 ${l.spent}` : "—";
    }
    default: return typeof value === "object" ? JSON.stringify(value) : String(value);
  }
}

function changesTable(changes, names, label) {
  return h("table", { "aria-label": label },
    h("thead", {}, h("tr", {}, ["版本", "时间", "操作人", "操作", "对象", "变更前", "变更后", "原因"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, changes.map((c) => h("tr", {},
      h("td", { class: "num" }, c.version), h("td", {}, when(c.at)),
      h("td", {}, `${c.actor_id}（${ROLE[c.role] || c.role}${c.actor_tenant ? `，${c.actor_tenant}` : ""}）`),
      h("td", {}, actionOf(c)),
      h("td", {}, [c.indicator ? names.get(c.indicator) || c.indicator : "", c.subject && c.subject !== c.indicator ? ` ${c.subject}` : ""].join("") || "—"),
      h("td", { class: "change-before" }, describe(c.action, c.before)),
      h("td", { class: "change-after" }, describe(c.action, c.after)),
      h("td", {}, c.reason || "—")))));
}

export async function renderHistory(main, [id]) {
  const base = `/api/v1/evaluations/${id}`;
  const [card, changes, integrity] = await Promise.all([api(base), api(`${base}/history`), api(`${base}/integrity`)]);
  const names = new Map(card.indicators.map((i) => [i.key, i.name]));
  const deductions = new Map();
  for (const c of changes.filter((x) => x.action.startsWith("Deduction"))) {
    if (!deductions.has(c.subject)) deductions.set(c.subject, []);
    deductions.get(c.subject).push(c);
  }
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/evaluations/${id}`, "评分表"), " › 变更历史"),
    h("h1", {}, "变更历史"),
    h("h2", {}, "完整性"),
    integrity.ok
      ? h("p", { class: "okay", role: "status" }, `完整：本评价 ${integrity.events} 个事件中 ${integrity.verified} 个与哈希链一致${integrity.pending ? `，${integrity.pending} 个尚未入链（稍后核验）` : ""}。`)
      : h("div", { class: "alert", role: "alert" }, h("p", {}, "发现篡改迹象："), h("ul", {}, integrity.problems.map((p) => h("li", {}, p)))),
    h("h2", {}, `时间线（共 ${changes.length} 项变更）`),
    h("p", {}, "点击版本号可查看该版本时的评分表。"),
    changesTable(changes, names, "变更时间线"),
    h("h2", {}, "各项扣分的历史"),
    deductions.size ? [...deductions].map(([did, list]) => h("section", { "aria-label": `扣分 ${did} 的历史` },
      h("h3", {}, `扣分 ${did}（${names.get(list[0].indicator) || list[0].indicator || ""}）`),
      changesTable(list, names, `扣分 ${did}`))) : h("p", {}, "没有扣分"));
  for (const cell of main.querySelectorAll("table[aria-label=变更时间线] tbody td:first-child")) {
    const v = cell.textContent;
    cell.replaceChildren(link(`/ui/evaluations/${id}?version=${v}`, v));
  }
}
