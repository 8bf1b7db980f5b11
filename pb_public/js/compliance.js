// Compliance dashboard (D2, D5): where each supplier stands for each type
// the customer collects, and the collected types themselves.
"use strict";

function badge(status) {
  return el("span", { class: "badge " + status, dataset: { status } }, t("status." + status));
}

function typeLabel(ty) {
  return (currentLang() === "en" && ty.nameEn) || ty.name;
}

async function show(id) {
  if (!id) return;
  try {
    const res = await api("GET", `/api/vigie/establishments/${encodeURIComponent(id)}/compliance`);
    const rows = res.items.map((it) => el("tr", { dataset: { supplier: it.supplier.siret, type: it.type.code, status: it.status } },
      el("td", {}, it.supplier.name), el("td", {}, it.supplier.siret), el("td", {}, it.type.name),
      el("td", {}, badge(it.status)), el("td", {}, it.validUntil || "—")));
    document.querySelector("#compliance tbody").replaceChildren(...rows);
    document.getElementById("no-compliance").hidden = rows.length > 0;
    document.getElementById("summary").replaceChildren(
      ...["valid", "expiring", "expired", "missing"].map((s) => el("span", { class: "count", dataset: { status: s } }, badge(s), " " + res.summary[s])));
  } catch (err) {
    document.querySelector("#compliance tbody").replaceChildren();
    document.getElementById("summary").replaceChildren();
    flash(errorText(err), true);
  }
  await showCollected(id);
}

// The types this customer collects, from all suppliers or one (D2).
async function showCollected(id) {
  const [reqs, typeRes, rels] = await Promise.all([
    records("requirements", { filter: `customer = ${pbString(id)}`, expand: "type,supplier" }),
    records("document_types", { sort: "name" }),
    records("relationships", { filter: `customer = ${pbString(id)} && status = "active"`, expand: "supplier" }),
  ]);
  document.getElementById("collected").replaceChildren(...reqs.items.map((r) => el("li", { dataset: { type: r.expand.type.code } },
    typeLabel(r.expand.type) + " — " + (r.expand.supplier ? r.expand.supplier.name : t("compliance.allSuppliers")) + " ",
    el("button", { type: "button", onclick: () => removeRequirement(r.id) }, t("compliance.remove")))));
  const form = document.getElementById("collect");
  form.type.replaceChildren(...typeRes.items.filter((ty) => !ty.owner || ty.owner === id)
    .map((ty) => el("option", { value: ty.id, dataset: { code: ty.code } }, typeLabel(ty))));
  form.supplier.replaceChildren(el("option", { value: "" }, t("compliance.allSuppliers")),
    ...rels.items.map((r) => el("option", { value: r.supplier }, r.expand.supplier.name)));
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
  startPage("customer", show);
});
