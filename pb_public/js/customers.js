// "My customers" (N4, N8): the customers that follow an establishment and,
// for its admins, the reference contacts chosen for each of them.
"use strict";

let memberships = [];

async function show() {
  const id = document.getElementById("supplier").value;
  const mine = memberships.find((m) => m.establishment === id);
  if (!mine) return;
  const isAdmin = mine.profile === "admin";
  const [rels, members] = await Promise.all([
    records("relationships", { filter: `supplier = ${pbString(id)} && status = "active"`, expand: "customer", sort: "-created" }),
    isAdmin ? records("memberships", { filter: `establishment = ${pbString(id)}`, expand: "user" }) : { items: [] },
  ]);
  const rows = rels.items.map((r) => {
    const c = (r.expand && r.expand.customer) || {};
    let referents = el("span", {}, String((r.referents || []).length));
    if (isAdmin) {
      const select = el("select", { multiple: "multiple", "aria-label": t("suppliers.referents"), dataset: { relationship: r.id } },
        members.items.map((m) => {
          const u = (m.expand && m.expand.user) || {};
          const o = el("option", { value: m.user }, u.email || m.user);
          o.selected = (r.referents || []).includes(m.user);
          return o;
        }));
      const save = el("button", { type: "button", onclick: () => saveReferents(r.id, select) }, t("customers.referents.save"));
      referents = el("span", {}, select, save);
    }
    return el("tr", { dataset: { siret: c.siret || "" } },
      el("td", {}, c.name || ""), el("td", {}, c.siret || ""), el("td", {}, (r.created || "").slice(0, 10)), el("td", {}, referents));
  });
  document.querySelector("#customers tbody").replaceChildren(...rows);
  document.getElementById("no-customers").hidden = rows.length > 0;
}

async function saveReferents(relationshipId, select) {
  const referents = [...select.selectedOptions].map((o) => o.value);
  try {
    await api("PATCH", `/api/collections/relationships/records/${relationshipId}`, { referents });
    flash(t("company.saved"));
  } catch (err) {
    flash(errorText(err), true);
  }
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!requireSignIn()) return;
  document.getElementById("whoami").textContent = auth.user.email;
  document.getElementById("signout").addEventListener("click", signOut);
  document.getElementById("supplier").addEventListener("change", show);
  try {
    const res = await records("memberships", { filter: `user = ${pbString(auth.user.id)}`, expand: "establishment" });
    memberships = res.items;
    document.getElementById("supplier").replaceChildren(...memberships.map((m) => el("option", { value: m.establishment }, m.expand.establishment.name)));
    await show();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut();
    flash(errorText(err), true);
  }
});
