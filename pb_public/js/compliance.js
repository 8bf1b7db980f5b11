// Compliance dashboard (D2, D5): where each supplier stands for each type
// the customer collects, and the collected types themselves.
import { currentLang, t } from "./i18n.js";
import { ALL_ROWS, PAGE_SIZE, api, badge, download, documentLink, dutyBadge, el, errorText, flash, formatDate, pager, partnersMatching, pbString, records, searchableSelect, startPage, supplierURL, typeName } from "./api.js";

async function show(id) {
  if (!id) return;
  await pager(document.getElementById("compliance"), (page) => showPage(id, page));
  await showCollected(id);
}

const STATUSES = ["valid", "expiring", "expired", "missing"];

// statusChart draws the summary as one bar cut in proportion to each status
// (U2): how much of what is collected is valid shows at a glance, and a
// screen reader reads the counts.
function statusChart(summary) {
  const total = STATUSES.reduce((n, s) => n + (summary[s] || 0), 0);
  const label = STATUSES.map((s) => `${t("status." + s)} : ${summary[s] || 0}`).join(", ");
  const bar = el("div", { class: "status-chart", role: "img", "aria-label": label });
  for (const s of STATUSES) {
    const n = summary[s] || 0;
    if (n === 0) continue;
    const part = el("span", { class: "part " + s, dataset: { status: s }, title: `${t("status." + s)} : ${n}` });
    part.style.flexGrow = String(n);
    part.style.flexBasis = "0";
    bar.append(part);
  }
  if (total === 0) bar.append(el("span", { class: "part empty" }));
  return bar;
}

// One page of suppliers, each with a row per collected type; the summary
// counts all of them.
async function showPage(id, page) {
  try {
    const q = new URLSearchParams({ page: String(page), perPage: String(PAGE_SIZE) });
    for (const [k, v] of new FormData(document.getElementById("compliance-filter"))) {
      if (v.trim() && !(k === "sort" && v === "name")) q.set(k, v.trim());
    }
    const res = await api("GET", `/api/vigie/establishments/${encodeURIComponent(id)}/compliance?${q}`);
    document.getElementById("compliance-count").textContent = t(res.totalSuppliers === 1 ? "filter.oneSupplier" : "filter.suppliers").replace("{n}", String(res.totalSuppliers));
    const duties = new Map((res.suppliers || []).map((d) => [d.supplier, d]));
    const rows = res.items.map((it) => el("tr", { dataset: { supplier: it.supplier.siret, type: it.type.code, status: it.status } },
      el("td", {}, el("a", { href: supplierURL(id, it.supplier.id), class: "supplier-link" }, it.supplier.name), " ", dutyBadge(duties.get(it.supplier.id))), el("td", {}, it.supplier.siret), el("td", {}, it.type.name),
      el("td", {}, badge(it.status)), el("td", {}, it.validUntil ? formatDate(it.validUntil) : "—"),
      el("td", {}, it.document ? documentLink(it.document) : "—")));
    document.querySelector("#compliance tbody").replaceChildren(...rows);
    document.getElementById("no-compliance").hidden = rows.length > 0 || page > 1;
    document.getElementById("summary").replaceChildren(
      statusChart(res.summary),
      ...STATUSES.map((s) => el("span", { class: "count", dataset: { status: s } }, badge(s), " " + res.summary[s])));
    return page * PAGE_SIZE < res.totalSuppliers;
  } catch (err) {
    document.querySelector("#compliance tbody").replaceChildren();
    document.getElementById("summary").replaceChildren();
    throw err;
  }
}

// The types this customer collects, from all suppliers or one (D2).
async function showCollected(id) {
  const [typeRes] = await Promise.all([
    records("document_types", { sort: "name", perPage: ALL_ROWS }),
    pager(document.getElementById("collected"), async (page) => {
      const reqs = await records("requirements", { filter: `customer = ${pbString(id)}`, expand: "type,supplier", page: String(page) });
      document.getElementById("collected").replaceChildren(...reqs.items.map((r) => el("li", { dataset: { type: r.expand.type.code } },
        typeName(r.expand.type) + " — " + (r.expand.supplier ? r.expand.supplier.name : t("compliance.allSuppliers")) + " ",
        el("button", { type: "button", onclick: () => removeRequirement(r.id) }, t("compliance.remove")))));
      return reqs.items.length === PAGE_SIZE;
    }),
    searchableSelect(document.getElementById("collect").supplier, async (q) => {
      const all = el("option", { value: "" }, t("compliance.allSuppliers"));
      if (q) return [all, ...(await partnersMatching(id, q)).map((e) => el("option", { value: e.id }, e.name))];
      const rels = await records("relationships", { filter: `customer = ${pbString(id)} && status = "active"`, expand: "supplier" });
      return [all, ...rels.items.map((r) => el("option", { value: r.supplier }, r.expand.supplier.name))];
    }),
  ]);
  const form = document.getElementById("collect");
  const own = typeRes.items.filter((ty) => !ty.owner || ty.owner === id);
  form.type.replaceChildren(...own.map((ty) => el("option", { value: ty.id, dataset: { code: ty.code } }, typeName(ty))));
  const filterType = document.getElementById("compliance-filter").type;
  const chosen = filterType.value;
  filterType.replaceChildren(el("option", { value: "" }, t("filter.allTypes")),
    ...own.map((ty) => el("option", { value: ty.id, dataset: { code: ty.code } }, typeName(ty))));
  filterType.value = own.some((ty) => ty.id === chosen) ? chosen : "";
}

// refilter shows the first page of what the filters now ask; the search
// box waits for a pause in typing.
let refilterTimer = null;
function refilter(delay) {
  clearTimeout(refilterTimer);
  refilterTimer = setTimeout(() => {
    const id = document.getElementById("customer").value;
    if (id) pager(document.getElementById("compliance"), (page) => showPage(id, page)).catch((err) => flash(errorText(err), true));
  }, delay);
}

// exportCSV downloads every cell the filters keep as a CSV (X2), in the
// page's language: fetched with the session's token, then saved.
async function exportCSV() {
  const id = document.getElementById("customer").value;
  if (!id) return;
  const q = new URLSearchParams({ format: "csv", lang: currentLang() });
  for (const [k, v] of new FormData(document.getElementById("compliance-filter"))) {
    if (v.trim() && !(k === "sort" && v === "name")) q.set(k, v.trim());
  }
  try {
    await download(`/api/vigie/establishments/${encodeURIComponent(id)}/compliance?${q}`, t("compliance.exportFile"));
  } catch (err) {
    flash(errorText(err), true);
  }
}

async function addRequirement(ev) {
  ev.preventDefault();
  const form = ev.target;
  try {
    await api("POST", "/api/collections/requirements/records",
      { customer: document.getElementById("customer").value, type: form.type.value, supplier: form.supplier.value });
    flash(t("company.saved"));
    await show(document.getElementById("customer").value);
  } catch (err) {
    flash(errorText(err), true);
  }
}

async function removeRequirement(id) {
  try {
    await api("DELETE", `/api/collections/requirements/records/${id}`);
    await show(document.getElementById("customer").value);
  } catch (err) {
    flash(errorText(err), true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("collect").addEventListener("submit", addRequirement);
  const filter = document.getElementById("compliance-filter");
  filter.addEventListener("submit", (ev) => { ev.preventDefault(); refilter(0); });
  document.getElementById("compliance-export").addEventListener("click", exportCSV);
  filter.addEventListener("change", () => refilter(0));
  filter.q.addEventListener("input", () => refilter(300));
  startPage("customer", show);
});
