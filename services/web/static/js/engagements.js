// 委托第三方: a bureau's firms and engagements (record a firm and the bureaus it is related to;
// engage it for named evaluations, a period and its people; change the staff; revoke), and one
// engagement as the firm's person sees it — accepted with a conflict-of-interest declaration,
// then its evaluations one click away. Who may do what is the server's decision.

import { api, explain } from "./api.js";
import { askForm, clear, h, link, notice } from "./dom.js";
import { has } from "./labels.js";
import { go } from "./main.js";

const STATUS = { granted: "待接受", accepted: "已接受", revoked: "已撤销" };
const list = (text) => String(text || "").split(/[，,、\s]+/).map((s) => s.trim()).filter(Boolean);
const failing = (fn) => async (d) => { try { await fn(d); } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); } };

export async function renderEngagements(main, [code], _query, who) {
  const [tenant, rows] = await Promise.all([api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/engagements`)]);
  const mine = code === who.tenant && has(who, "reviewer", "finance", "admin");
  const again = () => renderEngagements(main, [code], _query, who);
  const today = new Date().toISOString().slice(0, 10);
  clear(main, h("h1", {}, `${tenant.name} · 委托第三方`),
    mine ? h("div", { class: "toolbar no-print" },
      h("button", { type: "button", onclick: () => askForm("登记评价机构", [
        { name: "firm_code", label: "统一社会信用代码（18 位）", required: true },
        { name: "name", label: "机构名称", required: true }],
      failing(async (d) => { await api(`/api/v1/tenants/${code}/firms`, { method: "POST", body: { firm_code: d.get("firm_code"), name: d.get("name") } }); notice("已登记"); })) }, "登记评价机构"),
      h("button", { type: "button", onclick: () => askForm("记录关联关系（此后不能受托评价该单位）", [
        { name: "firm_code", label: "评价机构统一社会信用代码", required: true },
        { name: "bureau", label: "关联单位代码", required: true },
        { name: "nature", label: "关联关系", required: true }],
      failing(async (d) => { await api(`/api/v1/tenants/${code}/firms/${d.get("firm_code")}/relations`, { method: "POST", body: { bureau: d.get("bureau"), nature: d.get("nature") } }); notice("已记录"); })) }, "记录关联关系"),
      h("button", { type: "button", class: "primary", onclick: () => askForm("委托评价机构", [
        { name: "firm_code", label: "评价机构统一社会信用代码", required: true },
        { name: "name", label: "委托事项", required: true },
        { name: "evaluations", label: "委托评价的评价编号（可多个，用逗号分隔）", required: true },
        { name: "start", label: "开始日期", type: "date", value: today, required: true },
        { name: "end", label: "结束日期", type: "date", required: true },
        { name: "staff", label: "评价机构参与人员用户名（用逗号分隔）", required: true }],
      failing(async (d) => {
        await api(`/api/v1/tenants/${code}/engagements`, { method: "POST", body: {
          firm_code: d.get("firm_code"), name: d.get("name"), evaluations: list(d.get("evaluations")),
          start: d.get("start"), end: d.get("end"), staff: list(d.get("staff")) } });
        await again();
      }), "委托") }, "委托评价机构")) : null,
    h("table", { "aria-label": "委托" },
      h("thead", {}, h("tr", {}, ["委托事项", "评价机构", "评价数", "期限", "人员", "状态", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.length ? rows.map((r) => h("tr", {},
        h("th", { scope: "row" }, link(`/ui/engagements/${r.engagement_id}`, r.name)), h("td", {}, r.firm_name),
        h("td", { class: "num" }, r.evaluations.length), h("td", {}, `${r.start_on} 至 ${r.end_on}`), h("td", {}, r.staff.join("、")),
        h("td", {}, r.revoked ? "已撤销" : r.accepted_by ? "已接受" : "待接受"),
        h("td", {}, mine && !r.revoked ? h("button", { type: "button", "aria-label": `撤销委托：${r.name}`, onclick: () => askForm(`撤销委托「${r.name}」？评价机构人员下一次访问起即不能再进入。`, [
          { name: "reason", label: "原因", required: true }],
        failing(async (d) => { await api(`/api/v1/engagements/${r.engagement_id}/revoke`, { method: "POST", body: { reason: d.get("reason") } }); await again(); }), "撤销") }, "撤销") : ""))) :
        h("tr", {}, h("td", { colspan: 7 }, "没有委托")))));
}

export async function renderEngagement(main, [id], _query, who) {
  const e = await api(`/api/v1/engagements/${id}`);
  const again = () => renderEngagement(main, [id], _query, who);
  clear(main, h("h1", {}, `委托：${e.name}`),
    h("dl", { class: "meta" },
      h("dt", {}, "委托单位"), h("dd", {}, e.tenant), h("dt", {}, "评价机构"), h("dd", {}, `${e.firm_name}（${e.firm_code}）`),
      h("dt", {}, "期限"), h("dd", {}, `${e.start} 至 ${e.end}`), h("dt", {}, "人员"), h("dd", {}, e.staff.join("、")),
      h("dt", {}, "状态"), h("dd", { id: "engagement-status" }, STATUS[e.status] || e.status),
      e.declaration ? [h("dt", {}, "利益冲突声明"), h("dd", {}, `${e.declaration}（${e.accepted_by}）`)] : null),
    e.status === "granted" && e.staff.includes(who.user) ? h("button", { type: "button", class: "primary", onclick: () => askForm("接受委托", [
      { name: "declaration", label: "利益冲突声明（说明与被评价单位无利害关系）", type: "textarea", required: true }],
    failing(async (d) => { await api(`/api/v1/engagements/${id}/accept`, { method: "POST", body: { declaration: d.get("declaration") } }); await again(); }), "接受") }, "接受委托") : null,
    h("h2", {}, "委托评价的评价"),
    h("ul", {}, e.evaluations.map((ev) => h("li", {}, e.status === "accepted" ? link(`/ui/evaluations/${ev}`, ev) : ev))),
    e.status === "revoked" ? h("p", { class: "alert", role: "alert" }, "委托已撤销") : null,
    h("p", {}, e.status === "accepted" ? "" : h("button", { type: "button", onclick: () => go(`/ui/engagements/${id}`) }, "刷新")));
}
