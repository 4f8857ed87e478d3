// Excel out (the .xlsx 评分表 / 自评表) and in (a filled template into this evaluation). The file
// goes to the server as it is; the server reads it and answers per row.

import { api, explain } from "./api.js";
import { h, notice } from "./dom.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const results = new Map();  // evaluation id → the last import's answer, kept across re-renders

function filename(res) {
  const header = res.headers.get("Content-Disposition") || "";
  const star = header.match(/filename\*=UTF-8''([^;]+)/);
  return star ? decodeURIComponent(star[1]) : "评分表.xlsx";
}

// Any file the API answers (a report, a summary): saved under the name the server gives it.
export async function download(path, fallback) {
  try {
    const res = await api(path, { raw: true });
    const star = (res.headers.get("Content-Disposition") || "").match(/filename\*=UTF-8''([^;]+)/);
    const url = URL.createObjectURL(await res.blob());
    const a = h("a", { href: url, download: star ? decodeURIComponent(star[1]) : fallback });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    notice("已下载");
  } catch (err) { notice(explain(err)); }
}

export function exportButton(base, fail) {
  return h("button", { type: "button", onclick: async () => {
    try {
      const res = await api(`${base}/export.xlsx`, { raw: true });
      const url = URL.createObjectURL(await res.blob());
      const a = h("a", { href: url, download: filename(res) });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      notice("已导出 Excel");
    } catch (err) { fail(err); }
  } }, "导出 Excel");
}

export function importControl(base, id, fail, reload) {
  const input = h("input", { id: "import-file", type: "file", accept: `.xlsx,${XLSX}` });
  input.addEventListener("change", async () => {
    const file = input.files[0];
    if (!file) return;
    try {
      const answer = await api(`${base}/import.xlsx`, {
        method: "POST", body: await file.arrayBuffer(),
        headers: { "Content-Type": XLSX, "X-Filename": encodeURIComponent(file.name) },
      });
      results.set(id, answer);
      notice(`已导入：总分 ${answer.total}（${answer.grade}）`);
      await reload(answer);
    } catch (err) { fail(err); }
  });
  return h("span", {}, h("label", { for: "import-file" }, "导入 Excel 评分表"), " ", input);
}

export function importResult(id) {
  const r = results.get(id);
  if (!r) return null;
  const refused = r.refusals.length;
  return h("section", { class: refused ? "banner" : "okay", "aria-label": "导入结果" },
    h("p", {}, `导入结果：共 ${r.rows} 行指标，${refused ? `${refused} 处未录入` : "全部录入"}；导入后总分 ${r.total}（${r.grade}）。`),
    refused ? h("table", {}, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "行"), h("th", { scope: "col" }, "未录入的原因"), h("th", { scope: "col" }, "代码"))),
      h("tbody", {}, r.refusals.map((x) => h("tr", {}, h("td", {}, x.row), h("td", {}, x.message), h("td", { class: "muted" }, x.code))))) : null,
    r.flags.length ? h("ul", { class: "flags", "aria-label": "导入后的提示" }, r.flags.map((f) => h("li", {}, f.message))) : null);
}
