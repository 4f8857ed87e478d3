// 绩效运行监控 (双监控): the rounds that cover a bureau, a round's dashboard for a region (red /
// amber / green per child bureau, the bureau's own projects), and a project's 监控表 — execution
// from the ledger, the answers per indicator, submit, warnings resolved or decided. Warnings are
// computed by the server; the page shows them and the decisions.

import { api, explain } from "./api.js";
import { askForm, clear, h, link, money, notice, shown } from "./dom.js";
import { has } from "./labels.js";
import { go } from "./main.js";
import { exportButton } from "./excel.js";
import { rectifyButton } from "./rectification.js";

const LEVEL = { red: "红色预警", amber: "黄色预警", green: "正常" };
const CAUSES = ["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"];
const LIKELY = ["确定能", "有可能", "完全不可能"];
const RESOLUTION = { explained: "已说明", corrected: "已纠偏", budget_adjusted: "调整预算", funds_paused: "暂缓拨款" };

const badge = (level) => h("span", { class: `level level-${level}` }, LEVEL[level] || level);

export async function renderRounds(main, [code], _query, who) {
  const [tenant, rounds] = await Promise.all([api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/monitoring/rounds`)]);
  const mayOpen = code === who.tenant && has(who, "reviewer", "finance");
  clear(main, h("h1", {}, `${tenant.name} · 绩效运行监控`),
    h("table", { "aria-label": "监控轮次" },
      h("thead", {}, h("tr", {}, ["年度", "轮次", "监控期末", "报送截止", "开启单位", "状态"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rounds.length ? rounds.map((r) => h("tr", {},
        h("td", {}, r.year), h("td", {}, link(`/ui/monitoring/${r.round_id}?tenant=${code}`, r.name)),
        h("td", {}, r.period_end), h("td", {}, r.deadline), h("td", {}, r.tenant),
        h("td", {}, r.status === "open" ? "填报中" : "已结束"))) : h("tr", {}, h("td", { colspan: 6 }, "没有监控轮次")))),
    mayOpen ? openForm(code) : null);
}

function openForm(code) {
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const year = new Date().getFullYear();
  const field = (id, label, attrs) => [h("label", { for: id }, label), h("input", { id, name: id, autocomplete: "off", ...attrs })];
  const form = h("form", { class: "stack", "aria-label": "开启监控轮次" },
    h("h2", { class: "wide" }, "开启监控轮次"),
    field("year", "年度", { required: true, inputmode: "numeric", value: year }),
    field("name", "轮次名称", { required: true, value: "1–7月" }),
    field("period_end", "监控期末", { type: "date", required: true, value: `${year}-07-31` }),
    field("deadline", "报送截止", { type: "date", required: true, value: `${year}-08-20` }),
    field("margin_pct", "黄色预警：落后序时进度（百分点）", { inputmode: "decimal", value: "10" }),
    field("red_margin_pct", "红色预警：落后序时进度（百分点）", { inputmode: "decimal", value: "20" }),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "开启")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    body.year = Number(body.year);
    try {
      const done = await api(`/api/v1/tenants/${code}/monitoring/rounds`, { method: "POST", body });
      go(`/ui/monitoring/${done.id}?tenant=${code}`);
    } catch (err) { error.hidden = false; error.textContent = explain(err); }
  });
  return form;
}

export async function renderRound(main, [roundId], query, who) {
  const tenant = query.get("tenant") || who.tenant;
  const board = await api(`/api/v1/monitoring/rounds/${roundId}/dashboard?tenant=${tenant}`);
  const r = board.round;
  const mine = r && r.tenant === who.tenant && has(who, "reviewer", "finance");
  const problem = h("p", { class: "alert", role: "alert", hidden: true });
  const total = (b) => b.red + b.amber + b.green;
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/tenants/${tenant}/monitoring`, "绩效运行监控"), " › 监控看板"),
    h("h1", {}, r ? `${r.year} 年「${r.name}」监控看板` : "监控看板"),
    r ? h("p", {}, `监控期末 ${r.period_end}，报送截止 ${r.deadline}，${r.status === "open" ? "填报中" : "已结束"}`) : null,
    mine ? h("div", { class: "toolbar no-print" },
      h("button", { type: "button", onclick: async () => {
        try {
          const done = await api(`/api/v1/monitoring/rounds/${roundId}/check`, { method: "POST" });
          notice(`已检查 ${done.projects} 个项目，新增逾期预警 ${done.flagged} 个`);
        } catch (err) { problem.hidden = false; problem.textContent = explain(err); }
      } }, "检查报送期限"),
      r.status === "open" ? h("button", { type: "button", onclick: () => askForm("确认结束本轮监控？结束后不能再填报。", [
        { name: "reason", label: "说明（可不填）" }], async (data) => {
        await api(`/api/v1/monitoring/rounds/${roundId}/close`, { method: "POST", body: { reason: data.get("reason") || "" } });
        go(location.pathname + location.search);
      }, "结束") }, "结束本轮") : null) : null,
    problem,
    h("h2", {}, "下级单位"),
    h("table", { "aria-label": "下级单位预警" },
      h("thead", {}, h("tr", {}, ["单位", "红色预警", "黄色预警", "正常", "项目数"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, board.bureaus.length ? board.bureaus.map((b) => h("tr", { class: b.red ? "level-row-red" : b.amber ? "level-row-amber" : null },
        h("th", { scope: "row" }, link(`/ui/monitoring/${roundId}?tenant=${b.tenant}`, b.name)),
        h("td", { class: "num" }, b.red), h("td", { class: "num" }, b.amber), h("td", { class: "num" }, b.green),
        h("td", { class: "num" }, total(b)))) : h("tr", {}, h("td", { colspan: 5 }, "下级单位尚无报送")))),
    h("h2", {}, "本单位项目"),
    h("table", { "aria-label": "本单位项目监控" },
      h("thead", {}, h("tr", {}, ["项目", "全年预算数", "执行数", "预警", "未处理预警", "已报送"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, board.projects.length ? board.projects.map((p) => h("tr", {},
        h("th", { scope: "row" }, link(`/ui/reports/${p.report_id}`, p.project_name)),
        h("td", { class: "num" }, money(p.annual)), h("td", { class: "num" }, money(p.spent)),
        h("td", {}, badge(p.level)), h("td", { class: "num" }, p.open_alerts), h("td", {}, p.submitted ? "是" : "否"))) :
        h("tr", {}, h("td", { colspan: 6 }, "本单位尚无报送")))));
}

export async function startReport(roundId, projectId) {
  try {
    const done = await api(`/api/v1/monitoring/rounds/${roundId}/projects/${projectId}/report`, { method: "POST" });
    return go(`/ui/reports/${done.id}`);
  } catch (err) {
    if (err.problem?.existing?.id) return go(`/ui/reports/${err.problem.existing.id}`);
    throw err;
  }
}

export async function renderReport(main, [reportId], _query, who) {
  const r = await api(`/api/v1/monitoring/reports/${reportId}`);
  const base = `/api/v1/monitoring/reports/${reportId}`;
  const own = r.tenant === who.tenant;
  const editable = own && !r.submitted && has(who, "preparer", "evaluator");
  const again = () => renderReport(main, [reportId], _query, who);
  const guarded = (fn) => async (data) => {
    try { await fn(data); await again(); } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
  };
  const lines = new Map(r.lines.map((l) => [l.key, l]));
  const e = r.execution || {};
  const pct = e.annual && Number(e.annual) ? `${((Number(e.spent) * 100) / Number(e.annual)).toFixed(2)}%` : "—";
  clear(main,
    h("p", { class: "crumbs" }, link(`/ui/projects/${r.project_id}`, r.project_name), " › 绩效监控表"),
    h("h1", {}, `${r.project_name} · 绩效监控表`),
    h("div", { class: "scorebox" }, h("span", {}, "预警：", badge(r.level)), h("span", {}, r.submitted ? "已报送" : "填报中")),
    h("div", { class: "toolbar no-print" }, exportButton(base, (err) => notice(explain(err))),
      !own && r.submitted && has(who, "reviewer", "finance") ? rectifyButton("monitoring", reportId) : null),
    h("table", { "aria-label": "预算执行情况" }, h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, "全年预算数（元）"), h("td", { class: "num" }, money(e.annual))),
      h("tr", {}, h("th", { scope: "row" }, "监控期执行数（元，取自台账）"), h("td", { class: "num" }, money(e.spent))),
      h("tr", {}, h("th", { scope: "row" }, "执行率"), h("td", { class: "num" }, pct)),
      h("tr", {}, h("th", { scope: "row" }, "全年预计执行数（元）"), h("td", { class: "num" }, money(e.expected_year_end))))),
    editable ? h("div", { class: "toolbar no-print" },
      h("button", { type: "button", onclick: () => askForm("全年预计执行数", [{ name: "expected", label: "全年预计执行数（元）", required: true, inputmode: "decimal", value: e.expected_year_end || "" }],
        guarded((data) => api(`${base}/execution`, { method: "PUT", body: { expected_year_end: String(data.get("expected")).replaceAll(",", "") } }))) }, "填写全年预计执行数"),
      h("button", { type: "button", onclick: () => askForm("确认报送监控表？报送后不能修改，预警随即计算。", [],
        guarded(() => api(`${base}/submit`, { method: "POST" })), "报送") }, "报送")) : null,
    h("table", { "aria-label": "绩效指标监控" },
      h("thead", {}, h("tr", {}, ["指标", "年度指标值", "执行情况", "全年预计", "偏差原因", "完成可能性", "原因说明", "纠偏措施", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, r.targets.filter((t) => t.value).map((t) => {
        const l = lines.get(t.key) || {};
        return h("tr", { "data-key": t.key },
          h("th", { scope: "row" }, t.name), h("td", {}, t.value), h("td", {}, shown(l.reached)), h("td", {}, shown(l.expected)),
          h("td", {}, shown(l.cause)), h("td", {}, shown(l.likelihood)), h("td", {}, shown(l.explanation)), h("td", {}, shown(l.measures)),
          h("td", {}, editable ? h("button", { type: "button", "aria-label": `填报「${t.name}」`, onclick: () => askForm(`「${t.name}」执行情况`, [
            { name: "reached", label: "执行情况（至监控期末）", value: l.reached || "" },
            { name: "expected", label: "全年预计完成", value: l.expected || "" },
            { name: "cause", label: `偏差原因（${CAUSES.join(" / ")}，可不填）`, value: l.cause || "" },
            { name: "likelihood", label: `完成目标可能性（${LIKELY.join(" / ")}）`, value: l.likelihood || "" },
            { name: "explanation", label: "原因说明", type: "textarea", value: l.explanation || "" },
            { name: "measures", label: "纠偏措施", type: "textarea", value: l.measures || "" },
          ], guarded((data) => {
            const body = {};
            for (const k of ["reached", "expected", "explanation", "measures"]) body[k] = String(data.get(k) || "");
            for (const k of ["cause", "likelihood"]) if (String(data.get(k) || "").trim()) body[k] = String(data.get(k)).trim();
            return api(`${base}/lines/${encodeURIComponent(t.key)}`, { method: "PUT", body });
          })) }, "填报") : ""));
      }))),
    alertsPanel(r, own, who, base, guarded));
}

function alertsPanel(r, own, who, base, guarded) {
  const resolve = (a, choices) => askForm(`处理预警：${a.message}`, [
    { name: "resolution", label: `处理方式（${choices.map((c) => RESOLUTION[c]).join(" / ")}）`, required: true },
    { name: "reason", label: "说明", type: "textarea", required: true }],
  guarded((data) => {
    const chosen = Object.entries(RESOLUTION).find(([, v]) => v === String(data.get("resolution")).trim())?.[0];
    if (!chosen || !choices.includes(chosen)) throw new Error(`处理方式应为：${choices.map((c) => RESOLUTION[c]).join("、")}`);
    return api(`${base}/alerts/${encodeURIComponent(a.warning_id)}/resolve`, { method: "POST", body: { resolution: chosen, reason: data.get("reason") } });
  }), "确定");
  return h("section", { "aria-label": "预警" }, h("h2", {}, "预警"),
    r.alerts.length ? h("ul", { class: "alerts" }, r.alerts.map((a) => h("li", { class: `level-${a.level}` },
      badge(a.level), ` ${a.message}（${a.raised_on || ""}）`,
      a.resolution ? h("span", { class: "muted" }, ` — ${a.resolution_label}：${a.resolution_reason}`) : [
        own && has(who, "preparer", "evaluator") ? h("button", { type: "button", onclick: () => resolve(a, ["explained", "corrected"]) }, "说明或纠偏") : null,
        !own && has(who, "finance") ? h("button", { type: "button", onclick: () => resolve(a, ["budget_adjusted", "funds_paused"]) }, "财政决定") : null]))) :
      h("p", { class: "muted" }, "没有预警"));
}


