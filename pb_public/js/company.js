// "My company" (T3, T5, T6): members and their profiles, adding a member,
// access requests. What the page offers follows the caller's profile; the
// server decides anyway.
import { t } from "./i18n.js";
import { ALL_ROWS, ApiError, PAGE_SIZE, api, auth, el, errorText, flash, myMemberships, pager, pbString, records, requireSignIn, signOut } from "./api.js";
import { mountLock } from "./locks.js";

const PROFILES = ["admin", "full_access", "processing", "processing_archive", "feedback", "delivery"];
let memberships = [];
let current = null;

function profileSelect(select, value) {
  select.replaceChildren(...PROFILES.map((p) => el("option", { value: p }, t("profile." + p))));
  if (value) select.value = value;
  return select;
}

let loadedOnce = false;

// loadMemberships reads the memberships again after the first time: an
// accepted invitation adds one.
async function loadMemberships() {
  memberships = await myMemberships(loadedOnce);
  loadedOnce = true;
  const select = document.getElementById("establishment");
  select.replaceChildren(...memberships.map((m) => el("option", { value: m.establishment }, m.expand.establishment.name)));
  const wanted = new URLSearchParams(location.search).get("establishment");
  if (wanted && memberships.some((m) => m.establishment === wanted)) select.value = wanted;
  document.getElementById("none").hidden = memberships.length > 0;
  document.getElementById("establishment-section").hidden = memberships.length === 0;
}

// showInvitations lists the establishments that invited the user (S9):
// nothing is shared with them before it accepts.
async function showInvitations() {
  const res = await records("invitations", { filter: `user = ${pbString(auth.user.id)} && status = "pending"`, sort: "created", perPage: ALL_ROWS });
  const list = document.getElementById("invitations");
  const answer = (inv, verb) => async () => {
    try {
      await api("POST", `/api/vigie/invitations/${inv.id}/${verb}`);
      flash(t(verb === "accept" ? "company.invitation.accepted" : "company.invitation.declined"));
      await showInvitations();
      await loadMemberships();
      await show();
    } catch (err) {
      flash(errorText(err), true);
    }
  };
  list.replaceChildren(...res.items.map((inv) => el("li", {},
    el("strong", {}, inv.establishmentName), " — ", t("profile." + inv.profile),
    inv.inviterName ? ` (${t("company.invitation.from")} ${inv.inviterName})` : "", " ",
    el("button", { type: "button", class: "primary", onclick: answer(inv, "accept") }, t("company.invitation.accept")), " ",
    el("button", { type: "button", onclick: answer(inv, "decline") }, t("company.invitation.decline")))));
  document.getElementById("invitations-section").hidden = res.items.length === 0;
}

async function show() {
  const id = document.getElementById("establishment").value;
  current = memberships.find((m) => m.establishment === id);
  if (!current) return;
  const est = current.expand.establishment;
  document.getElementById("siret").textContent = est.siret;
  document.getElementById("modules").textContent = (est.modules || []).join(", ") || "—";
  const isAdmin = current.profile === "admin";
  await showEstablishmentLock(est, isAdmin);
  document.getElementById("members-section").hidden = !isAdmin;
  document.getElementById("requests-section").hidden = !isAdmin;
  document.getElementById("request-section").hidden = isAdmin;
  document.querySelectorAll("select.profiles").forEach((s) => profileSelect(s, "processing"));
  if (isAdmin) await Promise.all([showMembers(est.id), showRequests(est.id)]);
}

let estLock = null;

// showEstablishmentLock shows the details' lock state; editing takes the lock
// and saving releases it (K1, K3).
async function showEstablishmentLock(est, isAdmin) {
  const form = document.getElementById("est-form");
  for (const f of ["name", "address", "postalCode", "city"]) form.elements[f].value = est[f] || "";
  estLock = await mountLock({
    collection: "establishments", id: est.id, box: document.getElementById("est-lock"), canForce: isAdmin,
    onEdit: (editing) => { form.hidden = !editing; },
  });
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    try {
      if (!(await estLock.check())) return; // forced or expired: the box says so
      const body = Object.fromEntries(["name", "address", "postalCode", "city"].map((f) => [f, form.elements[f].value]));
      Object.assign(est, await api("PATCH", `/api/collections/establishments/records/${est.id}`, body));
      flash(t("company.saved"));
      await estLock.release();
    } catch (err) {
      flash(errorText(err), true);
    }
  };
}

async function showMembers(estId) {
  await pager(document.getElementById("members"), (page) => showMembersPage(estId, page));
}

async function showMembersPage(estId, page) {
  const res = await records("memberships", { filter: `establishment = ${pbString(estId)}`, expand: "user", sort: "created", page: String(page) });
  const rows = res.items.map((m) => {
    const u = (m.expand && m.expand.user) || {};
    const select = profileSelect(el("select", { "aria-label": t("company.profile"), dataset: { membership: m.id } }), m.profile);
    if (m.profile === "collector") select.append(el("option", { value: "collector" }, t("profile.collector")));
    select.value = m.profile;
    select.addEventListener("change", () => update(m.id, { profile: select.value }, estId));
    const remove = el("button", { type: "button", class: "danger", onclick: () => removeMember(m.id, estId) }, t("company.remove"));
    return el("tr", { dataset: { email: u.email || "" } },
      el("td", {}, `${u.firstName || ""} ${u.lastName || ""}`.trim()),
      el("td", {}, u.email || ""),
      el("td", {}, select),
      el("td", {}, remove));
  });
  document.querySelector("#members tbody").replaceChildren(...rows);
  return rows.length === PAGE_SIZE;
}

async function update(membershipId, body, estId) {
  try {
    await api("PATCH", `/api/collections/memberships/records/${membershipId}`, body);
    flash(t("company.saved"));
  } catch (err) {
    flash(errorText(err), true);
  }
  await showMembers(estId);
}

async function removeMember(membershipId, estId) {
  try {
    await api("DELETE", `/api/collections/memberships/records/${membershipId}`);
    flash(t("company.saved"));
  } catch (err) {
    flash(errorText(err), true);
  }
  await showMembers(estId);
}

async function showRequests(estId) {
  const res = await records("access_requests", { filter: `establishment = ${pbString(estId)} && status = "pending"`, sort: "created" });
  const list = document.getElementById("requests");
  if (res.items.length === 0) {
    list.replaceChildren(el("li", { class: "muted" }, t("company.requests.none")));
    return;
  }
  list.replaceChildren(...res.items.map((r) => el("li", { dataset: { email: r.email } },
    `${r.firstName} ${r.lastName} <${r.email}> — ${t("profile." + r.profile)} `,
    el("button", { type: "button", class: "primary", onclick: () => decide(r.id, "approved", estId) }, t("company.approve")),
    el("button", { type: "button", onclick: () => decide(r.id, "refused", estId) }, t("company.refuse")))));
}

async function decide(requestId, status, estId) {
  try {
    await api("PATCH", `/api/collections/access_requests/records/${requestId}`, { status });
    flash(t("company.saved"));
  } catch (err) {
    flash(errorText(err), true);
  }
  await Promise.all([showRequests(estId), showMembers(estId)]);
}

function formBody(form) {
  return Object.fromEntries(new FormData(form).entries());
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!requireSignIn()) return;
  const me = auth.user;
  document.getElementById("whoami").textContent = me.email;
  document.getElementById("signout").addEventListener("click", signOut);
  document.getElementById("establishment").addEventListener("change", show);
  document.addEventListener("vigie:lang", show);

  document.getElementById("add-member").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const res = await api("POST", `/api/vigie/establishments/${current.establishment}/members`, formBody(ev.target));
      ev.target.reset();
      flash(t(res && res.invitation ? "company.member.invited" : "company.member.added"));
      await showMembers(current.establishment);
    } catch (err) {
      flash(errorText(err), true);
    }
  });
  document.getElementById("request-user").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = Object.assign(formBody(ev.target), { establishment: current.establishment, requestedBy: me.id });
    try {
      await api("POST", "/api/collections/access_requests/records", body);
      ev.target.reset();
      flash(t("company.request.sent"));
    } catch (err) {
      flash(errorText(err), true);
    }
  });

  try {
    await showInvitations();
    await loadMemberships();
    await show();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut();
    flash(errorText(err), true);
  }
});
