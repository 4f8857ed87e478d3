// 评价报告: the report of one evaluation — the engagement data, each part of the official outline
// written by whoever writes the evaluation (every save an event), and the report downloaded as
// .docx or PDF with the figures filled from the evaluation by the server.

import { api, explain } from "./api.js";
import { askForm, clear, h, link, notice } from "./dom.js";
import { has } from "./labels.js";
import { download } from "./excel.js";

export async function renderReport(main, [id], _query, who) {
  const base = `/api/v1/evaluations/${id}/report`;
  const card = await api(`/api/v1/evaluations/${id}`);
  const report = await api(base).catch((err) => (err.status === 404 ? null : Promise.reject(err)));
  const writer = has(who, "preparer", "evaluator");
  const again = () => renderReport(main, [id], _query, who);
  const guarded = (fn) => async (data) => {
    try { await fn(data); await again(); } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
  };
  const crumbs = h("p", { class: "crumbs" }, link(`/ui/evaluations/${id}`, card.project_name || "评价"), " › 评价报告");
  if (!report) {
    const start = writer ? h("button", { type: "button", class: "primary", onclick: async () => {
      try { await api(base, { method: "POST" }); await again(); } catch (err) { notice(explain(err)); }
    } }, "开始撰写评价报告") : h("p", { class: "muted" }, "尚未撰写评价报告");
    clear(main, crumbs, h("h1", {}, "评价报告"), start);
    return;
  }
  const g = report.engagement;
  const field = (label, value) => h("tr", {}, h("th", { scope: "row" }, label), h("td", {}, value || "—"));
  clear(main, crumbs,
    h("h1", {}, `${report.project_name} · 评价报告`),
    h("div", { class: "toolbar no-print" },
      h("button", { type: "button", onclick: () => download(`/api/v1/evaluations/${id}/report.docx`, "评价报告.docx") }, "下载 Word（.docx）"),
      h("button", { type: "button", onclick: () => download(`/api/v1/evaluations/${id}/report.pdf`, "评价报告.pdf") }, "下载 PDF"),
      writer ? h("button", { type: "button", onclick: () => askForm("评价工作信息", [
        { name: "commissioner", label: "委托单位", value: g.commissioner || "" },
        { name: "implementer", label: "评价机构", value: g.implementer || "" },
        { name: "team", label: "评价组（每行一人：姓名，分工，职称或单位）", type: "textarea",
          value: (g.team || []).map((m) => [m.name, m.duty || "", m.title || ""].join("，")).join("\n") },
        { name: "period_start", label: "评价工作开始日期", type: "date", value: g.period_start || "" },
        { name: "period_end", label: "评价工作结束日期", type: "date", value: g.period_end || "" },
        { name: "report_date", label: "报告日期", type: "date", value: g.report_date || "" },
        { name: "method", label: "评价方法", type: "textarea", value: g.method || "" },
        { name: "fieldwork", label: "现场工作计划", type: "textarea", value: g.fieldwork || "" },
        { name: "checklist", label: "访谈与核查清单（每行一项）", type: "textarea", value: (g.checklist || []).join("\n") }],
      guarded((d) => {
        const lines = (k) => String(d.get(k) || "").split("\n").map((s) => s.trim()).filter(Boolean);
        const body = { commissioner: d.get("commissioner") || "", implementer: d.get("implementer") || "",
          team: lines("team").map((l) => { const [name, duty = "", title = ""] = l.split(/[，,]/).map((s) => s.trim()); return { name, duty, title }; }),
          method: d.get("method") || "", fieldwork: d.get("fieldwork") || "", checklist: lines("checklist") };
        for (const k of ["period_start", "period_end", "report_date"]) if (d.get(k)) body[k] = d.get(k);
        return api(`${base}/engagement`, { method: "PUT", body });
      }), "保存") }, "评价工作信息") : null),
    h("table", { "aria-label": "评价工作信息" }, h("tbody", {},
      field("委托单位", g.commissioner), field("评价机构", g.implementer),
      field("评价组", (g.team || []).map((m) => `${m.name}${m.duty ? `（${m.duty}）` : ""}`).join("、")),
      field("评价工作期间", g.period_start ? `${g.period_start} 至 ${g.period_end || ""}` : ""),
      field("报告日期", g.report_date), field("评价方法", g.method))),
    h("p", { class: "muted" }, "综合评价结论、指标分析与附件的得分表由平台按评价自动填入；以下为评价人撰写的文字。"),
    ...report.sections.map((s) => h("section", { "aria-label": s.heading },
      h("h2", {}, s.heading),
      s.text ? s.text.split("\n").filter((p) => p.trim()).map((p) => h("p", {}, p)) : h("p", { class: "muted" }, "（未填写）"),
      writer ? h("button", { type: "button", "aria-label": `撰写「${s.heading}」`, onclick: () => askForm(s.heading, [
        { name: "text", label: "正文（段落以换行分隔）", type: "textarea", value: s.text }],
      guarded((d) => api(`${base}/sections/${s.key}`, { method: "PUT", body: { text: String(d.get("text") || "") } })), "保存") }, "撰写") : null)));
}
