// 整改: a region's rectifications (overdue first in view), and one rectification — its findings
// tied to indicators and ledger entries, the demand and its deadline, the unit's measures per
// finding, the demander's verdicts, the overdue warning, and the record of who did what and why.
// The server decides every step; the page offers what the signed-in person may do.

import { api, explain } from "./api.js";
import { askForm, clear, h, link, notice, shown, when } from "./dom.js";
import { has } from "./labels.js";
import { go } from "./main.js";
import { evidenceButton, evidenceCounts } from "./evidence.js";

const STATUS = { draft: "拟定中", sent: "待整改", answered: "待验收", closed: "整改完成" };
const WARNING = { send: "整改要求逾期未下达", answer: "整改情况逾期未报送" };
const ACTION = {
  Opened: "提出整改", FindingRecorded: "记录问题", FindingWithdrawn: "撤回问题", Sent: "下达整改要求",
  MeasuresFiled: "报送整改情况", Reviewed: "验收", OverdueWarned: "逾期预警",
};
const SUBJECT = { accepted: "通过", not_accepted: "不予通过", ...WARNING };
const list = (text) => String(text || "").split(/[，,、\s]+/).map((s) => s.trim()).filter(Boolean);

export async function startRectification(kind, sourceId) {
  try {
    const done = await api("/api/v1/rectifications", { method: "POST", body: { source_kind: kind, source_id: sourceId } });
    return go(`/ui/rectifications/${done.id}`);
  } catch (err) {
    if (err.problem?.existing?.id) return go(`/ui/rectifications/${err.problem.existing.id}`);
    notice(explain(err));
    return null;
  }
}

export function rectifyButton(kind, sourceId) {
  return h("button", { type: "button", onclick: () => startRectification(kind, sourceId) }, "提出整改");
}

export async function renderRectifications(main, [code], query) {
  const overdue = query.get("overdue") === "1";
  const status = query.get("status") || "";
  const params = new URLSearchParams();
  if (status) params.set("status", status);
  if (overdue) params.set("overdue", "true");
  const [tenant, rows] = await Promise.all([
    api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/rectifications?${params}`)]);
  const filter = (label, href, on) => (on ? h("strong", {}, label) : link(href, label));
  const base = `/ui/tenants/${code}/rectifications`;
  clear(main, h("h1", {}, `${tenant.name} · 整改`),
    h("p", { class: "toolbar" }, filter("全部", base, !status && !overdue), " ",
      ...Object.entries(STATUS).flatMap(([k, v]) => [filter(v, `${base}?status=${k}`, status === k), " "]),
      filter("逾期", `${base}?overdue=1`, overdue)),
    h("table", { "aria-label": "整改清单" },
      h("thead", {}, h("tr", {}, ["年度", "项目", "单位", "来源", "提出单位", "问题数", "状态", "整改期限", "预警"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.length ? rows.map((r) => h("tr", { class: r.warning ? "level-row-red" : null },
        h("td", {}, r.year), h("th", { scope: "row" }, link(`/ui/rectifications/${r.rectification_id}`, r.project_name)),
        h("td", {}, r.tenant), h("td", {}, r.source_label), h("td", {}, r.demander), h("td", { class: "num" }, r.findings),
        h("td", {}, STATUS[r.status] || r.status), h("td", {}, shown(r.answer_by || (r.status === "draft" ? `下达期限 ${r.send_by}` : ""))),
        h("td", {}, r.warning ? `${WARNING[r.warning]}（${r.days_late} 天）` : ""))) :
        h("tr", {}, h("td", { colspan: 9 }, "没有整改")))));
}

export async function renderRectification(main, [id], _query, who) {
  const r = await api(`/api/v1/rectifications/${id}`);
  const base = `/api/v1/rectifications/${id}`;
  const demander = r.demander === who.tenant;
  const unit = r.tenant === who.tenant && has(who, "preparer", "evaluator");
  const deciding = demander && has(who, "reviewer", "finance");
  const recording = demander && has(who, "evaluator", "reviewer", "finance");
  const again = () => renderRectification(main, [id], _query, who);
  const guarded = (fn) => async (data) => {
    try { await fn(data); await again(); } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
  };
  const source = r.source_kind === "evaluation" ? `/ui/evaluations/${r.source_id}` : `/ui/reports/${r.source_id}`;
  const trail = has(who, "auditor", "reviewer", "admin") ? await api(`${base}/history`).catch(() => []) : [];
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/projects/${r.project_id}`, r.project_name), " › 整改"),
    h("h1", {}, `${r.project_name} · 整改`),
    h("div", { class: "scorebox" }, h("span", {}, `状态：${r.status_label}`),
      h("span", {}, "来源：", link(source, r.source_label)), h("span", {}, `提出单位：${r.demander_name || r.demander}`)),
    r.warning ? h("p", { class: "alert", role: "alert" }, `${r.warning.label}：期限 ${r.warning.due}，已逾期 ${r.warning.days_late} 天`) : null,
    h("table", { "aria-label": "整改期限" }, h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, "评价定稿（或监控）日期"), h("td", {}, r.source_closed_on)),
      h("tr", {}, h("th", { scope: "row" }, "整改要求下达期限"), h("td", {}, r.send_by)),
      h("tr", {}, h("th", { scope: "row" }, "下达日期"), h("td", {}, shown(r.sent_on))),
      h("tr", {}, h("th", { scope: "row" }, "整改情况报送期限"), h("td", {}, shown(r.answer_by))))),
    r.requirement ? h("section", { "aria-label": "整改要求" }, h("h2", {}, "整改要求"), h("p", { class: "prewrap" }, r.requirement)) : null,
    h("div", { class: "toolbar no-print" },
      recording && r.status === "draft" ? h("button", { type: "button", onclick: () => askForm("记录问题", [
        { name: "text", label: "问题描述", type: "textarea", required: true },
        { name: "indicators", label: "关联指标编号（可多个，用逗号分隔）" },
        { name: "entries", label: "关联台账条目编号（如 L0001，可不填）" },
        { name: "suggestion", label: "整改建议", type: "textarea" }],
      guarded((d) => api(`${base}/findings`, { method: "POST", body: {
        text: d.get("text"), indicators: list(d.get("indicators")), entries: list(d.get("entries")), suggestion: d.get("suggestion") || "" } }))) }, "记录问题") : null,
      deciding && r.status === "draft" ? h("button", { type: "button", class: "primary", onclick: () => askForm(
        `下达整改要求（共 ${r.findings.length} 个问题）？下达后问题不能再修改。`, [
          { name: "requirement", label: "整改要求", type: "textarea", required: true },
          { name: "answer_days", label: "整改期限（天）", inputmode: "numeric", value: "30", required: true }],
        guarded((d) => api(`${base}/send`, { method: "POST", body: { requirement: d.get("requirement"), answer_days: Number(d.get("answer_days")) } })), "下达") }, "下达整改要求") : null,
      unit && r.status === "sent" ? h("button", { type: "button", class: "primary", onclick: () => askForm("报送整改情况", [
        ...r.findings.flatMap((f) => [
          { name: `measures-${f.finding_id}`, label: `${f.finding_id} ${f.text} — 整改措施`, type: "textarea", required: true },
          { name: `result-${f.finding_id}`, label: `${f.finding_id} 整改结果` },
          { name: `done-${f.finding_id}`, label: `${f.finding_id} 已整改到位`, type: "checkbox" }]),
        { name: "summary", label: "总体说明", type: "textarea" }],
      guarded((d) => api(`${base}/measures`, { method: "POST", body: {
        measures: r.findings.map((f) => ({ finding_id: f.finding_id, measures: d.get(`measures-${f.finding_id}`),
          result: d.get(`result-${f.finding_id}`) || "", done: d.get(`done-${f.finding_id}`) === "on" })),
        summary: d.get("summary") || "" } })), "报送") }, "报送整改情况") : null,
      deciding && r.status === "answered" ? [
        h("button", { type: "button", class: "primary", onclick: () => askForm("确认验收通过？", [{ name: "reason", label: "意见（可不填）" }],
          guarded((d) => api(`${base}/review`, { method: "POST", body: { accepted: true, reason: d.get("reason") || "" } })), "通过") }, "验收通过"),
        h("button", { type: "button", onclick: () => askForm("不予通过，退回重新整改", [
          { name: "reason", label: "原因", type: "textarea", required: true },
          { name: "answer_days", label: "重新整改期限（天）", inputmode: "numeric", value: "30", required: true }],
        guarded((d) => api(`${base}/review`, { method: "POST", body: { accepted: false, reason: d.get("reason"), answer_days: Number(d.get("answer_days")) } })), "退回") }, "不予通过")] : null),
    h("h2", {}, "问题"),
    h("table", { "aria-label": "问题清单" },
      h("thead", {}, h("tr", {}, ["编号", "问题描述", "关联指标", "关联台账条目", "整改建议", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, r.findings.length ? r.findings.map((f) => h("tr", {},
        h("th", { scope: "row" }, f.finding_id), h("td", {}, f.text), h("td", {}, (f.indicators || []).join("、")),
        h("td", {}, (f.entries || []).join("、")), h("td", {}, shown(f.suggestion)),
        h("td", {}, recording && r.status === "draft" ? h("button", { type: "button", "aria-label": `撤回问题 ${f.finding_id}`, onclick: () => askForm(`撤回问题 ${f.finding_id}`, [
          { name: "reason", label: "原因", required: true }],
        guarded((d) => api(`${base}/findings/${f.finding_id}/withdraw`, { method: "POST", body: { reason: d.get("reason") } }))) }, "撤回") : ""))) :
        h("tr", {}, h("td", { colspan: 6 }, "尚未记录问题")))),
    h("h2", {}, "整改情况与验收"),
    r.answers.length ? h("ol", { class: "answers" }, r.answers.map((a, n) => h("li", {},
      h("p", {}, `${a.filed_on} 报送${a.summary ? `：${a.summary}` : ""}`),
      h("ul", {}, a.measures.map((m) => h("li", {}, `${m.finding_id} 措施：${m.measures}；结果：${m.result || "—"}；${m.done ? "已整改到位" : "尚未到位"}`))),
      r.reviews[n] ? h("p", { class: r.reviews[n].accepted ? "muted" : "alert" },
        `${r.reviews[n].on} ${r.reviews[n].accepted ? "验收通过" : "不予通过"}${r.reviews[n].reason ? `：${r.reviews[n].reason}` : ""}${r.reviews[n].answer_by ? `（重新整改期限 ${r.reviews[n].answer_by}）` : ""}`) : null))) :
      h("p", { class: "muted" }, "尚未报送整改情况"),
    trail.length ? h("section", { "aria-label": "整改记录" }, h("h2", {}, "记录"),
      h("table", {}, h("thead", {}, h("tr", {}, ["时间", "操作", "人员", "单位", "原因"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, trail.map((c) => h("tr", {}, h("td", {}, when(c.at)), h("td", {}, `${ACTION[c.action] || c.action}${c.subject ? `（${SUBJECT[c.subject] || c.subject}）` : ""}`),
          h("td", {}, c.actor_id), h("td", {}, c.actor_tenant), h("td", {}, shown(c.reason))))))) : null);
  await findingEvidence(main, r, recording, unit);
}

// 佐证材料 of each finding (the demanding bureau's) and of the unit's measures for it (evidence.js)
async function findingEvidence(main, r, recording, unit) {
  const counts = await evidenceCounts(r.rectification_id || r.id);
  const owner = r.rectification_id || r.id;
  for (const row of main.querySelectorAll('table[aria-label="问题清单"] tbody tr')) {
    const id = row.querySelector("th")?.textContent;
    const f = r.findings.find((x) => x.finding_id === id);
    if (!f) continue;
    row.lastElementChild.append(
      evidenceButton({ kind: "finding", owner, key: f.finding_id, label: `问题 ${f.finding_id}` }, recording, counts), " ",
      evidenceButton({ kind: "rectification", owner, key: f.finding_id, label: `问题 ${f.finding_id} 的整改情况` }, unit, counts));
  }
}
