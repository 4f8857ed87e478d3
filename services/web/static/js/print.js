// A print-friendly 评分表: the same table without controls, the project block on top.

import { api } from "./api.js";
import { clear, h, link, money, pct, shown, when } from "./dom.js";
import { KIND, STATUS } from "./labels.js";
import { scoreTable } from "./scoretable.js";

export async function renderPrint(main, [id], query) {
  const suffix = query.get("version") ? `?version=${query.get("version")}` : query.get("as_of") ? `?as_of=${encodeURIComponent(query.get("as_of"))}` : "";
  const card = await api(`/api/v1/evaluations/${id}${suffix}`);
  const ledger = await api(`/api/v1/projects/${card.project_id}/ledger`).catch(() => null);
  const total = ledger?.totals.find((t) => t.source === "合计");
  clear(main,
    h("div", { class: "toolbar no-print" }, link(`/ui/evaluations/${id}${suffix}`, "返回评分表"),
      h("button", { type: "button", class: "primary", onclick: () => window.print() }, "打印")),
    h("h1", {}, `${ledger ? `${ledger.year} 年度` : ""}项目支出绩效${card.kind === "self" ? "自评表" : "评分表"}`),
    h("dl", { class: "meta" },
      h("dt", {}, "项目名称"), h("dd", {}, ledger ? ledger.name : "—"),
      h("dt", {}, "评价类型"), h("dd", {}, `${KIND[card.kind] || card.kind} · ${card.evaluator}`),
      h("dt", {}, "主管部门"), h("dd", {}, shown(ledger?.department)),
      h("dt", {}, "实施单位"), h("dd", {}, shown(ledger?.unit)),
      h("dt", {}, "全年预算数（元）"), h("dd", {}, money(total?.annual)),
      h("dt", {}, "全年执行数（元）"), h("dd", {}, `${money(total?.spent)}（执行率 ${pct(total?.budget_execution_rate)}）`),
      h("dt", {}, "状态"), h("dd", {}, `${STATUS[card.status] || card.status}，第 ${card.version} 版`),
      h("dt", {}, "打印时间"), h("dd", {}, when(new Date().toISOString()))),
    scoreTable(card),
    card.flags.length ? h("ul", { class: "flags" }, card.flags.map((f) => h("li", {}, f.message))) : null);
}
