// The parent bureau's dashboard: its own and its children's figures, every descendant project
// with its execution rate, the distribution of self-evaluation scores and the grade counts,
// drawn as SVG. Every figure and bar length comes from the server.

import { api } from "./api.js";
import { clear, h, link, money, pct } from "./dom.js";
import { go } from "./main.js";

const svg = (tag, attrs, ...children) => h(`svg:${tag}`, attrs, ...children);

function rateBars(projects) {
  const row = 26;
  const height = row * projects.length + 10;
  return svg("svg", { viewBox: `0 0 1200 ${height}`, role: "img", "aria-label": "各项目执行率" },
    projects.map((p, i) => {
      const y = i * row + 5;
      return svg("a", { href: `/ui/projects/${p.project_id}`, "data-link": true },
        svg("title", {}, `${p.tenant_name} · ${p.name}：执行率 ${pct(p.budget_execution_rate)}`),
        svg("text", { x: 0, y: y + 15 }, `${p.tenant_name} · ${p.name}`.slice(0, 30)),
        svg("svg", { x: 460, y, width: 620, height: 18 },
          svg("rect", { class: "track", width: "100%", height: 18 }),
          svg("rect", { class: p.over ? "bar over" : "bar", width: `${p.bar}%`, height: 18 })),
        svg("text", { x: 1095, y: y + 15 }, pct(p.budget_execution_rate)));
    }));
}

function countBars(items, labelOf, caption) {
  const most = Math.max(1, ...items.map((x) => x.count));  // counts are whole numbers, not money
  const width = 90;
  return svg("svg", { class: "counts", viewBox: `0 0 ${Math.max(5, items.length) * width + 20} 200`, role: "img", "aria-label": caption },
    items.map((x, i) => {
      const tall = Math.round((140 * x.count) / most);
      return svg("g", {},
        svg("title", {}, `${labelOf(x)}：${x.count}`),
        svg("rect", { class: "bar", x: i * width + 20, y: 170 - tall, width: width - 30, height: tall }),
        svg("text", { x: i * width + 40, y: 164 - tall }, String(x.count)),
        svg("text", { x: i * width + 20, y: 190 }, labelOf(x)));
    }));
}

export async function renderDashboard(main, [code], query) {
  const year = query.get("year");
  const board = await api(`/api/v1/tenants/${code}/dashboard${year ? `?year=${year}` : ""}`);
  const r = board.rollup;
  const select = h("select", { id: "dash-year", onchange: () => go(`/ui/tenants/${code}/dashboard?year=${select.value}`) },
    (board.tenant.years.length ? board.tenant.years : [board.year]).map((y) => h("option", { value: y, selected: y === board.year }, `${y} 年度`)));
  clear(main,
    h("h1", {}, `${board.tenant.name} · 汇总看板`),
    h("div", { class: "toolbar" }, h("label", { for: "dash-year" }, "年度"), select,
      link(`/ui/tenants/${code}/projects?year=${board.year}`, "本单位项目")),
    h("div", { class: "scorebox" },
      h("span", {}, "项目数 ", h("strong", {}, r.projects)),
      h("span", {}, `全年预算 ${money(r.budget)} 元`),
      h("span", {}, `全年执行 ${money(r.spent)} 元`),
      h("span", {}, "执行率 ", h("strong", {}, pct(r.execution_rate))),
      h("span", {}, "自评平均分 ", h("strong", {}, r.average_self_score ?? "—"))),
    h("div", { class: "charts" },
      h("figure", { class: "chart" }, h("figcaption", {}, "单位自评得分分布"),
        countBars(board.distribution, (x) => x.label, "单位自评得分分布")),
      h("figure", { class: "chart" }, h("figcaption", {}, "等级"),
        board.grades.length ? countBars(board.grades, (x) => x.grade, "等级分布") : h("p", {}, "尚无自评"))),
    h("figure", { class: "chart" }, h("figcaption", {}, "各项目执行率（全年执行数 / 全年预算数），点击查看项目"),
      board.projects.length ? rateBars(board.projects) : h("p", {}, "本年度没有项目")),
    h("h2", {}, "下级单位"),
    h("table", { "aria-label": "下级单位" },
      h("thead", {}, h("tr", {}, ["单位", "项目数", "全年预算（元）", "全年执行（元）", "执行率", "自评平均分", "等级"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, board.children.length ? board.children.map((c) => h("tr", {},
        h("td", {}, link(`/ui/tenants/${c.tenant}/dashboard?year=${board.year}`, c.name)), h("td", { class: "num" }, c.projects),
        h("td", { class: "num" }, money(c.budget)), h("td", { class: "num" }, money(c.spent)), h("td", { class: "num" }, pct(c.execution_rate)),
        h("td", { class: "num" }, c.average_self_score ?? "—"),
        h("td", {}, Object.entries(c.grades).map(([g, n]) => `${g} ${n}`).join("、") || "—"))) : h("tr", {}, h("td", { colspan: 7 }, "没有下级单位")))),
    h("h2", {}, "项目"),
    h("table", { "aria-label": "项目" },
      h("thead", {}, h("tr", {}, ["单位", "项目", "全年预算（元）", "全年执行（元）", "执行率", "自评得分", "等级"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, board.projects.map((p) => h("tr", {},
        h("td", {}, p.tenant_name), h("td", {}, link(`/ui/projects/${p.project_id}`, p.name)),
        h("td", { class: "num" }, money(p.annual)), h("td", { class: "num" }, money(p.spent)),
        h("td", { class: "num" }, pct(p.budget_execution_rate)),
        h("td", { class: "num" }, p.self ? link(`/ui/evaluations/${p.self.evaluation_id}`, p.self.total) : "—"),
        h("td", {}, p.self ? p.self.grade : "—"))))));
}
