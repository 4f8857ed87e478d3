// A bureau's accounts as its administrators manage them: people (roles, disable / enable,
// password reset) and service accounts (API tokens: issued — shown once — and revoked); and a
// person's own page (change password).

import { api, explain, signOut } from "./api.js";
import { askForm, clear, h, notice, when } from "./dom.js";
import { ROLE } from "./labels.js";
import { go } from "./main.js";

const ROLES = ["preparer", "evaluator", "reviewer", "auditor", "admin", "finance"];
const PASSWORD_RULE = "至少 10 位，含大写字母、小写字母、数字、符号中的三类，不含用户名";

function roleBoxes(prefix, chosen = []) {
  return h("fieldset", { class: "wide" }, h("legend", {}, "角色"),
    ROLES.map((r) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "roles", value: r, id: `${prefix}-${r}`, checked: chosen.includes(r) }), ROLE[r])));
}

async function act(path, method, body, message) {
  await api(path, { method, body });
  notice(message);
}

function accountRow(code, a, reload) {
  const base = `/api/v1/tenants/${code}/users/${encodeURIComponent(a.username)}`;
  const state = a.disabled ? "已停用" : a.locked_until && new Date(a.locked_until) > new Date() ? "已锁定" : "正常";
  const reason = (label, go_) => askForm(label, [{ name: "reason", label: "原因", required: true }], (f) => go_(f.get("reason")));
  const buttons = [
    h("button", { type: "button", "aria-label": `调整角色 ${a.username}`, onclick: async () => {
      const dialog = askForm(`调整角色：${a.username}`, [{ name: "reason", label: "原因", required: true }], async (f) => {
        const roles = [...document.querySelectorAll("dialog input[name=roles]:checked")].map((i) => i.value);
        await act(`${base}/roles`, "PUT", { roles, reason: f.get("reason") }, "角色已调整（该用户需重新登录）");
      });
      document.querySelector("dialog form h2").after(roleBoxes("dlg-role", a.roles));
      if (await dialog) reload();
    } }, "调整角色"),
    a.disabled || state === "已锁定"
      ? h("button", { type: "button", onclick: async () => { if (await reason(`启用 ${a.username}`, (r) => act(`${base}/enable`, "POST", { reason: r }, "账户已启用"))) reload(); } }, "启用")
      : h("button", { type: "button", onclick: async () => { if (await reason(`停用 ${a.username}`, (r) => act(`${base}/disable`, "POST", { reason: r }, "账户已停用，其会话与令牌立即失效"))) reload(); } }, "停用"),
  ];
  if (a.kind === "person" && !a.erased) {
    buttons.push(h("button", { type: "button", "aria-label": `删除个人信息 ${a.username}`, onclick: async () => {
      const ok = await askForm(`删除 ${a.username} 的个人信息（姓名、电话）：销毁其密钥，不可恢复`, [{ name: "reason", label: "原因", required: true }],
        (f) => act(`${base}/erase`, "POST", { reason: f.get("reason") }, "个人信息已删除：历史记录保留，姓名与电话显示为“已删除”"));
      if (ok) reload();
    } }, "删除个人信息"));
  }
  if (a.kind === "person") {
    buttons.push(h("button", { type: "button", onclick: async () => {
      const ok = await askForm(`重置密码：${a.username}`, [
        { name: "password", label: `新密码（${PASSWORD_RULE}）`, type: "password", required: true },
        { name: "reason", label: "原因", required: true, value: "管理员重置密码" }],
      (f) => act(`${base}/password`, "PUT", { password: f.get("password"), reason: f.get("reason") }, "密码已重置"));
      if (ok) reload();
    } }, "重置密码"));
  } else {
    buttons.push(h("button", { type: "button", onclick: async () => {
      let shownToken = null;
      const ok = await askForm(`签发 API 令牌：${a.username}`, [
        { name: "label", label: "用途（如“财政预算系统对接”）", required: true },
        { name: "days", label: "有效天数（1–366）", required: true, value: "90", inputmode: "numeric" }],
      async (f) => { shownToken = await api(`${base}/tokens`, { method: "POST", body: { label: f.get("label"), days: Number(f.get("days")) } }); });
      if (ok && shownToken) {
        await askForm("令牌已签发（只显示这一次，请立即保存）", [{ name: "t", label: `令牌 ${shownToken.token_id}`, type: "textarea", value: shownToken.token }], async () => {}, "已保存");
        reload();
      }
    } }, "签发令牌"));
  }
  return h("tr", {},
    h("td", {}, a.username), h("td", {}, a.display_name), h("td", {}, a.kind === "service" ? "系统账户" : "人员"),
    h("td", {}, a.roles.map((r) => ROLE[r] || r).join("、")), h("td", {}, state),
    h("td", {}, when(a.last_sign_in)), h("td", { class: "actions" }, buttons));
}

function tokenRow(code, t, reload) {
  const path = `/api/v1/tenants/${code}/users/${encodeURIComponent(t.username)}/tokens/${t.token_id}/revoke`;
  return h("tr", {},
    h("td", {}, t.token_id.slice(0, 8) + "…"), h("td", {}, t.username), h("td", {}, t.label),
    h("td", {}, when(t.issued_at)), h("td", {}, when(t.expires)), h("td", {}, t.revoked ? "已撤销" : "有效"),
    h("td", {}, t.revoked ? "" : h("button", { type: "button", onclick: async () => {
      const ok = await askForm(`撤销令牌 ${t.token_id.slice(0, 8)}…`, [{ name: "reason", label: "原因", required: true }],
        (f) => act(path, "POST", { reason: f.get("reason") }, "令牌已撤销，立即失效"));
      if (ok) reload();
    } }, "撤销")));
}

function newAccountForm(code, reload) {
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const field = (id, label, attrs = {}) => [h("label", { for: id }, label), h("input", { id, name: id, autocomplete: "off", ...attrs })];
  const form = h("form", { class: "stack", id: "new-account" },
    h("h2", { class: "wide" }, "登记账户"),
    ...field("username", "用户名", { required: true }), ...field("display_name", "姓名或系统名称", { required: true }),
    h("label", { for: "kind" }, "类型"),
    h("select", { id: "kind", name: "kind" }, h("option", { value: "person" }, "人员（用密码登录）"), h("option", { value: "service" }, "系统账户（用 API 令牌）")),
    ...field("password", `初始密码（人员；${PASSWORD_RULE}）`, { type: "password", autocomplete: "new-password" }),
    roleBoxes("new-role"), error,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "登记")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    const body = { username: data.get("username"), display_name: data.get("display_name"), kind: data.get("kind"), roles: data.getAll("roles") };
    if (data.get("password")) body.password = data.get("password");
    try {
      await api(`/api/v1/tenants/${code}/users`, { method: "POST", body });
      notice("账户已登记");
      reload();
    } catch (err) { error.hidden = false; error.textContent = explain(err); }
  });
  return form;
}

export async function renderAccounts(main, [code]) {
  const reload = () => setTimeout(() => go(`/ui/tenants/${code}/accounts`), 300);  // the read model follows the log
  const [tenant, accounts, tokens] = await Promise.all([
    api(`/api/v1/tenants/${code}`), api(`/api/v1/tenants/${code}/accounts`), api(`/api/v1/tenants/${code}/tokens`)]);
  clear(main,
    h("h1", {}, `${tenant.name} · 账户管理`),
    h("table", {}, h("caption", { class: "muted" }, `共 ${accounts.length} 个账户`),
      h("thead", {}, h("tr", {}, ["用户名", "姓名", "类型", "角色", "状态", "最近登录", "操作"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, accounts.map((a) => accountRow(code, a, reload)))),
    h("h2", {}, "API 令牌"),
    h("table", {}, h("thead", {}, h("tr", {}, ["编号", "系统账户", "用途", "签发时间", "到期", "状态", ""].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, tokens.length ? tokens.map((t) => tokenRow(code, t, reload)) : h("tr", {}, h("td", { colspan: 7 }, "没有令牌")))),
    newAccountForm(code, reload));
}

export async function renderMe(main, _params, _query, who) {
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  const field = (id, label, auto) => [h("label", { for: id }, label), h("input", { id, name: id, type: "password", required: true, autocomplete: auto })];
  const form = h("form", { class: "stack", id: "change-password" },
    h("h2", { class: "wide" }, "修改密码"),
    ...field("current", "当前密码", "current-password"), ...field("password", `新密码（${PASSWORD_RULE}）`, "new-password"),
    error, h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "修改")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("/api/v1/me/password", { method: "PUT", body: Object.fromEntries(new FormData(form)) });
      await signOut();
      go("/ui/login?expired=" + encodeURIComponent("密码已修改，请用新密码登录"));
    } catch (err) { error.hidden = false; error.textContent = explain(err); }
  });
  clear(main, h("h1", {}, `${who.user} · 本人账户`), h("p", {}, `角色：${who.roles.map((r) => ROLE[r] || r).join("、")}`), form);
}
