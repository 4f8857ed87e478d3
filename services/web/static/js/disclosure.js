// 信息公开 in the signed-in app: the 公开 button of a finalized evaluation and of approved targets
// (a confirmation showing exactly the content the server will freeze, from its preview), and the
// bureau's list of publications with 撤回 (a reason is required) and a link to its public page.

import { api, explain } from "./api.js";
import { askForm, clear, h, link, notice, shown, when } from "./dom.js";
import { has } from "./labels.js";

export const KIND = { evaluation_result: "评价结果", targets: "绩效目标", self_evaluation_summary: "自评结果汇总" };
const LEVEL = { 1: "一级", 2: "二级", 3: "三级" };

// The frozen content as a block: the same fields the public page shows.
export function contentView(c) {
  const head = h("p", {}, `${c.bureau_name} · ${c.project_name}（${c.project_code}）· ${c.year} 年度`);
  if (c.kind === "evaluation_result") {
    return h("div", { class: "publication-content" }, head,
      h("p", {}, `${c.evaluation_kind} · 评价机构：${c.evaluator} · 总分 `, h("strong", {}, c.total), " · 等级 ", h("strong", {}, c.grade)),
      h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "层级"), h("th", {}, "指标"), h("th", { class: "num" }, "分值"), h("th", { class: "num" }, "得分"))),
        h("tbody", {}, (c.scores || []).map((r) => h("tr", {}, h("td", {}, LEVEL[r.level] || r.level), h("td", {}, r.name),
          h("td", { class: "num" }, r.weight), h("td", { class: "num" }, r.score))))));
  }
  return h("div", { class: "publication-content" }, head,
    h("p", {}, `第 ${c.targets_version} 版（批复日期 ${shown(c.approved_on)}）`, c.funds_total ? ` · 年度资金总额 ${c.funds_total} 元` : ""),
    h("p", {}, `年度目标：${shown(c.annual_goal)}`),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "层级"), h("th", {}, "指标"), h("th", {}, "指标值"), h("th", {}, "度量单位"))),
      h("tbody", {}, (c.targets || []).map((r) => h("tr", {}, h("td", {}, LEVEL[r.level] || r.level), h("td", {}, r.name),
        h("td", {}, `${r.nature || ""}${r.value || ""}`), h("td", {}, r.unit || ""))))));
}

function confirmDialog(preview, onConfirm) {
  const error = h("p", { class: "alert", role: "alert", hidden: true });
  const dialog = h("dialog", { "aria-label": "确认公开", class: "lineage-panel" });
  const confirm = h("button", { type: "button", class: "primary", id: "confirm-publish" }, "确认公开");
  confirm.addEventListener("click", async () => {
    try {
      await onConfirm();
      dialog.close();
    } catch (err) {
      error.hidden = false;
      error.textContent = explain(err);
    }
  });
  dialog.append(
    h("h2", {}, `确认公开${KIND[preview.kind]}？`),
    h("p", {}, "以下内容将原样冻结并在本单位的公开页面上显示（不含个人信息与文字说明）；以后只能撤回，不能修改。"),
    contentView(preview.content), error,
    h("div", { class: "actions" }, confirm, h("button", { type: "button", onclick: () => dialog.close() }, "取消")));
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

// The 公开 button: shown to the bureau's own reviewer or admin.
export function publishButton(kind, sourceId, tenant, who, onDone) {
  if (tenant !== who.tenant || !has(who, "reviewer", "admin")) return null;
  return h("button", { type: "button", id: "publish", onclick: async () => {
    const body = { kind, source_id: sourceId };
    let preview;
    try {
      preview = await api("/api/v1/publications/preview", { method: "POST", body });
    } catch (err) {
      notice(explain(err));
      return;
    }
    confirmDialog(preview, async () => {
      await api("/api/v1/publications", { method: "POST", body: { ...body, source_version: preview.source_version } });
      notice("已公开");
      if (onDone) await onDone();
    });
  } }, "公开");
}

// The list comes from a projection that follows the event log: wait until it shows the register
// at the version the command answered (as api.js's fresh does for single resources).
async function caughtUp(code, register, version, tries = 60) {
  for (let i = 0; i < tries; i++) {
    const rows = await api(`/api/v1/tenants/${code}/publications`);
    if (rows.some((r) => r.register_id === register && r.version >= version)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function renderPublications(main, [code], query, who) {
  const year = query.get("year");
  const rows = await api(`/api/v1/tenants/${code}/publications${year ? `?year=${encodeURIComponent(year)}` : ""}`);
  const mayAct = code === who.tenant && has(who, "reviewer", "admin");
  const reload = () => renderPublications(main, [code], query, who);
  clear(main,
    h("h1", {}, "信息公开"),
    h("p", {}, "本单位公开的绩效目标与评价结果（公开时冻结的内容）。公开页面无需登录：",
      h("a", { href: `/public/${code}`, id: "public-link" }, `/public/${code}`), "。"),
    rows.length ? h("table", { id: "publications" },
      h("thead", {}, h("tr", {}, ["年度", "项目", "类型", "公开时间", "状态", ""].map((t) => h("th", {}, t)))),
      h("tbody", {}, rows.map((p) => h("tr", {},
        h("td", {}, p.year),
        h("td", {}, link(`/ui/projects/${p.project_id}`, `${p.project_name}（${p.project_code}）`)),
        h("td", {}, KIND[p.kind] || p.kind),
        h("td", {}, when(p.published_at)),
        h("td", {}, p.withdrawn ? `已撤回：${p.withdrawn_reason}` : "公开中"),
        h("td", {}, !p.withdrawn && mayAct ? h("button", { type: "button", onclick: () =>
          askForm(`撤回「${p.project_name}」的${KIND[p.kind]}`, [{ name: "reason", label: "撤回原因", type: "textarea", required: true }],
            async (f) => {
              let done;
              try {
                done = await api(`/api/v1/publications/${p.register_id}/withdraw`, { method: "POST", body: { item: p.key, reason: f.get("reason") } });
              } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
              await caughtUp(code, p.register_id, done.version);
              notice("已撤回");
              await reload();
            }, "撤回") }, "撤回") : null))))) : h("p", {}, "尚无公开信息。"));
}

// On the project's page: whether it is 涉密, how many items of it are public, and (for the bureau's
// reviewer or admin) 标记涉密 / 取消涉密 with a reason. The server refuses marking while published.
export async function classificationPanel(projectId, tenant, who, reload) {
  const c = await api(`/api/v1/projects/${projectId}/classification`).catch(() => null);
  if (!c) return null;
  const mayAct = tenant === who.tenant && has(who, "reviewer", "admin");
  const label = c.classified ? "取消涉密" : "标记涉密";
  return h("section", { "aria-label": "涉密与公开" }, h("h2", {}, "涉密与公开"),
    h("p", { id: "classification" }, c.classified ? "本项目已标记为涉密，不得公开。" : `未标记涉密；公开中的信息 ${c.published} 项。`, " ",
      link(`/ui/tenants/${tenant}/publications`, "信息公开")),
    mayAct ? h("button", { type: "button", id: "classify", onclick: () =>
      askForm(label, [{ name: "reason", label: `${label}原因`, type: "textarea", required: true }], async (f) => {
        try {
          await api(`/api/v1/projects/${projectId}/classification`, { method: "PUT", body: { classified: !c.classified, reason: f.get("reason") } });
        } catch (err) { throw Object.assign(err, { userMessage: explain(err) }); }
        notice(`已${label}`);
        await reload();
      }, label) }, label) : null);
}
