// The JSON API. A person signs in with a password: the session is an HttpOnly cookie the browser
// sends by itself, and every change carries the session's CSRF token (from the readable
// jixiao_csrf cookie) in X-CSRF-Token. A platform token pasted on the sign-in page (operators,
// tests) is kept in sessionStorage instead and sent as a bearer header.

const KEY = "jixiao.token";

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (t) => sessionStorage.setItem(KEY, t.trim());
export const clearToken = () => sessionStorage.removeItem(KEY);
export const csrf = () => (document.cookie.split("; ").find((c) => c.startsWith("jixiao_csrf=")) || "").slice(12);
export const signedIn = () => Boolean(token() || csrf());

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = "GET", body, headers = {}, raw = false } = {}) {
  const t = token();
  const sendHeaders = t ? { Authorization: `Bearer ${t}`, ...headers } : { ...headers };
  if (!t && method !== "GET" && csrf()) sendHeaders["X-CSRF-Token"] = csrf();
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer)) {
    sendHeaders["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers: sendHeaders, body: payload, credentials: "same-origin" });
  if (res.status === 401 && path !== "/api/v1/session") {
    clearToken();
    document.cookie = "jixiao_csrf=; Max-Age=0; Path=/; SameSite=Strict";
    const problem = await res.json().catch(() => ({}));
    location.assign(`/ui/login?expired=${encodeURIComponent(problem.detail || "请重新登录")}`);
    throw new ApiError(401, problem);
  }
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => ({})));
  return raw ? res : res.json();
}

// What to tell the user. Outside one's scope the API answers 404 exactly as for a missing
// record: the UI says the same for both, and shows no data.
export function explain(err) {
  if (!(err instanceof ApiError)) return `出错了：${err.message || err}`;
  if (err.status === 404) return "不存在或无权访问";
  const row = err.problem.row ? `${err.problem.row}：` : "";
  return row + (err.problem.detail || err.message);
}

// Reads come from projections that follow the event log: after a command answered version N,
// wait until the read model has reached N before showing it.
// A record just created may not be in its read model yet (404): that is waited for too.
export async function fresh(path, version, tries = 60) {
  for (let i = 0; ; i++) {
    let body = null;
    try {
      body = await api(path);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404) || i >= tries) throw err;
    }
    if (body && (version === undefined || body.version >= version || i >= tries)) return body;
    await new Promise((r) => setTimeout(r, 100));
  }
}

let who;
export async function me() {
  if (!who) who = api("/api/v1/me");
  return who;
}
export const forget = () => { who = undefined; };

export async function signOut() {
  if (!token()) await api("/api/v1/session", { method: "DELETE" }).catch(() => null);
  clearToken();
  forget();
}
