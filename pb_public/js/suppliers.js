// "My suppliers" (N1-N3, N6): a customer's suppliers with their reference
// contacts, adding one through the directory, and the bulk import report.
import { t } from "./i18n.js";
import { ApiError, PAGE_SIZE, api, apiLines, auth, el, errorText, exportList, fieldError, flash, formatNumber, myMemberships, pager, requireSignIn, signOut, supplierURL } from "./api.js";

let customers = [];

function currentCustomer() {
  return document.getElementById("customer").value;
}

async function loadCustomers() {
  customers = await myMemberships();
  const select = document.getElementById("customer");
  select.replaceChildren(...customers.map((m) => el("option", { value: m.establishment }, m.expand.establishment.name)));
}

// showSuppliers lists the customer's suppliers through the list route,
// which searches, sorts and counts at 20,000 suppliers (U1).
async function showSuppliers() {
  const id = currentCustomer();
  if (!id) return;
  await pager(document.getElementById("suppliers"), async (page) => {
    const q = new URLSearchParams({ page: String(page), perPage: String(PAGE_SIZE) });
    for (const [k, v] of new FormData(document.getElementById("suppliers-filter"))) {
      if (v.trim()) q.set(k, v.trim());
    }
    const res = await api("GET", `/api/vigie/establishments/${encodeURIComponent(id)}/suppliers?${q}`);
    document.getElementById("suppliers-count").textContent =
      t(res.totalItems === 1 ? "filter.oneSupplier" : "filter.suppliers").replace("{n}", formatNumber(res.totalItems));
    const rows = res.items.map((r) => {
      const s = (r.expand && r.expand.supplier) || {};
      const refs = ((r.expand && r.expand.referents) || []).map((u) =>
        `${u.firstName || ""} ${u.lastName || ""} <${u.email}>${u.phone ? " " + u.phone : ""}`.trim());
      return el("tr", { dataset: { siret: s.siret || "" } },
        el("td", {}, el("a", { href: supplierURL(id, r.supplier), class: "supplier-link" }, s.name || ""),
          s.closedAt ? [" ", el("span", { class: "badge expired", dataset: { closed: "1" } }, t("supplier.closed"))] : []),
        el("td", {}, s.siret || ""), el("td", {}, s.city || ""),
        el("td", {}, refs.length || !r.invitedContact ? refs.join(", ") : `${r.invitedContact} (${t("suppliers.invited")})`));
    });
    document.querySelector("#suppliers tbody").replaceChildren(...rows);
    document.getElementById("no-suppliers").hidden = rows.length > 0 || page > 1;
    return page < res.totalPages;
  });
}

// refilterSuppliers shows the first page of what the search and sort now
// ask; the search box waits for a pause in typing.
let refilterTimer = null;
function refilterSuppliers(delay) {
  clearTimeout(refilterTimer);
  refilterTimer = setTimeout(() => showSuppliers().catch((err) => flash(errorText(err), true)), delay);
}

let searchTimer = null;
function searchDirectory(q) {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(async () => {
    const list = document.getElementById("directory-results");
    if (q.trim().length < 2) return list.replaceChildren();
    try {
      const res = await api("GET", "/api/vigie/directory?q=" + encodeURIComponent(q));
      list.replaceChildren(...res.items.map((e) => el("li", {},
        el("button", { type: "button", class: "link", dataset: { siret: e.siret }, onclick: () => pick(e) }, t("suppliers.pick")),
        ` ${e.name} — ${e.siret} — ${e.postalCode} ${e.city} — ${e.active ? t("suppliers.active") : t("suppliers.closed")}`)));
    } catch (err) {
      flash(errorText(err), true);
    }
  }, 250);
}

function pick(entry) {
  document.querySelector("#add-supplier [name=siret]").value = entry.siret;
  document.querySelector("#add-supplier [name=email]").focus();
}

async function addSupplier(ev) {
  ev.preventDefault();
  const f = ev.target;
  try {
    const res = await api("POST", `/api/vigie/establishments/${currentCustomer()}/suppliers`, {
      siret: f.siret.value,
      contact: { email: f.email.value, firstName: f.firstName.value, lastName: f.lastName.value },
    });
    f.reset();
    const said = { created: "suppliers.added", linked: "suppliers.linked", already_present: "suppliers.alreadyPresent" };
    flash([t(said[res.status] || "suppliers.added")].concat(res.invitation ? [t("suppliers.invitationSent")] : []).join(" "));
    await showSuppliers();
  } catch (err) {
    flash(errorText(err), true);
  }
}

async function importFile(ev) {
  ev.preventDefault();
  const data = new FormData(ev.target);
  const button = ev.target.querySelector("button[type=submit]");
  const summary = document.getElementById("import-summary");
  button.disabled = true;
  ev.target.setAttribute("aria-busy", "true");
  summary.textContent = t("import.running");
  const progress = document.getElementById("import-progress");
  progress.removeAttribute("value"); // moving, until the server counts
  progress.hidden = false;
  try {
    let res = null;
    await apiLines("POST", `/api/vigie/establishments/${currentCustomer()}/suppliers/import`, data, (line) => {
      if (line.report) res = line.report;
      if (!line.progress) return;
      progress.max = Math.max(line.progress.total, 1);
      progress.value = line.progress.done;
      summary.textContent = t("import.progress") + " " + t("import.rows")
        .replace("{done}", formatNumber(line.progress.done)).replace("{total}", formatNumber(line.progress.total));
    });
    if (!res) throw new Error("no report");
    const s = res.summary;
    document.getElementById("import-summary").textContent = ["created", "linked", "already_present", "invalid"]
      .map((k) => `${t("status." + k)}: ${s[k] || 0}`).join(" · ");
    const report = document.getElementById("import-report");
    // U3: errors first, then the file's order; the whole report downloads.
    const rows = [...res.rows].sort((a, b) => (a.status === "invalid" ? 0 : 1) - (b.status === "invalid" ? 0 : 1) || a.line - b.line);
    report.querySelector("tbody").replaceChildren(...rows.map((r) => el("tr", { class: "row-" + r.status, dataset: { line: r.line } },
      el("td", {}, String(r.line)), el("td", {}, r.siret), el("td", {}, t("status." + r.status)), el("td", {}, reason(r)))));
    report.hidden = false;
    offerReport(rows);
    await showSuppliers();
  } catch (err) {
    summary.textContent = "";
    flash(errorText(err), true);
  } finally {
    button.disabled = false;
    progress.hidden = true;
    ev.target.removeAttribute("aria-busy");
  }
}

// reason says why an import row was refused, in the page's language.
function reason(r) {
  if (r.errors && r.errors.length) return r.errors.map((e) => fieldError(e.field, e.code, e.message)).join(" ; ");
  return r.error || "";
}

// reportCSV is the import report as a CSV that French spreadsheets open as
// is (UTF-8 with BOM, ";"); cells a spreadsheet would take for a formula
// are kept as text.
function reportCSV(rows) {
  const cell = (v) => {
    let s = String(v == null ? "" : v);
    if (/^[=+\-@]/.test(s)) s = "'" + s;
    return /[";\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const head = [t("suppliers.line"), "SIRET", t("suppliers.status"), t("suppliers.reason")];
  const lines = [head].concat(rows.map((r) => [r.line, r.siret, t("status." + r.status), reason(r)]));
  return "\ufeff" + lines.map((l) => l.map(cell).join(";")).join("\r\n") + "\r\n";
}

let lastReport = [];

function offerReport(rows) {
  lastReport = rows;
  const link = document.getElementById("import-download");
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([reportCSV(rows)], { type: "text/csv;charset=utf-8" }));
  link.hidden = false;
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!requireSignIn()) return;
  document.getElementById("whoami").textContent = auth.user.email;
  document.getElementById("signout").addEventListener("click", signOut);
  document.getElementById("customer").addEventListener("change", showSuppliers);
  document.getElementById("directory-q").addEventListener("input", (ev) => searchDirectory(ev.target.value));
  document.getElementById("add-supplier").addEventListener("submit", addSupplier);
  document.getElementById("import").addEventListener("submit", importFile);
  document.getElementById("suppliers-export").addEventListener("click", () => exportList("suppliers", currentCustomer(), "suppliers-filter"));
  const filter = document.getElementById("suppliers-filter");
  filter.addEventListener("submit", (ev) => { ev.preventDefault(); refilterSuppliers(0); });
  filter.sort.addEventListener("change", () => refilterSuppliers(0));
  filter.q.addEventListener("input", () => refilterSuppliers(300));
  try {
    await loadCustomers();
    await showSuppliers();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut();
    flash(errorText(err), true);
  }
});
