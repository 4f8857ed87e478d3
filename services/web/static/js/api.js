// The JSON API with the platform token as a bearer header (no cookies, so no CSRF to defend).
// The token lives in sessionStorage: closing the tab signs out.

const KEY = "jixiao.token";

export const token = () => sessionStorage.getItem(KEY);
export const setToken = (t) => sessionStorage.setItem(KEY, t.trim());
export const clearToken = () => sessionStorage.removeItem(KEY);

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function api(path, { method = "GET", body, headers = {}, raw = false } = {}) {
  const t = token();
  const sendHeaders = { Authorization: `Bearer ${t}`, ...headers };
  let payload = body;
  if (body !== undefined && !(body instanceof Blob) && !(body instanceof ArrayBuffer)) {
    sendHeaders["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers: sendHeaders, body: payload });
  if (res.status === 401) {
    clearToken();
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
