// Sign-in with a platform token (printed by `jixiao up` and `jixiao token issue`). A sign-in
// link carries it in the URL fragment, which browsers never send to the server.

import { api, clearToken, explain, forget, setToken } from "./api.js";
import { clear, h } from "./dom.js";
import { go } from "./main.js";

export async function renderLogin(main, _params, query) {
  const fragment = new URLSearchParams(location.hash.slice(1));
  if (fragment.get("token")) {
    setToken(fragment.get("token"));
    history.replaceState({}, "", "/ui/login");  // the token leaves the address bar and history
    forget();
    return go("/ui/");
  }
  const error = h("p", { class: "alert", role: "alert", hidden: true });
  if (query.get("expired")) { error.hidden = false; error.textContent = query.get("expired"); }
  const form = h("form", { class: "stack" },
    h("label", { for: "token" }, "平台令牌"),
    h("textarea", { id: "token", name: "token", rows: 4, required: true, autocomplete: "off", spellcheck: "false" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "登录")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    setToken(new FormData(form).get("token"));
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
  clear(main,
    h("h1", {}, "登录"),
    h("p", {}, "请粘贴平台令牌（由 jixiao up 打印的演示令牌，或管理员用 jixiao token issue 签发）。"),
    error, form);
  document.getElementById("token").focus();
}
