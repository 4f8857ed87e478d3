// The print page: the official form exactly as the server lays it out (GET …/form), nothing else —
// no flags, no rule explanations, no controls. A4 landscape (app.css, @page).

import { api } from "./api.js";
import { clear, h, link } from "./dom.js";
import { formHead, formTable, fundsGrid, goals, signLines } from "./scoretable.js";

export async function renderPrint(main, [id], query) {
  const suffix = query.get("version") ? `?version=${query.get("version")}` : query.get("as_of") ? `?as_of=${encodeURIComponent(query.get("as_of"))}` : "";
  const form = await api(`/api/v1/evaluations/${id}/form${suffix}`);
  clear(main,
    h("div", { class: "toolbar no-print" }, link(`/ui/evaluations/${id}${suffix}`, "返回评分表"),
      h("button", { type: "button", class: "primary", onclick: () => window.print() }, "打印")),
    h("article", { class: "official paper", "aria-label": `项目支出绩效${form.form}` },
      h("h1", { class: "form-title" }, form.title),
      h("p", { class: "form-year" }, `（${form.year}年度）`),
      formHead(form), fundsGrid(form), goals(form), formTable(form), signLines()));
}
