// 结果应用: a region's budget recommendations for the next cycle (one table, filters, the Excel
// export, the finance side's decision), one recommendation (what it came from, each change, the
// decision), and the policy that applies to a bureau (the finance side sets its own).

import { api, explain } from "./api.js";
import { askForm, clear, h, link, notice } from "./dom.js";
import { has } from "./labels.js";
import { exportButton } from "./excel.js";

export const ADVICE = { priority: "优先保障", keep: "维持", cut: "压减", suspend: "暂缓安排", cancel: "取消" };
const RECT = { "": "无", open: "整改中", overdue: "整改逾期", closed: "整改已验收" };
const GRADES = ["优", "良", "中", "差"];
const adviceOf = (text) => Object.entries(ADVICE).find(([, v]) => v === String(text || "").trim())?.[0];

function decideButton(rec, after) {
  return h("button", { type: "button", "aria-label": `记录财政决定：${rec.project_name}`, onclick: () => askForm(`记录财政决定：${rec.project_name}`, [
    { name: "decision", label: "决定（采纳 / 调整）", required: true, value: "采纳" },
    { name: "advice", label: `调整后的建议（${Object.values(ADVICE).join(" / ")}；采纳时不填）` },
    { name: "cut", label: "调整后的压减比例（%，压减时填写）", inputmode: "decimal" },
    { name: "reason", label: "原因（调整时必填）", type: "textarea" }],
  async (d) => {
    const changed = String(d.get("decision")).trim() === "调整";
    const body = { decision: changed ? "changed" : "accepted", reason: String(d.get("reason") || "") };
    if (changed) {
      const advice = adviceOf(d.get("advice"));
      if (!advice) throw Object.assign(new Error(`调整后的建议应为：${Object.values(ADVICE).join("、")}`), {});
      body.outcome = { advice, cut_pct: advice === "cut" ? String(d.get("cut") || "0") : "0" };
    }
    try {
      await api(`/api/v1/recommendations/${rec.recommendation_id}/decision`, { method: "POST", body });
    } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
    await after();
  }, "记录") }, "记录决定");
}

export async function renderRecommendations(main, [code], query, who) {
  const year = query.get("year") || "";
  const params = new URLSearchParams();
  if (year) params.set("year", year);
  if (query.get("undecided") === "1") params.set("undecided", "true");
  const [tenant, rows] = await Promise.all([api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/recommendations?${params}`)]);
  const again = () => renderRecommendations(main, [code], query, who);
  const base = `/ui/tenants/${code}/recommendations`;
  clear(main, h("h1", {}, `${tenant.name} · 结果应用`),
    h("p", {}, "定稿的评价按结果应用政策形成下一年度预算建议；整改逾期未完成的，建议相应从严。",
      link(`/ui/tenants/${code}/result-policy`, "查看适用的政策")),
    h("div", { class: "toolbar no-print" },
      link(base, "全部"), " ", link(`${base}?undecided=1`, "待决定"), " ",
      exportButton(`/api/v1/tenants/${code}/recommendations`, (err) => notice(explain(err)))),
    h("table", { "aria-label": "预算建议" },
      h("thead", {}, h("tr", {}, ["评价年度", "单位", "项目", "等级", "总分", "整改", "预算建议", "政策", "财政决定", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.length ? rows.map((r) => h("tr", {},
        h("td", {}, r.year), h("td", {}, r.tenant),
        h("th", { scope: "row" }, link(`/ui/recommendations/${r.recommendation_id}`, r.project_name)),
        h("td", {}, r.grade), h("td", { class: "num" }, r.total), h("td", {}, r.rectification_label),
        h("td", {}, h("strong", {}, r.advice_label)), h("td", {}, `${r.policy_tenant || "平台默认"} 第 ${r.policy_version} 版`),
        h("td", {}, r.decision ? `${r.decision === "accepted" ? "采纳" : "调整"}：${r.applied_label}` : "未决定"),
        h("td", {}, !r.decision && r.tenant !== who.tenant && has(who, "finance") ? decideButton(r, again) : ""))) :
        h("tr", {}, h("td", { colspan: 10 }, "没有预算建议（评价定稿后自动形成）")))));
}

export async function renderRecommendation(main, [id], _query, who) {
  const r = await api(`/api/v1/recommendations/${id}`);
  const again = () => renderRecommendation(main, [id], _query, who);
  const row = { ...r, recommendation_id: id };
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/projects/${r.project_id}`, r.project_name), " › 预算建议"),
    h("h1", {}, `${r.project_name} · ${r.budget_year} 年度预算建议`),
    h("div", { class: "scorebox" }, h("span", {}, "建议：", h("strong", {}, r.advice_label)),
      h("span", {}, `依据：${r.year} 年度评价 ${r.inputs.total} 分（${r.inputs.grade}），整改：${r.rectification_label}`),
      h("span", {}, `政策：${r.inputs.policy_tenant || "平台默认"} 第 ${r.inputs.policy_version} 版`)),
    h("p", {}, link(`/ui/evaluations/${r.evaluation_id}`, "查看评价")),
    h("h2", {}, "财政决定"),
    r.decision ? h("p", {}, `${r.decision.decided_on} ${r.decision.label}：${r.decision.applied_label}`) :
      [h("p", { class: "muted" }, "尚未决定"), r.tenant !== who.tenant && has(who, "finance") ? decideButton(row, again) : null],
    h("h2", {}, "历次建议"),
    h("table", { "aria-label": "历次建议" },
      h("thead", {}, h("tr", {}, ["次序", "等级", "总分", "整改", "政策", "建议"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, r.history.map((x, n) => h("tr", {}, h("td", {}, n + 1), h("td", {}, x.inputs.grade), h("td", { class: "num" }, x.inputs.total),
        h("td", {}, RECT[x.inputs.rectification || ""]), h("td", {}, `${x.inputs.policy_tenant || "平台默认"} 第 ${x.inputs.policy_version} 版`),
        h("td", {}, x.label))))));
}

export async function renderPolicy(main, [code], _query, who) {
  const [tenant, p] = await Promise.all([api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/result-policy`)]);
  const mine = code === who.tenant && has(who, "finance");
  const again = () => renderPolicy(main, [code], _query, who);
  const bands = new Map(p.rules.bands.map((b) => [b.grade, b]));
  clear(main, h("h1", {}, `${tenant.name} · 结果应用政策`),
    h("p", {}, p.default ? "本单位及上级单位均未制定政策，适用平台默认政策。" : `适用 ${p.tenant} 制定的政策，第 ${p.revision} 版。`),
    h("table", { "aria-label": "结果应用政策" },
      h("thead", {}, h("tr", {}, ["等级", "下一年度预算建议"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, GRADES.map((g) => h("tr", {}, h("th", { scope: "row" }, g), h("td", {}, p.labels[g] || ""))),
        h("tr", {}, h("th", { scope: "row" }, "整改逾期未完成"), h("td", {}, `至少${p.unrectified_label}`)))),
    mine ? h("button", { type: "button", onclick: () => askForm("制定或修订本单位的结果应用政策", [
      ...GRADES.flatMap((g) => [
        { name: `advice-${g}`, label: `「${g}」的建议（${Object.values(ADVICE).join(" / ")}）`, required: true, value: ADVICE[bands.get(g)?.advice] || "" },
        { name: `cut-${g}`, label: `「${g}」的压减比例（%，压减时填写）`, inputmode: "decimal", value: bands.get(g)?.cut_pct && bands.get(g).cut_pct !== "0" ? bands.get(g).cut_pct : "" }]),
      { name: "unrectified", label: "整改逾期未完成时至少（暂缓安排 / 取消）", required: true, value: p.unrectified_label },
      { name: "reason", label: "原因（修订时必填）", type: "textarea" }],
    async (d) => {
      const rules = { bands: GRADES.map((g) => {
        const advice = adviceOf(d.get(`advice-${g}`));
        if (!advice) throw new Error(`「${g}」的建议应为：${Object.values(ADVICE).join("、")}`);
        return { grade: g, advice, cut_pct: advice === "cut" ? String(d.get(`cut-${g}`) || "0") : "0" };
      }), unrectified: adviceOf(d.get("unrectified")) || "suspend" };
      try {
        await api(`/api/v1/tenants/${code}/result-policy`, { method: "PUT", body: { rules, reason: String(d.get("reason") || "") } });
      } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
      notice("政策已保存");
      await again();
    }, "保存") }, "制定或修订政策") : null,
    h("p", {}, link(`/ui/tenants/${code}/recommendations`, "查看预算建议")));
}

