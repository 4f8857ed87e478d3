// Building the page from data without innerHTML: every text from the API becomes a text node,
// so a name or a reason can never turn into markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// Decimal strings from the API, grouped by thousands and shown with 2 decimals (as the forms
// print amounts), by string operations only: no float ever.
export function money(text) {
  if (text === null || text === undefined || text === "") return "—";
  const [whole, frac = ""] = String(text).split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = whole.replace("-", "").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${digits || "0"}.${(frac + "00").slice(0, Math.max(2, frac.replace(/0+$/, "").length))}`;
}

export function pct(text) {
  return text === null || text === undefined ? "—" : `${text}%`;
}

export function shown(text) {
  return text === null || text === undefined || text === "" ? "—" : String(text);
}

export function when(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  const two = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function link(href, ...children) {
  return h("a", { href, "data-link": true }, ...children);
}

let noticeTimer;
export function notice(text) {
  const el = document.getElementById("notice");
  el.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { el.textContent = ""; }, 4000);
}

// A modal form: focus goes to its first field, Esc cancels, Enter submits. ``submit`` gets the
// FormData; when it throws, its message is shown in the dialog (role=alert) and the form stays
// open for a correction. Resolves true once submitted successfully, false when cancelled.
export function askForm(title, fields, submit, submitLabel = "确定") {
  return new Promise((resolve) => {
    const inputs = fields.map((f, i) => {
      const id = `dlg-${i}`;
      const input = f.type === "textarea"
        ? h("textarea", { id, name: f.name, rows: 3, required: f.required })
        : h("input", { id, name: f.name, type: f.type || "text", required: f.required, inputmode: f.inputmode, autocomplete: "off" });
      if (f.value !== undefined && f.value !== null) input.value = f.value;
      return [h("label", { for: id }, f.label), input];
    });
    const error = h("p", { class: "alert wide", role: "alert", hidden: true });
    const dialog = h("dialog", { "aria-label": title });
    const form = h("form", { class: "stack" },
      h("h2", { class: "wide" }, title), ...inputs.flat(), error,
      h("div", { class: "actions" },
        h("button", { type: "submit", class: "primary" }, submitLabel),
        h("button", { type: "button", onclick: () => dialog.close() }, "取消")));
    dialog.append(form);
    let done = false;
    const opener = document.activeElement?.id;  // re-rendering replaces it: found again by id on close
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await submit(new FormData(form));
        done = true;
        dialog.close();
      } catch (err) {
        error.hidden = false;
        error.textContent = err.userMessage || err.message || String(err);
      }
    });
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener) document.getElementById(opener)?.focus();
      resolve(done);
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}
