// One project's budget ledger (预算台账): entries by funding source and date, 资金到位率 and 执行率,
// recording entries and corrections. The list of a bureau's projects is projectlist.js.

import { api, explain, fresh } from "./api.js";
import { askForm, clear, h, link, money, notice, pct, shown, when } from "./dom.js";
import { ENTRY, KIND, SOURCES, STATUS, actionOf, has } from "./labels.js";
import { go } from "./main.js";
import { classificationPanel } from "./disclosure.js";
import { evidenceButton, evidenceCounts } from "./evidence.js";

const HISTORY_ROLES = ["auditor", "reviewer", "admin"];

export async function renderProject(main, [id], _query, who) {
  const ledger = await api(`/api/v1/projects/${id}/ledger`);
  const bureau = await api(`/api/v1/tenants/${who.tenant}`).catch(() => null);
  const changes = has(who, ...HISTORY_ROLES) ? await api(`/api/v1/projects/${id}/history`).catch(() => null) : null;
  const evaluations = (await api(`/api/v1/tenants/${ledger.tenant}/evaluations?project=${id}&page_size=200`)).items;
  const writable = ledger.tenant === who.tenant && has(who, "preparer", "evaluator");
  const targets = await api(`/api/v1/projects/${id}/targets`).catch(() => null);
  const monitoring = await api(`/api/v1/projects/${id}/monitoring`).catch(() => []);
  const rectifications = await api(`/api/v1/projects/${id}/rectifications`).catch(() => []);
  const recommendations = await api(`/api/v1/projects/${id}/recommendations`).catch(() => []);
  const classification = await classificationPanel(id, ledger.tenant, who, () => renderProject(main, [id], _query, who));
  const rerender = async (version) => {
    await fresh(`/api/v1/projects/${id}/ledger`, version);
    return renderProject(main, [id], _query, who);
  };
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/tenants/${ledger.tenant}/projects?year=${ledger.year}`, "项目列表"), " › 预算台账"),
    h("h1", {}, ledger.name),
    h("dl", { class: "meta" },
      h("dt", {}, "项目编号"), h("dd", {}, `${ledger.code}（${ledger.year} 年度）`),
      h("dt", {}, "主管部门"), h("dd", {}, shown(ledger.department)),
      h("dt", {}, "实施单位"), h("dd", {}, shown(ledger.unit)),
      h("dt", {}, "实际完成情况"), h("dd", {}, shown(ledger.achieved))),
    ledger.flags.length ? h("ul", { class: "flags", "aria-label": "台账提示" }, ledger.flags.map((f) => h("li", {}, f.message))) : null,
    h("h2", {}, "项目资金（元）"),
    totalsTable(ledger.totals),
    yearTimeline(id, ledger, targets, monitoring, evaluations, writable, rectifications, recommendations),
    h("h2", {}, "台账条目"),
    entriesTable(ledger, writable, rerender, await evidenceCounts(id)),
    writable ? entryForm(ledger, rerender) : null,
    h("h2", {}, "评价"),
    h("p", { class: "toolbar" }, link(`/ui/projects/${id}/comparison`, "自评与外部评价对比"),
      link(`/ui/tenants/${ledger.tenant}/projects/${encodeURIComponent(ledger.code)}/years`, "历年情况（同一项目编号）")),
    evaluations.length ? h("ul", {}, evaluations.map((e) => h("li", {},
      link(`/ui/evaluations/${e.evaluation_id}`, `${KIND[e.kind] || e.kind} · ${e.evaluator}`),
      ` ${e.total}（${e.grade}），${STATUS[e.status] || e.status}`))) : h("p", {}, "尚无评价"),
    has(who, "preparer", "evaluator") ? startEvaluation(id, bureau ? bureau.name : "") : null,
    classification,
    changes ? ledgerHistory(changes) : null);
}

const TARGET_STATUS = {
  draft: "草稿", supervisor_review: "主管部门审核中", finance_review: "财政部门审核中",
  returned: "退回修改", approved: "已批复", refused: "未通过",
};
const LEVEL = { red: "红色预警", amber: "黄色预警", green: "正常" };
const RECTIFICATION_STATUS = { draft: "拟定中", sent: "待整改", answered: "待验收", closed: "整改完成" };

// The project's year on one line: declared → approved → monitored → evaluated → rectified →
// applied to the next budget, each step a link.
function yearTimeline(id, ledger, targets, monitoring, evaluations, writable, rectifications, recommendations) {
  const step = (label, done, body) => h("li", { class: done ? "done" : "todo" }, h("strong", {}, label), " ", body);
  const approved = targets && targets.versions.length;
  return h("section", { "aria-label": "年度进程" }, h("h2", {}, `${ledger.year} 年度进程`),
    h("ol", { class: "timeline" },
      step("申报", Boolean(targets), targets
        ? link(`/ui/projects/${id}/targets`, `绩效目标申报表（${TARGET_STATUS[targets.status] || targets.status}）`)
        : writable ? link(`/ui/projects/${id}/targets`, "申报绩效目标") : "尚未申报"),
      step("批复", Boolean(approved), approved
        ? `${targets.versions[0].approved_on} 批复${targets.versions.length > 1 ? `，已调整 ${targets.versions.length - 1} 次` : ""}` : "—"),
      step("监控", monitoring.some((m) => m.report_id), monitoring.length ? monitoring.map((m) => h("span", { class: "round" },
        m.report_id ? link(`/ui/reports/${m.report_id}`, `${m.round.name}：${m.submitted ? "已报送" : "填报中"}，${LEVEL[m.level] || ""}`)
          : writable && m.round.status === "open" ? link(`/ui/monitoring/${m.round.round_id}/projects/${id}`, `${m.round.name}：开始填报`)
            : `${m.round.name}：未报送`)) : "没有监控轮次"),
      step("评价", evaluations.length > 0, evaluations.length
        ? evaluations.map((e) => link(`/ui/evaluations/${e.evaluation_id}`, `${KIND[e.kind] || e.kind} ${e.total}（${e.grade}）`)) : "尚无评价"),
      step("整改", rectifications.length > 0 && rectifications.every((r) => r.status === "closed"), rectifications.length
        ? rectifications.map((r) => link(`/ui/rectifications/${r.rectification_id}`,
          `${r.source_label}：${RECTIFICATION_STATUS[r.status] || r.status}${r.warning ? "（逾期）" : ""}`)) : "无整改要求"),
      step("结果应用", recommendations.some((r) => r.decision), recommendations.length
        ? recommendations.map((r) => link(`/ui/recommendations/${r.recommendation_id}`,
          `${r.year + 1} 年度预算建议：${r.advice_label}${r.decision ? `（财政已决定：${r.applied_label}）` : ""}`)) : "评价定稿后形成")));
}

// 台账变更记录: who recorded or corrected what, when, and why (auditors, reviewers, administrators).
function ledgerHistory(changes) {
  const amount = (c) => (c.after && c.after.amount !== undefined ? `${money(c.after.amount)} 元` : "");
  return [h("h2", {}, "台账变更记录"),
    h("table", { "aria-label": "台账变更记录" },
      h("thead", {}, h("tr", {}, ["时间", "操作人", "操作", "条目", "金额", "原因"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, changes.map((c) => h("tr", {},
        h("td", {}, when(c.at)), h("td", {}, c.actor), h("td", {}, actionOf(c)), h("td", {}, shown(c.subject)),
        h("td", { class: "num" }, amount(c)), h("td", {}, shown(c.reason))))))];
}

function totalsTable(totals) {
  const cols = ["资金来源", "年初预算数", "全年预算数", "实际到位资金", "全年执行数", "资金到位率", "预算执行率（支出/到位）", "执行率（支出/预算 B/A）"];
  return h("table", { "aria-label": "项目资金" },
    h("thead", {}, h("tr", {}, cols.map((c, i) => h("th", { scope: "col", class: i ? "num" : null }, c)))),
    h("tbody", {}, totals.map((t) => h("tr", { class: t.source === "合计" ? "total" : null },
      h("th", { scope: "row" }, t.source), h("td", { class: "num" }, money(t.initial)),
      h("td", { class: "num" }, money(t.annual)), h("td", { class: "num" }, money(t.received)),
      h("td", { class: "num" }, money(t.spent)), h("td", { class: "num" }, pct(t.funds_received_rate)),
      h("td", { class: "num" }, pct(t.execution_rate)), h("td", { class: "num" }, pct(t.budget_execution_rate))))));
}

function entriesTable(ledger, writable, rerender, counts = null) {
  const correct = (e) => askForm(`更正条目 ${e.entry_id}`, [
    { name: "amount", label: "更正金额（元，可为负）", required: true, inputmode: "decimal" },
    { name: "date", label: "日期", type: "date", required: true },
    { name: "reason", label: "更正原因", required: true },
  ], async (data) => {
    const body = { kind: "correction", source: e.source, corrects: e.entry_id, amount: data.get("amount").replaceAll(",", ""),
      date: data.get("date"), reason: data.get("reason") };
    const done = await api(`/api/v1/projects/${ledger.project_id}/entries`, { method: "POST", body })
      .catch((err) => { throw Object.assign(err, { userMessage: explain(err) }); });
    notice("已记录更正");
    await rerender(done.version);
  });
  return h("table", { "aria-label": "台账条目" },
    h("thead", {}, h("tr", {}, ["编号", "类型", "资金来源", "金额（元）", "日期", "文号 / 凭证号", "用途", "更正", ""]
      .map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ledger.entries.map((e) => h("tr", {},
      h("td", {}, e.entry_id), h("td", {}, ENTRY[e.kind] || e.kind), h("td", {}, e.source),
      h("td", { class: "num" }, money(e.amount)), h("td", {}, e.on), h("td", {}, shown(e.document)),
      h("td", {}, shown(e.purpose)),
      h("td", {}, e.corrects ? `更正 ${e.corrects}${e.reason ? `：${e.reason}` : ""}` : e.reason ? `原因：${e.reason}` : ""),
      h("td", {}, writable && e.kind !== "correction"
        ? h("button", { type: "button", onclick: () => correct(e), "aria-label": `更正条目 ${e.entry_id}` }, "更正") : "",
        " ", evidenceButton({ kind: "ledger_entry", owner: ledger.project_id, key: e.entry_id, label: `台账条目 ${e.entry_id}` }, writable, counts))))));
}

function entryForm(ledger, rerender) {
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const input = (id, label, attrs = {}) => [h("label", { for: id }, label), h("input", { id, name: id, autocomplete: "off", ...attrs })];
  const form = h("form", { class: "stack", "aria-label": "记账" },
    h("h2", { class: "wide" }, "记账（预算、到位、支出）"),
    h("label", { for: "entry-kind" }, "条目类型"),
    h("select", { id: "entry-kind", name: "kind" }, ["expenditure", "received", "initial_budget", "adjustment"].map((k) => h("option", { value: k }, ENTRY[k]))),
    h("label", { for: "entry-source" }, "资金来源"),
    h("select", { id: "entry-source", name: "source" }, SOURCES.map((s) => h("option", { value: s }, s))),
    input("entry-amount", "金额（元）", { name: "amount", required: true, inputmode: "decimal" }),
    input("entry-date", "日期", { name: "date", type: "date", required: true }),
    input("entry-document", "文号 / 凭证号", { name: "document" }),
    input("entry-purpose", "用途", { name: "purpose" }),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "记账")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    body.amount = body.amount.replaceAll(",", "");
    try {
      const done = await api(`/api/v1/projects/${ledger.project_id}/entries`, { method: "POST", body });
      notice("已记账");
      await rerender(done.version);
    } catch (err) { error.hidden = false; error.textContent = explain(err); }
  });
  return form;
}

function startEvaluation(projectId, bureauName) {
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const form = h("form", { class: "stack", "aria-label": "开始评价" },
    h("h2", { class: "wide" }, "开始新的评价"),
    h("label", { for: "ev-kind" }, "评价类型"),
    h("select", { id: "ev-kind", name: "kind" }, Object.entries(KIND).map(([k, v]) => h("option", { value: k }, v))),
    h("label", { for: "ev-name" }, "评价机构"), h("input", { id: "ev-name", name: "evaluator_name", required: true, autocomplete: "off", value: bureauName }),
    h("label", { for: "ev-third" }, "第三方机构"), h("input", { id: "ev-third", name: "third_party", type: "checkbox" }),
    h("label", { for: "ev-grades" }, "等级方案"),
    h("select", { id: "ev-grades", name: "grades" }, h("option", { value: "default" }, "优 / 良 / 中 / 差"), h("option", { value: "long" }, "优秀 / 良好 / 中 / 差")),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "开始评价")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const body = { kind: data.get("kind"), evaluator_name: data.get("evaluator_name"), third_party: data.get("third_party") === "on", grades: data.get("grades") };
    try {
      const done = await api(`/api/v1/projects/${projectId}/evaluations`, { method: "POST", body });
      await fresh(`/api/v1/evaluations/${done.id}`, done.version).catch(() => null);
      go(`/ui/evaluations/${done.id}`);
    } catch (err) {
      error.hidden = false;
      const existing = err.problem?.existing;  // “already exists”: lead to it
      error.replaceChildren(explain(err), existing?.href ? [" ", link(existing.href, "打开已有的评价")] : []);
    }
  });
  return form;
}
