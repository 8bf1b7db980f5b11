// "My documents" (D1–D6, N5): what each customer requires of an
// establishment and where it stands, the upload form, and the establishment's
// documents with their earlier versions (shown to those with archive access).
import { currentLang, has, t } from "./i18n.js";
import { ALL_ROWS, PAGE_SIZE, api, badge, el, errorText, fileLink, flash, formatDate, formatTime, pager, parseStored, partnersMatching, pbString, records, searchableSelect, startPage, toggleVersions, typeName } from "./api.js";

let types = [];

let isAdmin = false;

async function show(id, membership) {
  if (!id) return;
  isAdmin = !!membership && membership.profile === "admin";
  const typeRes = await records("document_types", { sort: "name", perPage: ALL_ROWS });
  types = typeRes.items;
  await Promise.all([
    pager(document.getElementById("required"), (page) => showRequired(id, page)),
    pager(document.getElementById("documents"), (page) => showDocuments(id, page)),
    searchableSelect(document.querySelector("#upload [name=addressee]"), async (q) => {
      if (q) return (await partnersMatching(id, q)).map((e) => el("option", { value: e.id }, e.name));
      const rels = await records("relationships", { filter: `supplier = ${pbString(id)} && status = "active"`, expand: "customer" });
      return rels.items.map((r) => el("option", { value: r.customer }, r.expand.customer.name));
    }),
  ]);
  const typeSelect = document.querySelector("#upload [name=type]");
  typeSelect.replaceChildren(...types.map((ty) => el("option", { value: ty.id, dataset: { code: ty.code, kind: ty.kind } }, typeName(ty))));
  syncAddressee();
}

// What each customer requires, and the document that answers it (D5): a
// page of requirements, then the current documents of their types.
async function showRequired(id, page) {
  const reqs = await records("requirements", { filter: `(supplier = ${pbString(id)} || supplier = "") && customer != ${pbString(id)}`, expand: "customer,type", page: String(page) });
  const typeIds = [...new Set(reqs.items.map((r) => r.type))];
  const current = typeIds.length === 0 ? [] : (await records("documents", {
    filter: `supplier = ${pbString(id)} && status != "superseded" && (${typeIds.map((ty) => "type = " + pbString(ty)).join(" || ")})`,
    sort: "-created", perPage: ALL_ROWS,
  })).items;
  const rows = reqs.items.map((r) => {
    const ty = r.expand.type;
    const doc = current.find((d) => d.type === r.type && (d.addressee === "" || d.addressee === r.customer));
    const status = doc ? doc.status : "missing";
    return el("tr", { dataset: { customer: r.customer, type: ty.code, status } },
      el("td", {}, r.expand.customer.name), el("td", {}, typeName(ty)), el("td", {}, badge(status)),
      el("td", {}, doc && doc.validUntil ? formatDate(doc.validUntil) : ""));
  });
  document.querySelector("#required tbody").replaceChildren(...rows);
  document.getElementById("no-required").hidden = rows.length > 0 || page > 1;
  return reqs.items.length === PAGE_SIZE;
}

// The current documents, newest first; each one's earlier versions unfold
// under it on demand (D6).
async function showDocuments(id, page) {
  const docs = await records("documents", { filter: `supplier = ${pbString(id)} && status != "superseded"`, sort: "-created", expand: "type,addressee", page: String(page) });
  const docRows = [];
  for (const d of docs.items) {
    const row = el("tr", { dataset: { id: d.id, type: d.expand.type.code, status: d.status } },
      el("td", {}, typeName(d.expand.type)), el("td", {}, d.expand.addressee ? d.expand.addressee.name : t("documents.everyone")),
      el("td", {}, d.validUntil ? formatDate(d.validUntil) : "—"), el("td", {}, badge(d.status)), el("td", {}, await fileLink(d)));
    row.lastChild.append(" ", el("button", { type: "button", class: "share", onclick: () => openShare(d) }, t("documents.share")));
    row.lastChild.append(" ", el("button", { type: "button", class: "versions", onclick: (ev) => toggleVersions(ev.target, row, id, d) }, t("documents.versions")));
    // S10: a collector's legal document serves its customer until an admin adopts it for all.
    if (isAdmin && d.addressee && d.expand.type.kind === "legal") {
      row.lastChild.append(" ", el("button", { type: "button", class: "adopt", onclick: () => adopt(id, d) }, t("documents.adopt")));
    }
    docRows.push(row);
  }
  document.querySelector("#documents tbody").replaceChildren(...docRows);
  document.getElementById("no-documents").hidden = docRows.length > 0 || page > 1;
  return docs.items.length === PAGE_SIZE;
}

async function adopt(supplier, d) {
  try {
    await api("POST", `/api/vigie/documents/${d.id}/adopt`);
    flash(t("documents.adopted"));
    await pager(document.getElementById("documents"), (page) => showDocuments(supplier, page));
  } catch (err) {
    flash(errorText(err), true);
  }
}

// A specific document goes to one customer: the field shows for those types (D3).
function syncAddressee() {
  const type = types.find((ty) => ty.id === document.querySelector("#upload [name=type]").value);
  const field = document.getElementById("addressee-field");
  field.hidden = !type || type.kind !== "specific";
  if (type && type.owner) document.querySelector("#upload [name=addressee]").value = type.owner;
}

async function upload(ev) {
  ev.preventDefault();
  const form = ev.target;
  const data = new FormData();
  data.append("supplier", document.getElementById("supplier").value);
  data.append("type", form.type.value);
  if (!document.getElementById("addressee-field").hidden) data.append("addressee", form.addressee.value);
  if (form.issuedOn.value) data.append("issuedOn", form.issuedOn.value);
  if (form.validFrom.value) data.append("validFrom", form.validFrom.value);
  if (form.validUntil.value) data.append("validUntil", form.validUntil.value);
  data.append("file", form.file.files[0]);
  try {
    await api("POST", "/api/collections/documents/records", data);
    form.reset();
    flash(t("documents.sent"));
    await show(document.getElementById("supplier").value);
  } catch (err) {
    flash(errorText(err), true);
  }
}

// Sharing (L1): one document, one recipient; the URL is shown once.
let sharing = null;

function openShare(doc) {
  sharing = doc;
  document.getElementById("share-doc").textContent = typeName(doc.expand.type);
  document.getElementById("share-result").hidden = true;
  document.getElementById("share-section").hidden = false;
  document.querySelector("#share [name=email]").focus();
  pager(document.getElementById("share-links"), (page) => showShareLinks(doc, page));
}

// linkState says where a share link stands (U8), most final first.
function linkState(l) {
  if (l.revoked) return "revoked";
  if (l.lockedAt) return "locked";
  if (l.expiresAt && parseStored(l.expiresAt) < new Date()) return "expired";
  if (l.maxOpens > 0 && l.opens >= l.maxOpens) return "used";
  return "active";
}

// The links sent for a document, newest first, each with its history and,
// while it works, a revoke button (U8). The rule shows a member its own
// links and an admin every link of its establishment.
async function showShareLinks(doc, page) {
  const res = await records("share_links", { filter: `document = ${pbString(doc.id)}`, sort: "-created", page: String(page) });
  const rows = res.items.map((l) => {
    const state = linkState(l);
    const row = el("tr", { dataset: { id: l.id, state } },
      el("td", {}, l.email), el("td", {}, formatTime(l.created)), el("td", {}, formatDate(l.expiresAt)),
      el("td", {}, l.maxOpens > 0 ? `${l.opens} / ${l.maxOpens}` : String(l.opens)),
      el("td", {}, t("share.state." + state)), el("td", {}));
    row.lastChild.append(el("button", { type: "button", class: "history", onclick: () => toggleHistory(row, l) }, t("share.history")));
    if (state === "active") {
      row.lastChild.append(" ", el("button", { type: "button", class: "revoke danger", onclick: () => revokeLink(doc, l) }, t("share.revoke")));
    }
    return row;
  });
  document.querySelector("#share-links tbody").replaceChildren(...rows);
  document.getElementById("no-share-links").hidden = rows.length > 0 || page > 1;
  return res.items.length === PAGE_SIZE;
}

async function toggleHistory(row, link) {
  const shown = document.querySelectorAll(`#share-links tr.history[data-of="${link.id}"]`);
  if (shown.length > 0) return shown.forEach((r) => r.remove());
  try {
    const res = await api("GET", `/api/vigie/share-links/${encodeURIComponent(link.id)}/history`);
    const lines = res.items.map((h) => {
      const action = h.action.replace(/^share\./, ""); // audit actions: share.created, share.opened…
      return el("tr", { class: "history", dataset: { of: link.id, action } },
        el("td", { colspan: "6" }, `${formatTime(h.at)} — ${has("share.action." + action) ? t("share.action." + action) : action}` + (h.ip ? ` (${h.ip})` : "")));
    });
    if (lines.length === 0) lines.push(el("tr", { class: "history muted", dataset: { of: link.id } }, el("td", { colspan: "6" }, t("share.noHistory"))));
    row.after(...lines);
  } catch (err) {
    flash(errorText(err), true);
  }
}

async function revokeLink(doc, link) {
  if (!confirm(t("share.revokeConfirm").replace("{email}", link.email))) return;
  try {
    await api("DELETE", `/api/vigie/share-links/${encodeURIComponent(link.id)}`);
    flash(t("share.revoked"));
    await pager(document.getElementById("share-links"), (page) => showShareLinks(doc, page));
  } catch (err) {
    flash(errorText(err), true);
  }
}

async function share(ev) {
  ev.preventDefault();
  const form = ev.target;
  const expires = new Date(Date.now() + Number(form.days.value || 14) * 86400000);
  try {
    const res = await api("POST", `/api/vigie/documents/${sharing.id}/share`, {
      email: form.email.value, expiresAt: expires.toISOString().replace("T", " "), maxOpens: Number(form.maxOpens.value || 0), lang: currentLang(),
    });
    document.getElementById("share-url").textContent = res.url;
    document.getElementById("share-result").hidden = false;
    form.email.value = "";
    await pager(document.getElementById("share-links"), (page) => showShareLinks(sharing, page));
  } catch (err) {
    flash(errorText(err), true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("share").addEventListener("submit", share);
  document.querySelector("#upload [name=type]").addEventListener("change", syncAddressee);
  document.getElementById("upload").addEventListener("submit", upload);
  startPage("supplier", show);
});
