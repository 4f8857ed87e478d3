// A bureau's projects as a list that scales: search (name or code), filters (year, evaluation
// status, grade, the bureau alone or with its descendants) and pages — all done by the server in
// SQL; the page only keeps them in its address (?q=&status=&grade=&year=&subtree=&page=&page_size=),
// so a list can be bookmarked and the browser's back button works. Lands on the latest year with
// projects.

import { api, explain, fresh } from "./api.js";
import { clear, h, link, money, pct, shown } from "./dom.js";
import { KIND, STATUS, has } from "./labels.js";
import { go } from "./main.js";

const GRADES = ["优秀", "良好", "优", "良", "中", "差"];
const SIZES = [20, 50, 100, 200];
const KEYS = ["q", "status", "grade", "year", "subtree", "page", "page_size"];

function evaluationsCell(evaluations) {
  if (!evaluations.length) return "—";
  return evaluations.map((e) => h("div", {},
    link(`/ui/evaluations/${e.evaluation_id}`, `${KIND[e.kind] || e.kind}：${e.total}（${e.grade}）`),
    h("span", { class: "muted" }, ` ${STATUS[e.status] || e.status}`)));
}

const choice = (id, label, name, options, value) => [
  h("label", { for: id }, label),
  h("select", { id, name }, options.map(([v, text]) => h("option", { value: v, selected: String(v) === String(value ?? "") }, text))),
];

// The address of the list with `changes` applied (empty values dropped; the page back to 1 unless given).
function address(code, query, changes) {
  const next = new URLSearchParams();
  for (const key of KEYS) {
    const value = key in changes ? changes[key] : query.get(key);
    if (value !== null && value !== undefined && value !== "") next.set(key, value);
  }
  if (!("page" in changes)) next.delete("page");
  return `/ui/tenants/${code}/projects?${next}`;
}

// Go to another list and keep the keyboard where it was (the control of the same id).
async function move(to) {
  const focused = document.activeElement?.id;
  await go(to);
  if (focused) document.getElementById(focused)?.focus();
}

export async function renderProjects(main, [code], query, who) {
  const tenant = await api(`/api/v1/tenants/${code}`);
  const parent = tenant.level === "province" || tenant.level === "municipal";
  const subtree = query.has("subtree") ? query.get("subtree") === "true" : parent;
  const every = query.get("year") === "all";  // every year; no year in the address: the latest with projects
  const ask = new URLSearchParams({ subtree: String(subtree) });
  if (!every) ask.set("year", query.get("year") || "latest");
  for (const key of ["q", "status", "grade", "page", "page_size"]) if (query.get(key)) ask.set(key, query.get(key));
  let list;
  try {
    list = await api(`/api/v1/tenants/${code}/projects?${ask}`);
  } catch (err) {  // a bad parameter in the address: the server's Chinese refusal, and a way back
    if (err.status !== 400) throw err;
    clear(main, h("h1", {}, `${tenant.name} · 项目与预算台账`), h("p", { class: "alert", role: "alert" }, explain(err)),
      h("p", {}, link(`/ui/tenants/${code}/projects`, "返回项目列表")));
    return;
  }
  const year = list.year;
  const form = h("form", { class: "filters", role: "search", "aria-label": "查找项目" },
    h("label", { for: "list-q" }, "搜索"),
    h("input", { id: "list-q", name: "q", type: "search", value: query.get("q") || "", placeholder: "项目名称或编号", autocomplete: "off", maxlength: 100 }),
    choice("list-year", "年度", "year", [...(list.years.length ? list.years : [new Date().getFullYear()]).map((y) => [y, `${y} 年度`]), ["all", "全部年度"]],
      every ? "all" : year),
    choice("list-status", "评价状态", "status", [["", "全部"], ...Object.entries(STATUS)], query.get("status")),
    choice("list-grade", "等级", "grade", [["", "全部"], ...GRADES.map((g) => [g, g])], query.get("grade")),
    parent ? choice("list-subtree", "范围", "subtree", [["true", "本单位及下级单位"], ["false", "仅本单位"]], String(subtree)) : null,
    choice("list-size", "每页", "page_size", [...new Set([...SIZES, list.page_size])].sort((a, b) => a - b).map((n) => [n, `${n} 个`]), list.page_size),
    h("button", { type: "submit", class: "primary", id: "list-go" }, "查询"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    move(address(code, query, Object.fromEntries(new FormData(form))));
  });
  const from = (list.page - 1) * list.page_size;
  const pager = h("nav", { class: "pager", "aria-label": "分页" },
    list.page > 1 ? link(address(code, query, { page: String(list.page - 1) }), "上一页") : null,
    h("span", {}, `第 ${list.page} / ${list.pages} 页`),
    list.page < list.pages ? link(address(code, query, { page: String(list.page + 1) }), "下一页") : null);
  const cols = ["项目编号", "项目名称", subtree ? "单位" : null, "实施单位", "全年预算数", "实际到位", "全年执行数", "资金到位率", "执行率（B/A）", "评价", "提示"].filter(Boolean);
  const numeric = new Set(["全年预算数", "实际到位", "全年执行数", "资金到位率", "执行率（B/A）"]);
  clear(main,
    h("h1", {}, `${tenant.name} · 项目与预算台账`),
    h("div", { class: "toolbar" }, link(`/ui/tenants/${code}/dashboard${year ? `?year=${year}` : ""}`, "汇总看板")),
    form,
    h("table", {},
      h("caption", { class: "muted", id: "list-count", "aria-live": "polite" },
        `${year ? `${year} 年度` : "全部年度"}共 ${list.total} 个项目${list.total ? `，第 ${from + 1}–${from + list.items.length} 个` : ""}（金额单位：元）`),
      h("thead", {}, h("tr", {}, cols.map((t) => h("th", { scope: "col", class: numeric.has(t) ? "num" : null }, t)))),
      h("tbody", {}, list.items.length ? list.items.map((p) => h("tr", {},
        h("td", {}, p.code), h("td", {}, link(`/ui/projects/${p.project_id}`, p.name)),
        subtree ? h("td", {}, p.tenant_name) : null, h("td", {}, shown(p.unit)),
        h("td", { class: "num" }, money(p.annual)), h("td", { class: "num" }, money(p.received)),
        h("td", { class: "num" }, money(p.spent)), h("td", { class: "num" }, pct(p.funds_received_rate)),
        h("td", { class: "num" }, pct(p.budget_execution_rate)), h("td", {}, evaluationsCell(p.evaluations)),
        h("td", {}, p.flags ? h("span", { class: "flag" }, `${p.flags} 项提示`) : ""))) :
        h("tr", {}, h("td", { colspan: cols.length }, "没有符合条件的项目")))),
    list.pages > 1 ? pager : null,
    code === who.tenant && has(who, "preparer", "evaluator") ? newProjectForm(year || new Date().getFullYear()) : null);
}

function newProjectForm(year) {
  const field = (id, label, attrs = {}) => [h("label", { for: id }, label), h("input", { id, name: id, autocomplete: "off", ...attrs })];
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const form = h("form", { class: "stack" },
    h("h2", { class: "wide" }, "登记项目"),
    field("code", "项目编号", { required: true }), field("name", "项目名称", { required: true }),
    field("year", "年度", { required: true, value: year, inputmode: "numeric" }),
    field("department", "主管部门"), field("implementing_unit", "实施单位"), field("goal", "年度总体目标"),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "登记")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    body.year = Number(body.year);
    try {
      const done = await api("/api/v1/projects", { method: "POST", body });
      await fresh(`/api/v1/projects/${done.id}/ledger`, done.version).catch(() => null);
      go(`/ui/projects/${done.id}`);
    } catch (err) { error.hidden = false; error.textContent = explain(err); }
  });
  return form;
}
