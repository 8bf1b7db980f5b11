// A customer's page of one supplier (U2): who it is, where it stands under
// the vigilance duty and for each type collected, its documents (open,
// earlier versions), the contracts, the contacts and the reminders sent.
// Each section shows only what the caller's profile reads; the server
// decides anyway.
import { t } from "./i18n.js";
import { ALL_ROWS, ApiError, PAGE_SIZE, api, badge, dutyBadge, el, errorText, fileLink, flash, formatDate, formatTime, locale, myMemberships, pager, pbString, records, signOut, startHeader, toggleVersions, typeName } from "./api.js";

const params = new URLSearchParams(location.search);
const customerId = params.get("customer") || "";
const supplierId = params.get("supplier") || "";
let relationship = null;

function showSection(id, shown) {
  document.getElementById(id).hidden = !shown;
}

// refused reports whether err is the server saying this profile may not
// read a section (the section then stays hidden).
function refused(err) {
  return err instanceof ApiError && (err.status === 403 || err.status === 404);
}

async function showIdentity() {
  const res = await records("relationships", {
    filter: `customer = ${pbString(customerId)} && supplier = ${pbString(supplierId)}`, expand: "supplier,referents", perPage: "1",
  });
  relationship = res.items[0] || null;
  if (!relationship) {
    flash(t("supplier.notFound"), true);
    return false;
  }
  const s = relationship.expand.supplier;
  document.getElementById("supplier-name").removeAttribute("data-i18n");
  document.getElementById("supplier-name").textContent = s.name;
  document.title = "Vigie — " + s.name;
  const facts = [["company.siret", s.siret], ["company.address", [s.address, s.postalCode, s.city].filter(Boolean).join(" ")],
    ["company.naf", s.naf], ["supplier.relationship", t("supplier.relationship." + relationship.status)]];
  // V9: the registry says the establishment closed.
  if (s.closedAt) facts.push(["supplier.registry", el("span", { class: "badge expired", dataset: { closed: "1" } }, t("supplier.closedSince").replace("{date}", formatDate(s.closedAt)))]);
  document.getElementById("identity").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, t(k)), el("dd", {}, v || "—")]));
  showSection("identity-section", true);
  showContacts();
  return true;
}

function showContacts() {
  const refs = (relationship.expand && relationship.expand.referents) || [];
  const items = refs.map((u) => el("li", { dataset: { email: u.email } },
    `${u.firstName || ""} ${u.lastName || ""}`.trim() + " — ", el("a", { href: "mailto:" + u.email }, u.email), u.phone ? " — " + u.phone : ""));
  if (items.length === 0 && relationship.invitedContact) {
    items.push(el("li", { dataset: { email: relationship.invitedContact } }, `${relationship.invitedContact} (${t("suppliers.invited")})`));
  }
  document.getElementById("contacts").replaceChildren(...items);
  document.getElementById("no-contacts").hidden = items.length > 0;
  showSection("contacts-section", true);
}

// Where the supplier stands: the duty and a row per type collected, each
// with the current document to open.
async function showStatus() {
  let res;
  try {
    res = await api("GET", `/api/vigie/establishments/${encodeURIComponent(customerId)}/compliance?supplier=${encodeURIComponent(supplierId)}`);
  } catch (err) {
    if (refused(err)) return;
    throw err;
  }
  const duty = (res.suppliers || [])[0];
  document.getElementById("duty").replaceChildren(dutyBadge(duty));
  // One view per current document: a list filtered by ids walks every
  // document the caller sees (400 ms for a customer of 20,000 suppliers),
  // a view is one lookup.
  const ids = [...new Set(res.items.map((it) => it.document).filter(Boolean))];
  const docs = await Promise.all(ids.map((d) => api("GET", `/api/collections/documents/records/${encodeURIComponent(d)}`).catch(() => null)));
  const rows = [];
  for (const it of res.items) {
    const doc = docs.find((d) => d && d.id === it.document);
    rows.push(el("tr", { dataset: { type: it.type.code, status: it.status } },
      el("td", {}, typeName(it.type)), el("td", {}, badge(it.status)),
      el("td", {}, it.validUntil ? formatDate(it.validUntil) : "—"), el("td", {}, doc ? await fileLink(doc) : "—")));
  }
  document.querySelector("#status tbody").replaceChildren(...rows);
  document.getElementById("no-status").hidden = rows.length > 0;
  showSection("status-section", true);
}

// The documents the customer reads of this supplier, newest first; each
// one's earlier versions unfold under it (D6).
async function showDocuments(page) {
  const docs = await records("documents", {
    filter: `supplier = ${pbString(supplierId)} && status != "superseded"`, sort: "-created", expand: "type,addressee", page: String(page),
  });
  const rows = [];
  for (const d of docs.items) {
    const row = el("tr", { dataset: { id: d.id, type: d.expand.type.code, status: d.status } },
      el("td", {}, typeName(d.expand.type)), el("td", {}, d.expand.addressee ? d.expand.addressee.name : t("documents.everyone")),
      el("td", {}, d.issuedOn ? formatDate(d.issuedOn) : "—"), el("td", {}, d.validUntil ? formatDate(d.validUntil) : "—"),
      el("td", {}, badge(d.status)), el("td", {}, await fileLink(d)));
    row.lastChild.append(" ", el("button", { type: "button", class: "versions", onclick: (ev) => toggleVersions(ev.target, row, supplierId, d) }, t("documents.versions")));
    rows.push(row);
  }
  document.querySelector("#documents tbody").replaceChildren(...rows);
  document.getElementById("no-documents").hidden = rows.length > 0 || page > 1;
  showSection("documents-section", true);
  return docs.items.length === PAGE_SIZE;
}

async function showContracts() {
  const res = await records("contracts", { filter: `relationship = ${pbString(relationship.id)}`, sort: "-startsOn", perPage: ALL_ROWS });
  const money = new Intl.NumberFormat(locale(), { style: "currency", currency: "EUR" });
  const rows = res.items.map((c) => el("tr", { dataset: { id: c.id, reference: c.reference } },
    el("td", {}, c.reference), el("td", {}, c.subject || ""),
    el("td", {}, typeof c.amountExclTax === "number" && "amountExclTax" in c ? money.format(c.amountExclTax) : "—"),
    el("td", {}, formatDate(c.startsOn)), el("td", {}, c.endsOn ? formatDate(c.endsOn) : t("contract.open"))));
  document.querySelector("#contracts tbody").replaceChildren(...rows);
  document.getElementById("no-contracts").hidden = rows.length > 0;
  showSection("contracts-section", true);
}

async function addContract(ev) {
  ev.preventDefault();
  const f = ev.target;
  const body = {
    relationship: relationship.id, reference: f.reference.value.trim(), subject: f.subject.value.trim(),
    startsOn: f.startsOn.value, endsOn: f.endsOn.value, coContractor: f.coContractor.value, publicProcurement: f.publicProcurement.checked,
  };
  if (f.amountExclTax.value !== "") body.amountExclTax = Number(f.amountExclTax.value);
  try {
    await api("POST", "/api/collections/contracts/records", body);
    f.reset();
    flash(t("contract.added"));
    await Promise.all([showContracts(), showStatus()]);
  } catch (err) {
    flash(errorText(err), true);
  }
}

const REMINDERS_PER_PAGE = 20;

// reminderText says what a reminder was about, from its cadence step:
// d30, d7, d0 before expiry, wN weeks after, mN weeks missing.
function reminderText(r) {
  const n = Number(r.step.slice(1)) || 0;
  if (r.reason === "missing") return t("reminder.missing").replace("{n}", String(n + 1));
  if (r.reason === "expired") return t("reminder.expired").replace("{n}", String(n));
  return t("reminder." + r.step);
}

async function showReminders(page) {
  let res;
  try {
    res = await api("GET", `/api/vigie/establishments/${encodeURIComponent(customerId)}/suppliers/${encodeURIComponent(supplierId)}/reminders?page=${page}&perPage=${REMINDERS_PER_PAGE}`);
  } catch (err) {
    if (refused(err)) return false;
    throw err;
  }
  const rows = res.items.map((r) => el("tr", { dataset: { type: r.type.code, reason: r.reason, step: r.step } },
    el("td", {}, formatTime(r.sentAt)), el("td", {}, typeName(r.type)),
    el("td", {}, reminderText(r)),
    el("td", {}, String(r.recipients))));
  document.querySelector("#reminders tbody").replaceChildren(...rows);
  document.getElementById("no-reminders").hidden = rows.length > 0 || page > 1;
  showSection("reminders-section", true);
  return res.items.length === REMINDERS_PER_PAGE;
}

// Who may add a contract: the server's rule is "manage suppliers" on the
// customer; the form shows for the profiles that hold it.
const CONTRACT_WRITERS = ["admin", "full_access"];

async function start() {
  if (!startHeader()) return;
  if (!customerId || !supplierId) {
    flash(t("supplier.notFound"), true);
    return;
  }
  document.getElementById("add-contract").addEventListener("submit", addContract);
  try {
    const memberships = await myMemberships();
    const mine = memberships.find((m) => m.establishment === customerId);
    if (!(await showIdentity())) return;
    document.getElementById("add-contract").hidden = !mine || !CONTRACT_WRITERS.includes(mine.profile) || mine.visibility === "assigned";
    await Promise.all([
      showStatus(),
      pager(document.getElementById("documents"), showDocuments),
      showContracts().catch((err) => { if (!refused(err)) throw err; }),
      pager(document.getElementById("reminders"), showReminders),
    ]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signOut();
    else flash(errorText(err), true);
  }
}

document.addEventListener("DOMContentLoaded", start);
