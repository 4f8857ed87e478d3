// One evaluation's scorecard: enter actual values, apply / revise / withdraw deductions with
// reasons, lifecycle actions, time travel, Excel out and in. Total and grade come from the
// server's answer to each command (never computed here) and the table is re-read once the
// read model has caught up with the new version.

import { api, explain, fresh } from "./api.js";
import { askForm, clear, h, link, notice, when } from "./dom.js";
import { ACTION, KIND, STATUS, actionOf, has } from "./labels.js";
import { go } from "./main.js";
import { formHead, formTable, fundsGrid, goals, signLines } from "./scoretable.js";
import { exportButton, importControl, importResult } from "./excel.js";
import { judgeButton, lineageButton, whatIfPanel } from "./lineage.js";
import { rectifyButton } from "./rectification.js";
import { publishButton } from "./disclosure.js";
import { evidenceButton, evidenceCounts } from "./evidence.js";

const EDITABLE = ["draft", "returned"];
const HISTORY_ROLES = ["auditor", "reviewer", "admin"];

export async function renderScorecard(main, [id], query, who) {
  const version = query.get("version");
  const asOf = query.get("as_of");
  const suffix = version ? `?version=${version}` : asOf ? `?as_of=${encodeURIComponent(asOf)}` : "";
  const base = `/api/v1/evaluations/${id}`;
  const [card, form] = await Promise.all([api(base + suffix), api(`${base}/form${suffix}`)]);
  const ledger = await api(`/api/v1/projects/${card.project_id}/ledger`).catch(() => null);
  const timeline = has(who, ...HISTORY_ROLES) ? await api(`${base}/history`).catch(() => []) : null;
  const reviews = await api(`${base}/reviews`).catch(() => []);
  const travelling = Boolean(suffix);
  const mayEdit = !travelling && EDITABLE.includes(card.status) && has(who, "preparer", "evaluator")
    && (card.tenant === who.tenant || card.kind !== "self" || who.evaluations.includes(id));
  const mayScore = mayEdit && has(who, "evaluator");
  const problem = h("p", { class: "alert", role: "alert", hidden: true });

  const reload = async (done) => {
    const focused = document.activeElement?.id;
    main.setAttribute("aria-busy", "true");
    await fresh(base, done.version);
    await renderScorecard(main, [id], query, who);
    main.removeAttribute("aria-busy");
    // the command's own answer: the total and grade the aggregate computed for this version
    document.getElementById("total").textContent = done.total;
    document.getElementById("grade").textContent = done.grade;
    if (focused) document.getElementById(focused)?.focus();
  };
  const command = async (path, body, method = "POST") => {
    const done = await api(base + path, { method, body });
    await reload(done);
    return done;
  };
  const inDialog = (fn) => async (data) => {
    try { await fn(data); } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
  };
  const fail = (err) => { problem.hidden = false; problem.textContent = explain(err); };

  const controls = mayEdit ? {
    actual: (leaf) => actualInputs(leaf, async (body) => {
      problem.hidden = true;
      try {
        await command(`/indicators/${encodeURIComponent(leaf.key)}/actual`, body, "PUT");
        notice(`已保存「${leaf.name}」的实际完成值`);
      } catch (err) { fail(err); }
    }),
    deduction: (leaf, d) => [
      mayScore ? h("button", { type: "button", id: `revise-${d.deduction_id}`, "aria-label": `修改扣分 ${d.deduction_id}`, onclick: () =>
        askForm(`修改扣分 ${d.deduction_id}（${leaf.name}）`, [
          { name: "points", label: "扣分分值", value: d.points, required: true, inputmode: "decimal" },
          { name: "reason", label: "修改原因", required: true }],
        inDialog((f) => command(`/deductions/${encodeURIComponent(d.deduction_id)}`, { points: f.get("points"), reason: f.get("reason") }, "PUT"))) }, "修改") : null,
      mayScore ? h("button", { type: "button", id: `withdraw-${d.deduction_id}`, "aria-label": `撤销扣分 ${d.deduction_id}`, onclick: () =>
        askForm(`撤销扣分 ${d.deduction_id}（${leaf.name}）`, [{ name: "reason", label: "撤销原因", required: true }],
          inDialog((f) => command(`/deductions/${encodeURIComponent(d.deduction_id)}/withdraw`, { reason: f.get("reason") }))) }, "撤销") : null,
    ],
    row: (leaf) => h("div", { class: "no-print" },
      mayScore ? judgeButton(leaf, command, inDialog) : null,
      " ",
      mayScore ? h("button", { type: "button", id: `deduct-${leaf.key}`, "aria-label": `对「${leaf.name}」扣分`, onclick: () =>
        askForm(`对「${leaf.name}」扣分`, [
          { name: "points", label: "扣分分值", required: true, inputmode: "decimal" },
          { name: "reason", label: "扣分原因", required: true }],
        inDialog((f) => command("/deductions", { indicator: leaf.key, points: f.get("points"), reason: f.get("reason") }))) }, "扣分") : null,
      " ",
      h("button", { type: "button", id: `note-${leaf.key}`, "aria-label": `填写「${leaf.name}」偏差原因分析`, onclick: () =>
        askForm(`「${leaf.name}」偏差原因分析及改进措施`, [{ name: "note", label: "偏差原因分析及改进措施", type: "textarea", value: leaf.deviation }],
          inDialog((f) => command(`/indicators/${encodeURIComponent(leaf.key)}/deviation`, { note: f.get("note") }, "PUT"))) }, "偏差原因")),
  } : null;
  const withHistory = timeline !== null && !travelling;
  const table = formTable(form, { card, controls });
  if (withHistory) {
    for (const d of card.deductions.filter((x) => x.active)) {
      const cell = table.querySelector(`tr[data-key="${CSS.escape(d.key)}"] td.notes`);
      cell?.append(h("button", { type: "button", "aria-label": `扣分 ${d.deduction_id} 的历史`, onclick: () => deductionHistory(base, d) }, `${d.deduction_id} 历史`));
    }
  }
  if (!travelling) await attachEvidence(table, card, id, mayEdit, mayScore);
  const funds = fundsGrid(form, { card, controls });
  for (const leaf of card.indicators.filter((i) => i.rule)) {
    const cell = table.querySelector(`#score-${CSS.escape(leaf.key)}`) || funds.querySelector(`#score-${CSS.escape(leaf.key)}`);
    cell?.append(" ", lineageButton(base, leaf, travelling ? card.version : null));
  }
  await yearBeside(table, card.project_id);
  const keys = new Set(card.indicators.map((i) => i.key));
  const general = card.flags.filter((f) => !f.subject || !keys.has(f.subject));
  const title = `${ledger ? ledger.name : "项目"} · ${KIND[card.kind] || card.kind}${card.kind === "self" ? "表" : "评分表"}`;
  clear(main,
    h("p", { class: "crumbs" }, ledger ? link(`/ui/projects/${card.project_id}`, ledger.name) : null, ledger ? " › " : null, "评分表"),
    h("h1", {}, title),
    travelling ? h("div", { class: "banner", role: "note" },
      `正在查看第 ${card.version} 版${asOf ? `（${when(asOf)} 时）` : ""}的评分表，只读。`, " ",
      link(`/ui/evaluations/${id}`, "返回当前评分表")) : null,
    h("div", { class: "scorebox", "aria-live": "polite" },
      h("span", {}, "总分 ", h("strong", { id: "total" }, card.total)),
      h("span", {}, "等级 ", h("strong", { id: "grade" }, card.grade)),
      h("span", {}, `状态：${STATUS[card.status] || card.status}`),
      h("span", {}, `评价机构：${card.evaluator}${card.third_party ? "（第三方）" : ""}`),
      h("span", { class: "muted" }, `第 ${card.version} 版`)),
    h("div", { class: "toolbar no-print" },
      lifecycle(card, who, travelling, command, inDialog, fail),
      card.status === "finalized" && !travelling ? publishButton("evaluation_result", id, card.tenant, who) : null,
      timeline !== null ? [link(`/ui/evaluations/${id}/history`, "变更历史"), " "] : null,
      link(`/ui/evaluations/${id}/print${suffix}`, "打印版"), " ",
      link(`/ui/evaluations/${id}/report`, "评价报告"), " ",
      exportButton(base, fail),
      mayEdit ? importControl(base, id, fail, reload) : null),
    reviewNotes(card, reviews),
    timeline ? timeTravel(id, timeline, version, asOf) : null,
    whatIfPanel(base),
    problem,
    importResult(id),
    general.length ? h("ul", { class: "flags", "aria-label": "提示" }, general.map((f) => h("li", {}, f.message))) : null,
    h("article", { class: "official", "aria-label": `项目支出绩效${form.form}` },
      h("p", { class: "form-title" }, `${form.title}（${form.year}年度）`),
      formHead(form), funds, goals(form), table, signLines()));
}

// Where the year began, beside each row: the target as approved (批复), as adjusted, and the
// latest monitoring round's forecast (全年预计) — read from the targets and the 监控表.
async function yearBeside(table, projectId) {
  const targets = await api(`/api/v1/projects/${projectId}/targets`).catch(() => null);
  if (!targets || !targets.versions.length) return;
  const first = new Map(targets.versions[0].indicators.map((i) => [i.key, i.value]));
  const last = new Map(targets.versions[targets.versions.length - 1].indicators.map((i) => [i.key, i.value]));
  const rounds = await api(`/api/v1/projects/${projectId}/monitoring`).catch(() => []);
  const answered = rounds.filter((r) => r.report_id).pop();
  const report = answered ? await api(`/api/v1/monitoring/reports/${answered.report_id}`).catch(() => null) : null;
  const forecast = new Map((report?.lines || []).map((l) => [l.key, l.expected]));
  for (const [key, approved] of first) {
    const row = table.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    if (!row || !approved) continue;
    const adjusted = last.get(key);
    const notes = [`批复：${approved}`];
    if (adjusted && adjusted !== approved) notes.push(`调整后：${adjusted}`);
    if (forecast.get(key)) notes.push(`${answered.round.name}预计：${forecast.get(key)}`);
    row.querySelector("td")?.append(h("span", { class: "explain year-note" }, notes.join("；")));
  }
}

// The reviewer's comments where the evaluator works: the latest return (or reopening) reason up
// front while the form is back with them, and every comment below it.
function reviewNotes(card, reviews) {
  const said = reviews.filter((r) => r.reason);
  if (!said.length) return null;
  const last = said[said.length - 1];
  const back = ["returned", "draft"].includes(card.status) && ["退回", "重新打开"].includes(last.action);
  return h("section", { class: "reviews", "aria-label": "审核意见" },
    back ? h("p", { class: "banner", role: "note", id: "return-reason" },
      `${last.actor} 于 ${when(last.at)} ${last.action}：${last.reason}`) : null,
    h("details", { open: back ? null : true },
      h("summary", {}, `审核意见（${said.length}）`),
      h("ul", {}, said.map((r) => h("li", {}, `${when(r.at)} ${r.actor} ${r.action}：${r.reason}`)))));
}

function actualInputs(leaf, save) {
  const kind = leaf.rule?.kind;
  const fields = [h("input", { id: `actual-${leaf.key}`, class: "actual", value: leaf.actual ?? "", "aria-label": `「${leaf.name}」实际完成值`, autocomplete: "off" })];
  if (kind === "checklist") fields.push(h("input", { id: `met-${leaf.key}`, class: "actual", placeholder: "如 1,2", "aria-label": `「${leaf.name}」符合的评分要点序号` }));
  if (kind === "tiers") {
    fields.push(h("input", { id: `tier-${leaf.key}`, class: "actual", inputmode: "numeric", "aria-label": `「${leaf.name}」档次（1–3）` }));
    fields.push(h("input", { id: `points-${leaf.key}`, class: "actual", inputmode: "decimal", "aria-label": `「${leaf.name}」档内得分` }));
  }
  if (kind === "survey") fields.push(h("input", { id: `survey-${leaf.key}`, class: "actual", "aria-label": `「${leaf.name}」调查人数（非常满意,比较满意,一般,较不满意,非常不满意）` }));
  const submit = () => {
    const value = (name) => document.getElementById(`${name}-${leaf.key}`)?.value.trim() || "";
    const ints = (text) => text.split(/[,，、\s]+/).filter(Boolean).map((x) => Number.parseInt(x, 10));
    const given = {};
    if (value("met")) given.met = ints(value("met"));
    if (value("tier")) given.tier = Number.parseInt(value("tier"), 10);
    if (value("points")) given.points = value("points");  // a decimal string, as typed
    if (value("survey")) given.survey = ints(value("survey"));
    save({ actual: value("actual") || null, given: Object.keys(given).length ? given : null });
  };
  for (const f of fields) f.addEventListener("keydown", (ev) => { if (ev.key === "Enter") { ev.preventDefault(); submit(); } });
  return h("span", { class: "actual-cell" }, fields,
    h("button", { type: "button", id: `save-${leaf.key}`, "aria-label": `保存「${leaf.name}」的实际完成值`, onclick: submit }, "保存"));
}

function lifecycle(card, who, travelling, command, inDialog, fail) {
  if (travelling) return null;
  const run = (path, label) => h("button", { type: "button", onclick: () => command(path).then(() => notice(`已${label}`), fail) }, label);
  const confirmed = (path, label, warning) => h("button", { type: "button", onclick: () =>
    askForm(`确认${label}？${warning}`, [], inDialog(() => command(path).then(() => notice(`已${label}`))), label) }, label);
  const withReason = (path, label) => h("button", { type: "button", onclick: () =>
    askForm(label, [{ name: "reason", label: `${label}原因`, required: true }], inDialog((f) => command(path, { reason: f.get("reason") }))) }, label);
  const out = [];
  if (EDITABLE.includes(card.status) && has(who, "preparer", "evaluator")) {
    out.push(run("/ledger-sync", "同步台账数据"), confirmed("/submit", "提交", "提交后不能再修改，除非审核人退回。"));
  }
  if (card.status === "submitted" && has(who, "reviewer")) {
    out.push(withReason("/return", "退回"), confirmed("/finalize", "定稿", "定稿后评价结果生效，只能以说明原因的“重新打开”更改。"));
  }
  if (card.status === "finalized" && has(who, "reviewer")) out.push(withReason("/reopen", "重新打开"));
  // the evaluating bureau's people send findings back (the server checks it is that bureau)
  if (card.status === "finalized" && has(who, "evaluator", "reviewer", "finance")) out.push(rectifyButton("evaluation", card.evaluation_id));
  return out;
}

function timeTravel(id, timeline, version, asOf) {
  const select = h("select", { id: "tt-version", name: "version" },
    h("option", { value: "" }, "当前（最新）"),
    [...timeline].reverse().map((c) => h("option", { value: c.version, selected: String(c.version) === version },
      `第 ${c.version} 版 · ${when(c.at)} · ${actionOf(c)}${c.subject ? ` ${c.subject}` : ""}`)));
  const at = h("input", { id: "tt-at", name: "at", type: "datetime-local", step: 1 });
  if (asOf) at.value = when(asOf).replace(" ", "T");
  const form = h("form", { class: "toolbar no-print", "aria-label": "时间回溯" },
    h("label", { for: "tt-version" }, "查看历史版本"), select,
    h("label", { for: "tt-at" }, "或查看时点"), at,
    h("button", { type: "submit" }, "查看"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (at.value) return go(`/ui/evaluations/${id}?as_of=${encodeURIComponent(new Date(at.value).toISOString())}`);
    return go(select.value ? `/ui/evaluations/${id}?version=${select.value}` : `/ui/evaluations/${id}`);
  });
  return form;
}

async function deductionHistory(base, d) {
  const changes = await api(`${base}/deductions/${encodeURIComponent(d.deduction_id)}/history`);
  const dialog = h("dialog", { "aria-label": `扣分 ${d.deduction_id} 的历史` },
    h("h2", {}, `扣分 ${d.deduction_id} 的历史`),
    h("table", {}, h("thead", {}, h("tr", {}, ["时间", "操作人", "操作", "变更前", "变更后", "原因"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, changes.map((c) => h("tr", {}, h("td", {}, when(c.at)), h("td", {}, c.actor_id), h("td", {}, ACTION[c.action] || c.action),
        h("td", { class: "change-before" }, c.before ? `${c.before.points} 分` : "—"),
        h("td", { class: "change-after" }, c.after ? `${c.after.points} 分${c.after.active ? "" : "（已撤销）"}` : "—"), h("td", {}, c.reason || "—"))))),
    h("form", { method: "dialog" }, h("button", { type: "submit" }, "关闭")));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

// 佐证材料 beside each indicator and each active deduction (evidence.js)
async function attachEvidence(table, card, id, mayEdit, mayScore) {
  const counts = await evidenceCounts(id);
  const byKey = new Map(card.indicators.map((i) => [i.key, i]));
  for (const row of table.querySelectorAll("tr[data-key]")) {
    const leaf = byKey.get(row.dataset.key);
    const cell = row.querySelector("td.notes");
    if (!leaf || !cell) continue;
    const active = card.deductions.filter((d) => d.key === leaf.key && d.active);
    cell.querySelectorAll(".deduction").forEach((div, i) => {
      const d = active[i];
      if (d) div.append(" ", evidenceButton({ kind: "deduction", owner: id, key: d.deduction_id, label: `扣分 ${d.deduction_id}` }, mayScore, counts));
    });
    cell.append(h("div", { class: "no-print" },
      evidenceButton({ kind: "indicator", owner: id, key: leaf.key, label: `「${leaf.name}」指标` }, mayEdit, counts)));
  }
}
