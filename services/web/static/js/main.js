// The router: one shell page for every /ui/… path; each view renders into <main>.

import { api, explain, me, signOut, signedIn } from "./api.js";
import { renderAccounts, renderMe } from "./accounts.js";
import { clear, h, link } from "./dom.js";
import { ROLE } from "./labels.js";
import { renderLogin } from "./login.js";
import { renderProject } from "./projects.js";
import { renderProjects } from "./projectlist.js";
import { renderScorecard } from "./scorecard.js";
import { renderHistory } from "./history.js";
import { renderDashboard } from "./dashboard.js";
import { renderPrint } from "./print.js";
import { renderTargets, renderTargetList } from "./targets.js";
import { renderReport, renderRound, renderRounds, startReport } from "./monitoring.js";
import { renderRectification, renderRectifications } from "./rectification.js";
import { renderPolicy, renderRecommendation, renderRecommendations } from "./results.js";
import { renderReport as renderEvaluationReport } from "./report.js";
import { renderDepartment } from "./department.js";
import { renderEngagement, renderEngagements } from "./engagements.js";
import { renderPublications } from "./disclosure.js";
import { renderComparison, renderSeries } from "./compare.js";

const ROUTES = [
  [/^\/ui\/login\/?$/, renderLogin, true],
  [/^\/ui\/tenants\/(\d{6})\/projects\/?$/, renderProjects],
  [/^\/ui\/tenants\/(\d{6})\/dashboard\/?$/, renderDashboard],
  [/^\/ui\/projects\/([0-9a-f-]{36})\/?$/, renderProject],
  [/^\/ui\/evaluations\/([0-9a-f-]{36})\/?$/, renderScorecard],
  [/^\/ui\/evaluations\/([0-9a-f-]{36})\/history\/?$/, renderHistory],
  [/^\/ui\/evaluations\/([0-9a-f-]{36})\/print\/?$/, renderPrint],
  [/^\/ui\/evaluations\/([0-9a-f-]{36})\/report\/?$/, renderEvaluationReport],
  [/^\/ui\/tenants\/(\d{6})\/accounts\/?$/, renderAccounts],
  [/^\/ui\/me\/?$/, renderMe],
  [/^\/ui\/projects\/([0-9a-f-]{36})\/targets\/?$/, renderTargets],
  [/^\/ui\/tenants\/(\d{6})\/targets\/?$/, renderTargetList],
  [/^\/ui\/tenants\/(\d{6})\/monitoring\/?$/, renderRounds],
  [/^\/ui\/monitoring\/([0-9a-f-]{36})\/?$/, renderRound],
  [/^\/ui\/monitoring\/([0-9a-f-]{36})\/projects\/([0-9a-f-]{36})\/?$/, (main, [r, p]) => startReport(r, p)],
  [/^\/ui\/reports\/([0-9a-f-]{36})\/?$/, renderReport],
  [/^\/ui\/tenants\/(\d{6})\/rectifications\/?$/, renderRectifications],
  [/^\/ui\/rectifications\/([0-9a-f-]{36})\/?$/, renderRectification],
  [/^\/ui\/tenants\/(\d{6})\/recommendations\/?$/, renderRecommendations],
  [/^\/ui\/tenants\/(\d{6})\/department\/?$/, renderDepartment],
  [/^\/ui\/tenants\/(\d{6})\/engagements\/?$/, renderEngagements],
  [/^\/ui\/engagements\/([0-9a-f-]{36})\/?$/, renderEngagement],
  [/^\/ui\/tenants\/(\d{6})\/result-policy\/?$/, renderPolicy],
  [/^\/ui\/recommendations\/([0-9a-f-]{36})\/?$/, renderRecommendation],
  [/^\/ui\/tenants\/(\d{6})\/publications\/?$/, renderPublications],
  [/^\/ui\/projects\/([0-9a-f-]{36})\/comparison\/?$/, renderComparison],
  [/^\/ui\/tenants\/(\d{6})\/projects\/([^/]+)\/years\/?$/, renderSeries],
];

export function go(path) {
  history.pushState({}, "", path);
  return render();
}

async function header(who) {
  const nav = document.getElementById("nav");
  const box = document.getElementById("who");
  if (!who) { clear(nav); clear(box); return; }
  clear(nav,
    link(`/ui/tenants/${who.tenant}/projects`, "项目与预算台账"),
    link(`/ui/tenants/${who.tenant}/dashboard`, "汇总看板"),
    link(`/ui/tenants/${who.tenant}/targets`, "绩效目标"),
    link(`/ui/tenants/${who.tenant}/monitoring`, "运行监控"),
    link(`/ui/tenants/${who.tenant}/rectifications`, "整改"),
    link(`/ui/tenants/${who.tenant}/recommendations`, "结果应用"),
    link(`/ui/tenants/${who.tenant}/department`, "部门整体"),
    link(`/ui/tenants/${who.tenant}/engagements`, "委托第三方"),
    link(`/ui/tenants/${who.tenant}/publications`, "信息公开"),
    who.roles.includes("admin") ? link(`/ui/tenants/${who.tenant}/accounts`, "账户管理") : null);
  const tenant = await api(`/api/v1/tenants/${who.tenant}`).catch(() => ({ name: who.tenant }));
  clear(box,
    link("/ui/me", `${who.user}（${tenant.name}，${who.roles.map((r) => ROLE[r] || r).join("、")}）`),
    h("button", { type: "button", onclick: async () => { await signOut(); go("/ui/login"); } }, "退出"));
}

export async function render() {
  const main = document.getElementById("main");
  const path = location.pathname === "/" || location.pathname === "/ui" ? "/ui/" : location.pathname;
  const query = new URLSearchParams(location.search);
  const found = ROUTES.map(([re, view, open]) => [path.match(re), view, open]).find(([m]) => m);
  if (!signedIn() && !(found && found[2])) {
    history.replaceState({}, "", "/ui/login");
    return render();
  }
  try {
    const who = signedIn() ? await me() : null;
    await header(who);
    if (!found) {
      history.replaceState({}, "", `/ui/tenants/${who.tenant}/projects`);
      return render();
    }
    const [match, view] = found;
    clear(main, h("p", {}, "正在加载…"));
    await view(main, match.slice(1), query, who);
    const heading = main.querySelector("h1");
    if (heading) document.title = `${heading.textContent} · jixiao`;
  } catch (err) {
    // nothing of the page stays: a refused page shows the refusal only
    clear(main, h("h1", {}, "无法打开"), h("p", { class: "alert", role: "alert" }, explain(err)));
  }
}

document.addEventListener("click", (ev) => {
  const a = ev.target.closest("a[data-link]");
  if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || (typeof a.target === "string" && a.target)) return;
  ev.preventDefault();
  go(a.getAttribute("href"));
});
window.addEventListener("popstate", render);
render();
