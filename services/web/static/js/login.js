// Sign-in: 单位代码, 用户名 and 密码 (a session cookie), or — for operators and tests — a
// platform token (a sign-in link carries it in the URL fragment, which browsers never send).

import { api, clearToken, explain, forget, setToken } from "./api.js";
import { clear, h } from "./dom.js";
import { go } from "./main.js";

const field = (id, label, attrs = {}) => [h("label", { for: id }, label), h("input", { id, name: id, required: true, ...attrs })];

export async function renderLogin(main, _params, query) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("token")) {
    setToken(fragment.get("token"));
    history.replaceState({}, "", "/ui/login");  // the token leaves the address bar and history
    forget();
    return go("/ui/");
  }
  const error = h("p", { class: "alert wide", role: "alert", hidden: true });
  if (query.get("expired")) { error.hidden = false; error.textContent = query.get("expired"); }
  const form = h("form", { class: "stack", id: "sign-in" },
    ...field("tenant", "单位代码", { inputmode: "numeric", autocomplete: "organization", pattern: "[0-9]{6}", title: "六位行政区划代码，如 360100" }),
    ...field("username", "用户名", { autocomplete: "username" }),
    ...field("password", "密码", { type: "password", autocomplete: "current-password" }),
    error,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "登录")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearToken();
    forget();
    try {
      await api("/api/v1/session", { method: "POST", body: Object.fromEntries(new FormData(form)) });
      await go("/ui/");
    } catch (err) {
      error.hidden = false;
      error.textContent = explain(err);
      form.querySelector("#password").value = "";
      form.querySelector("#password").focus();
    }
  });
  const tokenForm = h("form", { class: "stack" },
    h("label", { for: "token" }, "平台令牌"),
    h("textarea", { id: "token", name: "token", rows: 4, required: true, autocomplete: "off", spellcheck: "false" }),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "用令牌登录")));
  tokenForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    setToken(new FormData(tokenForm).get("token"));
    forget();
    try {
      await api("/api/v1/me");
      await go("/ui/");
    } catch (err) {
      clearToken();
      error.hidden = false;
      error.textContent = err.status === 401 ? "令牌无效或已过期" : explain(err);
    }
  });
  const options = await api("/api/v1/session/options").catch(() => ({ oidc: false }));
  clear(main,
    h("h1", {}, "登录"),
    form,
    options.oidc ? h("p", {}, h("a", { href: "/api/v1/session/oidc", class: "button", id: "sso" }, "使用本单位统一身份认证登录")) : null,
    h("details", {}, h("summary", {}, "使用平台令牌登录（运维与系统对接）"),
      h("p", { class: "muted" }, "由管理员用 jixiao token issue 签发，或 jixiao up 打印的演示令牌。"), tokenForm));
  document.getElementById("tenant").focus();
}
