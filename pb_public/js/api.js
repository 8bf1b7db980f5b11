// Vigie pages: a thin client of the REST API. The token lives in
// sessionStorage (OWASP ASVS 3.2.3): it dies with the tab instead of staying
// on disk after the browser closes. Every call sends it and turns an error
// answer into an exception that carries PocketBase's {status, message, data}.
import { currentLang, has, t } from "./i18n.js";

export const auth = {
  get token() { return sessionStorage.getItem("vigie.token") || ""; },
  get user() { try { return JSON.parse(sessionStorage.getItem("vigie.user")); } catch { return null; } },
  save(token, user) {
    sessionStorage.setItem("vigie.token", token);
    sessionStorage.setItem("vigie.user", JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem("vigie.token");
    sessionStorage.removeItem("vigie.user");
  },
};

export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || "HTTP " + status);
    this.status = status;
    this.body = body || {};
  }
}

export async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (auth.token) headers.Authorization = auth.token;
  const init = { method, headers };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// apiLines sends a request whose answer is NDJSON (a long job telling its
// progress, U3) and calls onLine with each line as it arrives; a line
// holding an error rejects, as a refused request does.
export async function apiLines(method, path, body, onLine) {
  const headers = { Accept: "application/x-ndjson" };
  if (auth.token) headers.Authorization = auth.token;
  const res = await fetch(path, { method, headers, body });
  if (!res.ok) {
    const text = await res.text();
    throw new ApiError(res.status, text ? JSON.parse(text) : null);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  for (;;) {
    const { value, done } = await reader.read();
    pending += value || "";
    const lines = pending.split("\n");
    pending = done ? "" : lines.pop();
    for (const line of lines) {
      if (!line.trim()) continue;
      const data = JSON.parse(line);
      if (data.error) throw new ApiError(data.error.status || 500, data.error);
      onLine(data);
    }
    if (done) return;
  }
}

// download fetches path with the session's token and saves the answer as
// file (the CSV exports, X2): a plain link would carry no token.
export async function download(path, file) {
  const headers = {};
  if (auth.token) headers.Authorization = auth.token;
  const res = await fetch(path, { headers });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  const link = el("a", { href: URL.createObjectURL(await res.blob()), download: file });
  document.body.append(link);
  link.click();
  link.remove();
}

// exportList downloads a list of suppliers or customers (side) of
// establishment id as a CSV, with the search and sort of the form filterId.
export async function exportList(side, id, filterId) {
  if (!id) return;
  const q = new URLSearchParams({ format: "csv", lang: currentLang() });
  for (const [k, v] of new FormData(document.getElementById(filterId))) {
    if (v.trim()) q.set(k, v.trim());
  }
  try {
    await download(`/api/vigie/establishments/${encodeURIComponent(id)}/${side}?${q}`, t("list.exportFile." + side));
  } catch (err) {
    flash(errorText(err), true);
  }
}

// PAGE_SIZE rows a list shows at a time (U1); lists that feed a select of a
// few rows (my memberships, document types, members) ask ALL_ROWS.
export const PAGE_SIZE = 50;
export const ALL_ROWS = "200";

export function records(collection, params) {
  const q = new URLSearchParams(Object.assign({ perPage: String(PAGE_SIZE), skipTotal: "1" }, params || {}));
  return api("GET", `/api/collections/${collection}/records?${q}`);
}

// pager shows the list of a table page by page (U1). load(page) fetches
// page `page` (from 1), renders it and resolves to whether a next page may
// exist. The lists skip their total (counting every row costs more than the
// page), so the next button stays while a page comes back full. Calling
// pager again on the same table (another establishment) starts at page 1.
export const pagers = new Map();
export function pager(table, load) {
  let p = pagers.get(table);
  if (!p) {
    p = { page: 1 };
    p.prev = el("button", { type: "button", class: "pager-prev", onclick: () => go(p, p.page - 1) }, t("pager.prev"));
    p.label = el("span", { class: "pager-page", "aria-live": "polite" });
    p.next = el("button", { type: "button", class: "pager-next", onclick: () => go(p, p.page + 1) }, t("pager.next"));
    p.nav = el("nav", { class: "pager", "aria-label": t("pager.label") }, p.prev, p.label, p.next);
    table.after(p.nav);
    pagers.set(table, p);
  }
  p.load = load;
  return go(p, 1);
}

export async function go(p, page) {
  if (page < 1) return;
  p.prev.disabled = p.next.disabled = true;
  let more;
  try {
    more = await p.load(page);
  } catch (err) {
    flash(errorText(err), true);
    more = false;
  }
  p.page = page;
  p.label.textContent = t("pager.page").replace("{n}", String(page));
  p.prev.disabled = page <= 1;
  p.next.disabled = !more;
  p.nav.hidden = page === 1 && !more;
}

// searchableSelect fills select with fetch(query)'s options, again as the
// person types in a search box put before it: a customer with 20,000
// suppliers cannot pick one from a list of them all.
export function searchableSelect(select, fetch) {
  let box = select.previousElementSibling;
  if (!box || !box.classList.contains("select-search")) {
    box = el("input", { type: "search", class: "select-search", autocomplete: "off", "aria-label": t("pager.search") });
    box.placeholder = t("pager.search");
    select.before(box);
    let timer = null;
    box.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => select.fill(box.value.trim()).catch((err) => flash(errorText(err), true)), 250);
    });
  }
  box.value = "";
  select.fill = async (q) => select.replaceChildren(...(await fetch(q)));
  return select.fill("");
}

// partnersMatching lists the establishments the caller works with (its
// partners, by the establishments rule) whose SIRET (digits) or name holds
// q, for a picker; the server checks the relationship of what is picked.
// Not a filter over a relationship's establishment: PocketBase joins a
// relation through json_each, which reads every establishment per row.
export async function partnersMatching(self, q) {
  const digits = q.replace(/\s/g, "");
  const term = /^\d+$/.test(digits) ? `siret ~ ${pbLike(digits)}` : `name ~ ${pbLike(q)}`;
  const res = await records("establishments", { filter: `id != ${pbString(self)} && ${term}`, sort: "name" });
  return res.items;
}

// pbLike quotes a value for a PocketBase ~ (contains) filter.
export function pbLike(v) {
  return pbString(String(v).replace(/[%_]/g, ""));
}

// pbString quotes a value for a PocketBase filter.
export function pbString(v) {
  return '"' + String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

export function requireSignIn() {
  if (!auth.token) {
    location.href = "/";
    return false;
  }
  return true;
}

// formatDate shows a stored date (YYYY-MM-DD…, UTC) as a calendar day in
// the page's language; formatTime shows an instant in the user's time zone
// (U4).
export function locale() {
  return currentLang() === "en" ? "en-GB" : "fr-FR";
}

export function parseStored(v) {
  const d = new Date(String(v).replace(" ", "T"));
  return isNaN(d) ? null : d;
}

export function formatDate(v) {
  const d = v && parseStored(v);
  return d ? d.toLocaleDateString(locale(), { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" }) : "";
}

// formatNumber writes a count as the page's language does ("20 000").
export function formatNumber(n) {
  return Number(n || 0).toLocaleString(locale());
}

export function formatTime(v) {
  const d = v && parseStored(v);
  return d ? d.toLocaleString(locale(), { dateStyle: "medium", timeStyle: "short" }) : "";
}

// errorText says what went wrong in the page's language (U4): each field
// error from its code, the rest from the status. The server's own English
// text is shown only on English pages, and only where no code applies.
export function errorText(err) {
  if (!(err instanceof ApiError)) return t("error.generic");
  const fields = [];
  collectFieldErrors(err.body.data, "", fields);
  if (fields.length) return (err.status === 400 ? [t("error.invalid")] : []).concat(fields).join(" — ");
  const code = err.body.data && err.body.data.code;
  if (code && has("code." + code)) return t("code." + code);
  if (currentLang() === "en" && err.body.message) return err.body.message;
  return has("error.status." + err.status) ? t("error.status." + err.status) : t("error.generic");
}

// withParams fills a message's {name} slots from an error's params, dates
// in the page's language.
export function withParams(text, params) {
  return text.replace(/\{(\w+)\}/g, (slot, name) => {
    const v = params && params[name];
    if (v == null) return slot;
    return /^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? formatDate(v) : String(v);
  });
}

// collectFieldErrors flattens PocketBase's nested field errors
// ({contact: {email: {code, message}}}) into "label: text" lines.
export function collectFieldErrors(data, path, out) {
  for (const [name, v] of Object.entries(data || {})) {
    if (!v || typeof v !== "object") continue; // details such as a capability name, not errors
    const field = path ? `${path}.${name}` : name;
    if (!("code" in v) && !("message" in v)) {
      collectFieldErrors(v, field, out);
      continue;
    }
    out.push(fieldError(field, v.code, v.message, v.params));
  }
}

// fieldError says in the page's language that field was refused, from the
// error's code; the server's English message only on an English page.
export function fieldError(field, code, message, params) {
  let text = has("code." + code) ? withParams(t("code." + code), params) : "";
  if (!text) text = currentLang() === "en" && message ? message : t("error.fieldRefused");
  return field ? `${has("field." + field) ? t("field." + field) : field} : ${text}` : text;
}

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  });
  children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c ?? "")));
  return e;
}

// flash shows a status line in the page's #flash element.
export function flash(text, isError) {
  const f = document.getElementById("flash");
  f.textContent = text;
  f.className = isError ? "flash error" : "flash";
  f.hidden = false;
}

export async function signOut() {
  try { await api("POST", "/api/vigie/auth/logout"); } catch { /* the session ends anyway */ }
  auth.clear();
  location.href = "/";
}

// startPage runs a signed-in page built around one establishment: the
// header, the user's establishments in the select selectId, and
// show(id, membership) for the chosen one, again on each change.
// myMemberships is the signed-in user's memberships with their
// establishments, loaded once per page (force reloads them).
export let membershipsLoaded = null;
export function myMemberships(force) {
  if (force || !membershipsLoaded) {
    membershipsLoaded = records("memberships", { filter: `user = ${pbString(auth.user.id)}`, expand: "establishment", perPage: ALL_ROWS })
      .then((res) => res.items);
    membershipsLoaded.catch(() => { membershipsLoaded = null; });
  }
  return membershipsLoaded;
}

// The pages each profile may use (U5; the server decides anyway): a link
// shows when one of the user's memberships opens its page.
export const PARTNER_VIEWERS = ["admin", "full_access", "processing", "processing_archive", "feedback"];
export const NAV_RULES = {
  "/suppliers.html": (m) => PARTNER_VIEWERS.includes(m.profile),
  "/customers.html": (m) => PARTNER_VIEWERS.includes(m.profile) || m.profile === "collector",
  "/compliance.html": (m) => ["admin", "full_access", "feedback"].includes(m.profile) &&
    ((m.expand && m.expand.establishment && m.expand.establishment.modules) || []).includes("reports"),
  "/gdpr.html": (m) => m.profile === "admin",
};

// The signed-in pages share one header (U5), built here before i18n.js
// translates the page: each page holds only
// <header class="topbar" data-layout="signed-in"></header>.
export const NAV_LINKS = [
  ["/company.html", "nav.company"], ["/suppliers.html", "nav.suppliers"], ["/customers.html", "nav.customers"],
  ["/documents.html", "nav.documents"], ["/compliance.html", "nav.compliance"], ["/security.html", "nav.security"],
  ["/gdpr.html", "nav.gdpr"],
];
// Pages reached from another one mark that one as current.
export const NAV_PARENT = { "/supplier.html": "/suppliers.html" };

export function renderTopbar() {
  const header = document.querySelector('header.topbar[data-layout="signed-in"]');
  if (!header) return;
  header.replaceChildren(el("strong", {}, "Vigie"),
    ...NAV_LINKS.map(([href, key]) => el("a", { href, "data-i18n": key })),
    el("span", { class: "spacer" }), el("span", { id: "whoami" }),
    el("nav", { class: "langs" }, el("button", { type: "button", "data-lang": "fr" }, "FR"), el("button", { type: "button", "data-lang": "en" }, "EN")),
    el("button", { type: "button", id: "signout", "data-i18n": "nav.signout" }));
}
renderTopbar();

export async function applyNav() {
  const links = document.querySelectorAll(".topbar a[href]");
  const current = NAV_PARENT[location.pathname] || location.pathname;
  links.forEach((a) => { if (a.getAttribute("href") === current) a.setAttribute("aria-current", "page"); });
  const memberships = await myMemberships();
  links.forEach((a) => {
    const rule = NAV_RULES[a.getAttribute("href")];
    if (rule) a.hidden = !memberships.some(rule);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if (auth.token && document.querySelector(".topbar")) applyNav().catch(() => {});
  document.querySelectorAll("main table").forEach(stackOnPhones);
});

// startHeader fills the shared header of a signed-in page; false when the
// visitor must sign in first.
export function startHeader() {
  if (!requireSignIn()) return false;
  document.getElementById("whoami").textContent = auth.user.email;
  document.getElementById("signout").addEventListener("click", signOut);
  return true;
}

// stackOnPhones lets a list show its rows as cards on a phone (U6, the
// CSS of table.stack): each cell carries its column's name, again when
// rows are added or the language changes. The roles keep the table a
// table for screen readers whatever its display. A table without a head
// scrolls inside its card instead, reached from the keyboard by focus.
function stackOnPhones(table) {
  const head = table.tHead;
  if (!head || !table.tBodies.length) {
    if (!table.hasAttribute("tabindex")) table.tabIndex = 0;
    return;
  }
  table.classList.add("stack");
  table.setAttribute("role", "table");
  const label = () => {
    const names = [...head.querySelectorAll("th")].map((th) => { th.setAttribute("role", "columnheader"); return th.textContent.trim(); });
    for (const section of [head, ...table.tBodies]) {
      section.setAttribute("role", "rowgroup");
      for (const row of section.rows) {
        row.setAttribute("role", "row");
        [...row.cells].forEach((cell, i) => {
          if (cell.tagName !== "TD") return;
          cell.setAttribute("role", "cell");
          if (!cell.hasAttribute("colspan") && names[i]) cell.dataset.label = names[i];
        });
      }
    }
  };
  label();
  for (const body of table.tBodies) new MutationObserver(label).observe(body, { childList: true });
  document.addEventListener("vigie:lang", label);
}

export async function startPage(selectId, show) {
  if (!startHeader()) return;
  const select = document.getElementById(selectId);
  let memberships = [];
  const run = () => show(select.value, memberships.find((m) => m.establishment === select.value));
  select.addEventListener("change", () => run().catch((err) => flash(errorText(err), true)));
  try {
    memberships = await myMemberships();
    select.replaceChildren(...memberships.map((m) => el("option", { value: m.establishment }, m.expand.establishment.name)));
    await run();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signOut();
    else flash(errorText(err), true);
  }
}

// Documents, as several pages show them: a status badge, a type's name in
// the page's language, and a link to the stored file.
// PocketBase's file tokens live about 3 minutes: one is reused for two.
export let fileToken = "";
export let fileTokenAt = 0;
export const FILE_TOKEN_REUSE_MS = 120000;

export function badge(status) {
  return el("span", { class: "badge " + status, dataset: { status } }, t("status." + status));
}

export function typeName(type) {
  if (!type) return "";
  return (currentLang() === "en" && type.nameEn) || type.name;
}

export async function currentFileToken() {
  if (!fileToken || Date.now() - fileTokenAt > FILE_TOKEN_REUSE_MS) {
    fileToken = (await api("POST", "/api/files/token")).token;
    fileTokenAt = Date.now();
  }
  return fileToken;
}

// documentLink opens document id's file at the click: the document is read
// then (one view, under its own rule), not for every row of a list.
export function documentLink(id) {
  const a = el("a", { href: "#", class: "open-document", dataset: { document: id } }, t("documents.open"));
  a.addEventListener("click", async (ev) => {
    ev.preventDefault();
    const opened = window.open("", "_blank");
    try {
      const doc = await api("GET", `/api/collections/documents/records/${encodeURIComponent(id)}`);
      const url = `/api/files/documents/${doc.id}/${doc.file}?token=${encodeURIComponent(await currentFileToken())}`;
      if (opened) { opened.opener = null; opened.location = url; }
      else window.location.assign(url);
    } catch (err) {
      if (opened) opened.close();
      flash(errorText(err), true);
    }
  });
  return a;
}

// fileLink opens the file with a token fresh at the click, however long
// the page has been open.
export async function fileLink(doc) {
  const url = (token) => `/api/files/documents/${doc.id}/${doc.file}?token=${encodeURIComponent(token)}`;
  const a = el("a", { href: url(await currentFileToken()), target: "_blank", rel: "noopener" }, t("documents.open"));
  a.addEventListener("click", async (ev) => {
    const fresh = Date.now() - fileTokenAt <= FILE_TOKEN_REUSE_MS;
    if (fresh && a.href.endsWith(encodeURIComponent(fileToken))) return;
    ev.preventDefault();
    a.href = url(await currentFileToken());
    window.open(a.href, "_blank", "noopener");
  });
  return a;
}

// dutyBadge says where a supplier stands under the vigilance duty (V4),
// with its next due date.
export function dutyBadge(d) {
  if (!d) return "";
  const next = d.nextDue ? " · " + t("duty.nextDue").replace("{date}", formatDate(d.nextDue)) : d.noContract ? " · " + t("duty.noContract") : "";
  return el("span", { class: "duty", dataset: { duty: d.status } },
    el("span", { class: "badge duty-" + d.status }, t("duty." + d.status)), next);
}

// supplierURL is a customer's page of one of its suppliers (U2).
export function supplierURL(customer, supplier) {
  return "/supplier.html?" + new URLSearchParams({ customer, supplier });
}

// toggleVersions unfolds, under a document's row of the #documents table,
// its earlier versions (D6; the list rule shows them only with archive
// access), or folds them again.
export async function toggleVersions(button, row, supplier, d) {
  const shown = document.querySelectorAll(`#documents tr.version[data-of="${d.id}"]`);
  if (shown.length > 0) return shown.forEach((o) => o.remove());
  try {
    const res = await records("documents", {
      filter: `supplier = ${pbString(supplier)} && status = "superseded" && type = ${pbString(d.type)} && addressee = ${pbString(d.addressee)}`,
      sort: "-created", perPage: ALL_ROWS,
    });
    const older = [];
    for (const v of res.items) {
      older.push(el("tr", { class: "version", dataset: { id: v.id, status: v.status, of: d.id } },
        el("td", {}, "↳ " + typeName(d.expand.type)), el("td", {}, formatDate(v.created)),
        el("td", {}, v.validUntil ? formatDate(v.validUntil) : "—"), el("td", {}, badge(v.status)), el("td", {}, await fileLink(v))));
    }
    if (older.length === 0) older.push(el("tr", { class: "version muted", dataset: { of: d.id } }, el("td", { colspan: "5" }, t("documents.noVersions"))));
    row.after(...older);
  } catch (err) {
    flash(errorText(err), true);
  }
}
