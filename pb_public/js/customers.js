// "My customers" (N4, N8): the customers that follow an establishment and,
// for its admins, the reference contacts chosen for each of them.
import { t } from "./i18n.js";
import { ALL_ROWS, PAGE_SIZE, api, el, errorText, flash, formatDate, pager, pbString, records, startPage } from "./api.js";
import { lockBox, mountLock } from "./locks.js";

async function show(id, mine) {
  if (!mine) return;
  const isAdmin = mine.profile === "admin";
  // The members feed each row's choice of reference contacts.
  const members = isAdmin ? await records("memberships", { filter: `establishment = ${pbString(id)}`, expand: "user", perPage: ALL_ROWS }) : { items: [] };
  await pager(document.getElementById("customers"), async (page) => {
    const rels = await records("relationships", { filter: `supplier = ${pbString(id)} && status = "active"`, expand: "customer", sort: "-created", page: String(page) });
    const rows = rels.items.map((r) => customerRow(r, isAdmin, members));
    document.querySelector("#customers tbody").replaceChildren(...rows);
    document.getElementById("no-customers").hidden = rows.length > 0 || page > 1;
    return rows.length === PAGE_SIZE;
  });
}

function customerRow(r, isAdmin, members) {
  const c = (r.expand && r.expand.customer) || {};
  const row = el("tr", { dataset: { siret: c.siret || "", relationship: r.id } },
    el("td", {}, c.name || ""), el("td", {}, c.siret || ""), el("td", {}, formatDate(r.created)));
  if (!isAdmin) {
    row.append(el("td", {}, String((r.referents || []).length)));
    return row;
  }
  // Admins choose reference contacts once they hold the relationship's lock (K1, N8).
  const select = el("select", { multiple: "multiple", "aria-label": t("suppliers.referents"), dataset: { relationship: r.id } },
    members.items.map((m) => {
      const u = (m.expand && m.expand.user) || {};
      const o = el("option", { value: m.user }, u.email || m.user);
      o.selected = (r.referents || []).includes(m.user);
      return o;
    }));
  const save = el("button", { type: "button", class: "referents-save" }, t("customers.referents.save"));
  const box = lockBox();
  row.append(el("td", {}, select, save, box));
  mountLock({
    collection: "relationships", id: r.id, box, canForce: true,
    onEdit: (editing) => { select.disabled = !editing; save.hidden = !editing; },
  }).then((lock) => {
    save.onclick = async () => {
      if (!(await lock.check())) return;
      if (await saveReferents(r.id, select)) await lock.release();
    };
  }).catch((err) => flash(errorText(err), true));
  return row;
}

async function saveReferents(relationshipId, select) {
  const referents = [...select.selectedOptions].map((o) => o.value);
  try {
    await api("PATCH", `/api/collections/relationships/records/${relationshipId}`, { referents });
    flash(t("company.saved"));
    return true;
  } catch (err) {
    flash(errorText(err), true);
    return false;
  }
}

document.addEventListener("DOMContentLoaded", () => startPage("supplier", show));
