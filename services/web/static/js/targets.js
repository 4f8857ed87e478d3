// A project's 绩效目标申报表: declare (from a template), edit the header, goals and indicators,
// submit; review as the supervising bureau or the finance side (优/良/中/差, findings per
// dimension, comments per indicator); the approved versions; adjustments requested and decided.
// Every change is a command on the server; what may be done is what the server allows, the page
// only offers the buttons of the caller's roles.

import { api, explain } from "./api.js";
import { askForm, clear, h, link, money, notice, shown } from "./dom.js";
import { has } from "./labels.js";
import { go } from "./main.js";
import { exportButton } from "./excel.js";
import { publishButton } from "./disclosure.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const GRADES = ["优", "良", "中", "差"];
const DIMENSIONS = ["完整性", "相关性", "适当性", "可行性"];
const NATURE = ["", "=", "≥", "≤", "定性"];
const STAGE = { supervisor: "主管部门", finance: "财政部门" };
const ADJUST = { pending: "待审批", approved: "已批准", refused: "未批准" };

export async function renderTargets(main, [projectId], query, who) {
  const ledger = await api(`/api/v1/projects/${projectId}/ledger`);
  const version = query.get("targets_version");
  const d = await api(`/api/v1/projects/${projectId}/targets${version ? `?targets_version=${version}` : ""}`).catch((err) => {
    if (err.status === 404) return null;
    throw err;
  });
  const own = ledger.tenant === who.tenant;
  const crumbs = h("p", { class: "crumbs" }, link(`/ui/projects/${projectId}`, ledger.name), " › 绩效目标");
  if (!d) {
    clear(main, crumbs, h("h1", {}, `${ledger.name} · 绩效目标申报表`), h("p", {}, "尚未申报绩效目标。"),
      own && has(who, "preparer", "evaluator") ? declareForm(projectId, ledger) : null);
    return;
  }
  const base = `/api/v1/targets/${d.declaration_id}`;
  const command = async (path, body, method = "POST") => {
    const done = await api(base + path, { method, body });
    notice("已保存");
    await renderTargets(main, [projectId], query, who);
    return done;
  };
  const guarded = (fn) => async (data) => {
    try { await fn(data); } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
  };
  const editable = own && ["draft", "returned"].includes(d.status) && has(who, "preparer", "evaluator");
  clear(main, crumbs,
    h("h1", {}, `${ledger.name} · 绩效目标申报表`),
    h("div", { class: "scorebox", "aria-live": "polite" },
      h("span", {}, "状态：", h("strong", { id: "targets-status" }, d.status_label)),
      h("span", {}, `${d.year} 年度`), h("span", { class: "muted" }, `第 ${d.version} 版`),
      d.versions.length ? h("span", {}, `已批复绩效目标 ${d.versions.length} 版`) : null),
    d.flags.length ? h("ul", { class: "flags", "aria-label": "提示" }, d.flags.map((f) => h("li", {}, f.message))) : null,
    returnedNote(d),
    h("div", { class: "toolbar no-print" }, exportButton(base, (err) => notice(explain(err))),
      d.status === "approved" ? publishButton("targets", d.declaration_id, d.tenant, who) : null,
      editable ? importTargets(base, () => renderTargets(main, [projectId], query, who)) : null),
    detailsTable(d.details),
    editable ? h("div", { class: "toolbar no-print" },
      h("button", { type: "button", onclick: () => editDetails(d.details, guarded((body) => command("/details", body, "PUT"))) }, "编辑表头与目标"),
      h("button", { type: "button", onclick: () => editIndicator(null, guarded((body) => command("/indicators", body, "PUT"))) }, "新增指标"),
      h("button", { type: "button", onclick: () => askForm("确认报送审核？报送后不能修改，除非审核退回。", [],
        guarded(() => command("/submit")), "报送") }, "报送审核")) : null,
    indicatorTable(d.indicators, editable ? {
      edit: (row) => editIndicator(row, guarded((body) => command("/indicators", body, "PUT"))),
      remove: (row) => askForm(`确认删除指标「${row.name}」？`, [], guarded(() => command(`/indicators/${encodeURIComponent(row.key)}`, undefined, "DELETE")), "删除"),
    } : null),
    reviewPanel(d, own, who, guarded, command),
    versionsPanel(d, projectId, version),
    adjustmentsPanel(d, own, who, guarded, command));
}

function importTargets(base, reload) {
  const input = h("input", { id: "targets-import", type: "file", accept: `.xlsx,${XLSX}` });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    try {
      const answer = await api(`${base}/import.xlsx`, { method: "POST", body: await file.arrayBuffer(), headers: { "Content-Type": XLSX } });
      notice(`已导入 ${answer.rows} 行${answer.refusals.length ? `，${answer.refusals.length} 行未导入：${answer.refusals.map((r) => r.message).join("；")}` : ""}`);
      await reload();
    } catch (err) { notice(explain(err)); }
  });
  return h("span", {}, h("label", { for: "targets-import" }, "导入 Excel 申报表"), " ", input);
}

function declareForm(projectId, ledger) {
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const form = h("form", { class: "stack", "aria-label": "申报绩效目标" },
    h("h2", { class: "wide" }, "申报绩效目标"),
    h("label", { for: "tg-goal" }, "年度目标"), h("textarea", { id: "tg-goal", name: "annual_goal", rows: 3, required: true }, ledger.goal || ""),
    h("label", { for: "tg-template" }, "采用模板（单位代码/模板名称，可不填）"),
    h("input", { id: "tg-template", name: "template", autocomplete: "off" }),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "开始申报")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const body = { details: { annual_goal: data.get("annual_goal") } };
    const [owner, name] = String(data.get("template") || "").split("/");
    if (owner && name) body.template = { template_tenant: owner.trim(), template_name: name.trim() };
    try {
      await api(`/api/v1/projects/${projectId}/targets`, { method: "POST", body });
      go(`/ui/projects/${projectId}/targets`);
    } catch (err) { error.hidden = false; error.textContent = explain(err); }
  });
  return form;
}

function detailsTable(details) {
  const f = details.funds || {};
  const rows = [
    ["项目属性", details.kind === "new" ? "新增项目" : "延续项目"],
    ["起止时间", `${shown(details.start)} 至 ${shown(details.end)}`],
    ["项目负责人", shown(details.responsible)],
    ["年度资金总额（元）", money(f.total ?? "0")],
    ["其中：财政拨款（上级 / 本级）", `${money(f.fiscal_upper ?? "0")} / ${money(f.fiscal_own ?? "0")}`],
    ["其他资金（元）", money(f.other ?? "0")],
    ["项目概况", shown(details.overview)], ["立项依据", shown(details.basis)],
    ["中期目标", shown(details.midterm_goal)], ["年度目标", shown(details.annual_goal)],
  ];
  return h("table", { "aria-label": "申报表表头", class: "form-head" },
    h("tbody", {}, rows.map(([k, v]) => h("tr", {}, h("th", { scope: "row" }, k), h("td", {}, v)))));
}

function indicatorTable(rows, controls) {
  const level = (row) => { let n = 1; let p = row.parent; const by = new Map(rows.map((r) => [r.key, r]));
    while (p && by.has(p) && n < 4) { n += 1; p = by.get(p).parent; } return n; };
  return h("table", { "aria-label": "绩效指标" },
    h("thead", {}, h("tr", {}, ["编号", "级次", "指标名称", "权重", "指标性质", "指标值", "度量单位", ""].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", { "data-key": r.key },
      h("td", {}, r.key), h("td", {}, ["一级", "二级", "三级"][level(r) - 1] || ""), h("th", { scope: "row" }, r.name),
      h("td", { class: "num" }, r.weight ?? "0"), h("td", {}, shown(r.nature)), h("td", {}, shown(r.value)), h("td", {}, shown(r.unit)),
      h("td", {}, controls ? [
        h("button", { type: "button", "aria-label": `修改指标「${r.name}」`, onclick: () => controls.edit(r) }, "修改"),
        h("button", { type: "button", "aria-label": `删除指标「${r.name}」`, onclick: () => controls.remove(r) }, "删除")] : "")))));
}

function editDetails(details, save) {
  const f = details.funds || {};
  return askForm("表头、资金与目标", [
    { name: "responsible", label: "项目负责人", value: details.responsible || "" },
    { name: "start", label: "开始日期", type: "date", value: details.start || "" },
    { name: "end", label: "结束日期", type: "date", value: details.end || "" },
    { name: "total", label: "年度资金总额（元）", inputmode: "decimal", value: f.total || "" },
    { name: "fiscal_own", label: "财政拨款·本级（元）", inputmode: "decimal", value: f.fiscal_own || "" },
    { name: "fiscal_upper", label: "财政拨款·上级（元）", inputmode: "decimal", value: f.fiscal_upper || "" },
    { name: "other", label: "其他资金（元）", inputmode: "decimal", value: f.other || "" },
    { name: "overview", label: "项目概况", type: "textarea", value: details.overview || "" },
    { name: "basis", label: "立项依据", type: "textarea", value: details.basis || "" },
    { name: "midterm_goal", label: "中期目标", type: "textarea", value: details.midterm_goal || "" },
    { name: "annual_goal", label: "年度目标", type: "textarea", value: details.annual_goal || "", required: true },
  ], (data) => {
    const get = (k) => String(data.get(k) || "").trim();
    const amount = (k) => get(k).replaceAll(",", "") || "0";
    return save({
      ...details, responsible: get("responsible"), start: get("start") || null, end: get("end") || null,
      funds: { total: amount("total"), fiscal_own: amount("fiscal_own"), fiscal_upper: amount("fiscal_upper"), other: amount("other") },
      overview: get("overview"), basis: get("basis"), midterm_goal: get("midterm_goal"), annual_goal: get("annual_goal"),
    });
  });
}

function editIndicator(row, save) {
  return askForm(row ? `修改指标「${row.name}」` : "新增指标", [
    { name: "key", label: "指标编号（如 1.2.3）", required: true, value: row?.key ?? "" },
    { name: "name", label: "指标名称", required: true, value: row?.name ?? "" },
    { name: "parent", label: "上级指标编号（一级指标不填）", value: row?.parent ?? "" },
    { name: "weight", label: "权重", inputmode: "decimal", value: row?.weight ?? "0" },
    { name: "nature", label: `指标性质（${NATURE.filter(Boolean).join(" / ")}，可不填）`, value: row?.nature ?? "" },
    { name: "value", label: "指标值", value: row?.value ?? "" },
    { name: "unit", label: "度量单位", value: row?.unit ?? "" },
  ], (data) => {
    const get = (k) => String(data.get(k) || "").trim();
    const indicator = { key: get("key"), name: get("name"), weight: get("weight") || "0", value: get("value"), unit: get("unit") };
    if (get("parent")) indicator.parent = get("parent");
    if (get("nature")) indicator.nature = get("nature");
    return save({ indicator });
  });
}

function returnedNote(d) {
  const last = d.reviews[d.reviews.length - 1];
  if (!last || !["returned", "refused"].includes(d.status)) return null;
  const findings = Object.entries(last.findings || {}).map(([k, v]) => `${k}：${v}`);
  const comments = Object.entries(last.comments || {}).map(([k, v]) => `指标 ${k}：${v}`);
  return h("div", { class: "banner", role: "note", id: "targets-review-note" },
    `${STAGE[last.stage]}审核为「${last.grade}」：${last.opinion}`,
    [...findings, ...comments].length ? h("ul", {}, [...findings, ...comments].map((t) => h("li", {}, t))) : null);
}

function reviewPanel(d, own, who, guarded, command) {
  const stage = d.status === "supervisor_review" ? "supervisor" : d.status === "finance_review" ? "finance" : null;
  const mayReview = stage && !own && has(who, stage === "supervisor" ? "reviewer" : "finance");
  const list = d.reviews.length ? h("ol", { "aria-label": "审核记录" }, d.reviews.map((r) =>
    h("li", {}, `${STAGE[r.stage]}：${r.grade}${r.opinion ? `，${r.opinion}` : ""}`))) : null;
  return h("section", { "aria-label": "审核" }, h("h2", {}, "审核"), list || h("p", { class: "muted" }, "尚无审核记录"),
    mayReview ? h("button", { type: "button", class: "primary", onclick: () => askForm(`${STAGE[stage]}审核`, [
      { name: "grade", label: `审核结果（${GRADES.join(" / ")}）`, required: true },
      { name: "opinion", label: "审核意见（良、中、差须填写）", type: "textarea" },
      ...DIMENSIONS.map((dim) => ({ name: `dim-${dim}`, label: `${dim}（发现的问题，可不填）` })),
      { name: "comments", label: "按指标的意见（每行“编号：意见”）", type: "textarea" },
    ], guarded((data) => {
      const findings = {};
      for (const dim of DIMENSIONS) if (String(data.get(`dim-${dim}`) || "").trim()) findings[dim] = String(data.get(`dim-${dim}`)).trim();
      const comments = {};
      for (const line of String(data.get("comments") || "").split("\n")) {
        const [k, ...rest] = line.split(/[:：]/);
        if (k && k.trim() && rest.join("：").trim()) comments[k.trim()] = rest.join("：").trim();
      }
      return command("/review", { stage, grade: String(data.get("grade")).trim(), opinion: String(data.get("opinion") || ""), findings, comments });
    }), "提交审核") }, `${STAGE[stage]}审核`) : null);
}

function versionsPanel(d, projectId, version) {
  if (!d.versions.length) return null;
  const shownVersion = d.targets;
  return h("section", { "aria-label": "已批复的绩效目标" }, h("h2", {}, "已批复的绩效目标"),
    h("ul", {}, d.versions.map((v) => h("li", {},
      link(`/ui/projects/${projectId}/targets?targets_version=${v.version}`, `第 ${v.version} 版`),
      `：${v.approved_on} ${v.adjustment_id ? `批准调整 ${v.adjustment_id}` : "批复"}`))),
    shownVersion && version ? [h("h3", {}, `第 ${shownVersion.version} 版`), indicatorTable(shownVersion.indicators, null)] : null);
}

function adjustmentsPanel(d, own, who, guarded, command) {
  if (d.status !== "approved") return null;
  const pending = d.adjustments.filter((a) => a.status === "pending");
  return h("section", { "aria-label": "调整申请" }, h("h2", {}, "调整申请"),
    d.adjustments.length ? h("ul", {}, d.adjustments.map((a) => h("li", {},
      `${a.adjustment_id}（${ADJUST[a.status]}）：${a.reason}${a.decision ? `；审批：${a.decision}` : ""}`,
      a.status === "pending" && !own && has(who, "finance") ? [
        h("button", { type: "button", onclick: () => askForm(`审批调整 ${a.adjustment_id}`, [{ name: "reason", label: "审批理由", required: true }],
          guarded((data) => command(`/adjustments/${encodeURIComponent(a.adjustment_id)}/decision`, { approve: true, reason: data.get("reason") })), "批准") }, "批准"),
        h("button", { type: "button", onclick: () => askForm(`不批准调整 ${a.adjustment_id}`, [{ name: "reason", label: "理由", required: true }],
          guarded((data) => command(`/adjustments/${encodeURIComponent(a.adjustment_id)}/decision`, { approve: false, reason: data.get("reason") })), "不批准") }, "不批准")] : null))) :
      h("p", { class: "muted" }, "没有调整申请"),
    own && has(who, "preparer", "evaluator") && !pending.length ? h("button", { type: "button", onclick: () => askForm("申请调整绩效目标", [
      { name: "key", label: "指标编号", required: true }, { name: "value", label: "调整后的指标值", required: true },
      { name: "reason", label: "调整原因", type: "textarea", required: true }],
    guarded((data) => {
      const current = (d.targets || d.versions[d.versions.length - 1]).indicators.find((i) => i.key === String(data.get("key")).trim());
      if (!current) throw new Error(`指标「${data.get("key")}」不在已批复的绩效目标中`);
      return command("/adjustments", { adjustment_id: `TZ-${d.versions.length}-${d.adjustments.length + 1}`,
        indicators: [{ ...current, value: String(data.get("value")).trim() }], reason: data.get("reason") });
    }), "申请") }, "申请调整") : null);
}



const STATUS_LABEL = {
  draft: "草稿", supervisor_review: "主管部门审核中", finance_review: "财政部门审核中",
  returned: "退回修改", approved: "已批复", refused: "未通过",
};

// The declarations of a bureau and its region; a reviewer's queue is the ones waiting for them.
export async function renderTargetList(main, [code], query, who) {
  const status = query.get("status") || "";
  const tenant = await api(`/api/v1/tenants/${code}`);
  const rows = await api(`/api/v1/tenants/${code}/targets${status ? `?status=${status}` : ""}`);
  const select = h("select", { id: "tg-status", onchange: () => go(`/ui/tenants/${code}/targets${select.value ? `?status=${select.value}` : ""}`) },
    h("option", { value: "" }, "全部"), Object.entries(STATUS_LABEL).map(([k, v]) => h("option", { value: k, selected: k === status }, v)));
  clear(main, h("h1", {}, `${tenant.name} · 绩效目标`),
    h("div", { class: "toolbar" }, h("label", { for: "tg-status" }, "状态"), select),
    h("table", { "aria-label": "绩效目标申报" },
      h("thead", {}, h("tr", {}, ["年度", "单位", "项目", "状态", "最近审核", "已批复版本"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows.length ? rows.map((r) => h("tr", {},
        h("td", {}, r.year), h("td", {}, r.tenant), h("th", { scope: "row" }, link(`/ui/projects/${r.project_id}/targets`, r.project_name)),
        h("td", {}, STATUS_LABEL[r.status] || r.status), h("td", {}, shown(r.grade)), h("td", { class: "num" }, r.versions))) :
        h("tr", {}, h("td", { colspan: 6 }, "没有申报")))));
}
