// 部门整体: a bureau's year as a whole — its 部门整体 evaluation (started from the platform's
// framework) and the 部门决算 summary of its project self-evaluations: counts, money and shares
// per grade, problems and measures, the text section to paste into the final accounts, Excel.

import { api, explain, fresh } from "./api.js";
import { askForm, clear, h, link, money, notice } from "./dom.js";
import { has, KIND } from "./labels.js";
import { go } from "./main.js";
import { download } from "./excel.js";

export async function renderDepartment(main, [code], query, who) {
  const year = Number(query.get("year")) || new Date().getFullYear() - 1;
  const [tenant, s] = await Promise.all([api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/final-accounts?year=${year}`)]);
  const mine = code === who.tenant;
  const start = (kind) => async () => {
    try {
      const done = await api(`/api/v1/tenants/${code}/whole-department-evaluations`, { method: "POST", body: { year, kind } });
      await fresh(`/api/v1/evaluations/${done.id}`, done.version);  // its scorecard projected, framework and all
      go(`/ui/evaluations/${done.id}`);
    } catch (err) {
      if (err.problem?.existing?.id) return go(`/ui/evaluations/${err.problem.existing.id}`);
      notice(explain(err));
    }
    return null;
  };
  const picker = h("form", { class: "toolbar no-print", "aria-label": "年度" },
    h("label", { for: "dept-year" }, "年度"), h("input", { id: "dept-year", name: "year", inputmode: "numeric", value: year, size: 6 }),
    h("button", { type: "submit" }, "查看"));
  picker.addEventListener("submit", (ev) => { ev.preventDefault(); go(`/ui/tenants/${code}/department?year=${new FormData(picker).get("year")}`); });
  clear(main, h("h1", {}, `${tenant.name} · 部门整体`), picker,
    h("h2", {}, `${year} 年度部门整体支出绩效评价`),
    h("p", {}, "部门整体评价采用平台的部门整体指标框架（运行成本、管理效率、履职效能、社会效应、可持续发展能力、服务对象满意度），评分、扣分、审核与留痕与项目评价相同。"),
    h("div", { class: "toolbar no-print" },
      mine && has(who, "preparer", "evaluator") ? h("button", { type: "button", class: "primary", onclick: start("self") }, `发起 ${year} 年度${KIND.self}`) : null,
      !mine && has(who, "preparer", "evaluator") ? h("button", { type: "button", onclick: start("department") }, `发起 ${year} 年度${KIND.department}`) : null),
    h("h2", {}, "部门决算：项目支出绩效自评结果汇总"),
    h("div", { class: "toolbar no-print" }, h("button", { type: "button", onclick: () => download(`/api/v1/tenants/${code}/final-accounts.xlsx?year=${year}`, "自评结果汇总.xlsx") }, "导出 Excel"),
      mine && has(who, "reviewer", "admin") ? h("button", { type: "button", onclick: () => askForm(
        `公开 ${year} 年度自评结果汇总？将按当前已定稿的自评冻结公开：项目数、覆盖资金及占比、各等级的项目数与资金（问题与整改措施不公开）。`, [],
        async () => {
          try {
            await api(`/api/v1/tenants/${code}/final-accounts/publish?year=${year}`, { method: "POST" });
            notice("已公开，见本单位的公开页面");
          } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
        }, "公开") }, "公开自评结果汇总") : null),
    h("table", { "aria-label": "自评结果汇总" }, h("tbody", {},
      h("tr", {}, h("th", { scope: "row" }, "项目数"), h("td", { class: "num" }, s.projects)),
      h("tr", {}, h("th", { scope: "row" }, "已定稿自评项目数"), h("td", { class: "num" }, s.evaluated)),
      h("tr", {}, h("th", { scope: "row" }, "项目预算（元）"), h("td", { class: "num" }, money(s.money))),
      h("tr", {}, h("th", { scope: "row" }, "覆盖资金（元）"), h("td", { class: "num" }, money(s.money_evaluated))),
      h("tr", {}, h("th", { scope: "row" }, "覆盖比例"), h("td", { class: "num" }, `${s.money_share}%`)))),
    h("table", { "aria-label": "按评价等级" },
      h("thead", {}, h("tr", {}, ["等级", "项目数", "占比", "资金（元）", "资金占比"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, s.grades.length ? s.grades.map((g) => h("tr", {}, h("th", { scope: "row" }, g.grade), h("td", { class: "num" }, g.count),
        h("td", { class: "num" }, `${g.count_share}%`), h("td", { class: "num" }, money(g.money)), h("td", { class: "num" }, `${g.money_share}%`))) :
        h("tr", {}, h("td", { colspan: 5 }, "尚无定稿的项目自评")))),
    h("h3", {}, "决算文字部分"),
    h("pre", { class: "prewrap", "aria-label": "决算文字部分" }, s.text),
    h("p", {}, link(`/ui/tenants/${code}/projects?year=${year}`, "查看项目")));
}
