// 佐证材料: the files attached to an indicator, a deduction or a ledger entry. A button beside
// the thing shows how many there are; it opens a dialog listing them (download, remove with a
// reason) with an upload form. The file is checked by the server (type by its bytes, size);
// a refusal is shown in the dialog. Downloads are fetched with the caller's credentials and
// handed to the browser as a file: no file is ever shown inline.

import { ApiError, api, csrf, explain, token } from "./api.js";
import { clear, h } from "./dom.js";

const ACCEPT = ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.doc,.xls,.ofd,.txt,.csv";

// one request per page: how many files each (kind, key) of an evaluation or project holds
export async function evidenceCounts(owner) {
  const listed = await api(`/api/v1/evidence/of/${owner}`).catch(() => ({ files: [] }));
  const counts = new Map();
  for (const f of listed.files) counts.set(`${f.kind}/${f.key}`, (counts.get(`${f.kind}/${f.key}`) || 0) + 1);
  return counts;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

async function upload(path, form) {
  const t = token();
  const headers = t ? { Authorization: `Bearer ${t}` } : csrf() ? { "X-CSRF-Token": csrf() } : {};
  const res = await fetch(path, { method: "POST", headers, body: form, credentials: "same-origin" });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

async function download(file) {
  const res = await api(file.download, { raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = h("a", { href: url, download: file.name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// ``target``: { kind, owner, key, label } — label names the thing in Chinese (「资料规范」指标)
export function evidenceButton(target, mayEdit, counts) {
  const n = counts?.get(`${target.kind}/${target.key}`) || 0;
  const id = `evidence-${target.kind}-${target.key}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const button = h("button", { type: "button", id, class: "evidence no-print", "aria-label": `${target.label}的佐证材料（${n} 个）`,
    onclick: () => openEvidence(target, mayEdit, button) }, `佐证材料（${n}）`);
  return button;
}

export function openEvidence(target, mayEdit, button = null) {
  const path = `/api/v1/evidence/${target.kind}/${target.owner}/${encodeURIComponent(target.key)}`;
  const problem = h("p", { class: "alert", role: "alert", hidden: true });
  const status = h("p", { class: "ok", role: "status" });
  const list = h("ul", { class: "evidence-list", "aria-label": "已附佐证材料" });
  const dialog = h("dialog", { class: "evidence-panel", "aria-label": `${target.label}的佐证材料` });
  const show = (err) => { status.textContent = ""; problem.hidden = false; problem.textContent = explain(err); };

  const refresh = async () => {
    const listed = await api(path);
    if (button) {
      button.textContent = `佐证材料（${listed.files.length}）`;
      button.setAttribute("aria-label", `${target.label}的佐证材料（${listed.files.length} 个）`);
    }
    clear(list, listed.files.length ? listed.files.map((f) => h("li", {},
      h("button", { type: "button", class: "link", onclick: () => download(f).catch(show), "aria-label": `下载 ${f.name}` }, f.name),
      h("span", { class: "muted" }, ` ${size(f.size)}`, f.note ? ` · ${f.note}` : ""),
      mayEdit ? h("button", { type: "button", "aria-label": `移除 ${f.name}`, onclick: () => remove(f) }, "移除") : null,
    )) : h("li", { class: "muted" }, "尚未附佐证材料"));
  };
  const remove = (f) => {
    const reason = h("input", { id: "evidence-remove-reason", name: "reason", required: true, autocomplete: "off" });
    const form = h("form", { class: "stack" },
      h("label", { for: "evidence-remove-reason" }, `移除「${f.name}」的原因（文件保留，历史可查）`), reason,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "确认移除"),
        h("button", { type: "button", onclick: () => form.remove() }, "取消")));
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      problem.hidden = true;
      try {
        await api(`${f.download}/remove`, { method: "POST", body: { reason: reason.value } });
        form.remove();
        await refresh();
      } catch (err) { show(err); }
    });
    list.after(form);
    reason.focus();
  };
  const file = h("input", { id: "evidence-file", name: "file", type: "file", accept: ACCEPT, required: true });
  const note = h("input", { id: "evidence-note", name: "note", autocomplete: "off", maxlength: 500 });
  const uploadForm = h("form", { class: "stack" },
    h("label", { for: "evidence-file" }, "选择文件（PDF、图片、Word、Excel、OFD、文本；不超过 20 MB）"), file,
    h("label", { for: "evidence-note" }, "说明（可选）"), note,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "上传")));
  uploadForm.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    problem.hidden = true;
    const data = new FormData();
    if (!file.files.length) return;
    data.append("file", file.files[0]);
    if (note.value.trim()) data.append("note", note.value.trim());
    try {
      const made = await upload(path, data);
      uploadForm.reset();
      await refresh();
      status.textContent = `已上传「${made.name}」（SHA-256 ${made.sha256.slice(0, 12)}…）`;
    } catch (err) { show(err); }
  });
  dialog.append(h("h2", {}, `${target.label}的佐证材料`), problem, status, list, mayEdit ? uploadForm : null,
    h("div", { class: "actions" }, h("button", { type: "button", onclick: () => dialog.close() }, "关闭")));
  dialog.addEventListener("close", () => { dialog.remove(); button?.focus(); });
  document.body.append(dialog);
  dialog.showModal();
  refresh().catch(show);
}
