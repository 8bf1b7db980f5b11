// "My customers" (N4, N8): the customers that follow an establishment and,
// for its admins, the reference contacts chosen for each of them.
import { t } from "./i18n.js";
import { ALL_ROWS, PAGE_SIZE, api, el, errorText, exportList, flash, formatDate, formatNumber, pager, pbString, records, startPage } from "./api.js";
import { lockBox, mountLock } from "./locks.js";

let shown = null; // the establishment and membership the list shows

async function show(id, mine) {
  if (!mine) return;
  shown = [id, mine];
  const isAdmin = mine.profile === "admin";
  // The members feed each row's choice of reference contacts.
  const members = isAdmin ? await records("memberships", { filter: `establishment = ${pbString(id)}`, expand: "user", perPage: ALL_ROWS }) : { items: [] };
  // The list route searches, sorts and counts at 2,000 customers (U1).
  await pager(document.getElementById("customers"), async (page) => {
    const q = new URLSearchParams({ page: String(page), perPage: String(PAGE_SIZE) });
    for (const [k, v] of new FormData(document.getElementById("customers-filter"))) {
      if (v.trim()) q.set(k, v.trim());
    }
    const rels = await api("GET", `/api/vigie/establishments/${encodeURIComponent(id)}/customers?${q}`);
    document.getElementById("customers-count").textContent =
      t(rels.totalItems === 1 ? "filter.oneCustomer" : "filter.customers").replace("{n}", formatNumber(rels.totalItems));
    const rows = rels.items.map((r) => customerRow(r, isAdmin, members));
    document.querySelector("#customers tbody").replaceChildren(...rows);
    document.getElementById("no-customers").hidden = rows.length > 0 || page > 1;
    return page < rels.totalPages;
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

// refilter shows the first page of what the search and sort now ask; the
// search box waits for a pause in typing.
let refilterTimer = null;
function refilter(delay) {
  clearTimeout(refilterTimer);
  refilterTimer = setTimeout(() => shown && show(...shown).catch((err) => flash(errorText(err), true)), delay);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("customers-export").addEventListener("click", () => shown && exportList("customers", shown[0], "customers-filter"));
  const filter = document.getElementById("customers-filter");
  filter.addEventListener("submit", (ev) => { ev.preventDefault(); refilter(0); });
  filter.sort.addEventListener("change", () => refilter(0));
  filter.q.addEventListener("input", () => refilter(300));
  startPage("supplier", show);
});
