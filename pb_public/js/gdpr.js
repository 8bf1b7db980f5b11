// GDPR tab (S4, S5, S6), for an establishment's admins: support access,
// everyone with access, and the audit log.
import { has, t } from "./i18n.js";
import { ALL_ROWS, ApiError, PAGE_SIZE, api, auth, el, errorText, flash, formatTime, pager, pbString, records, signOut, startHeader } from "./api.js";

let adminOf = [];

async function show() {
  const id = document.getElementById("establishment").value;
  if (!id) return;
  const [est, overview] = await Promise.all([
    api("GET", `/api/collections/establishments/records/${id}`),
    api("GET", `/api/vigie/establishments/${id}/access-overview`),
  ]);
  const form = document.getElementById("support");
  form.enabled.checked = !!est.supportAccess;
  form.until.value = (est.supportUntil || "").slice(0, 10);
  document.querySelector("#overview tbody").replaceChildren(...overview.items.map((i) => el("tr", { dataset: { email: i.user.email, kind: i.kind } },
    el("td", {}, `${i.user.firstName} ${i.user.lastName}`.trim()), el("td", {}, i.user.email), el("td", {}, known("profile." + i.profile, i.profile)),
    el("td", {}, known("gdpr.kind." + i.kind, i.kind)), el("td", {}, String(i.passwordScore)), el("td", {}, i.totp ? "✓" : "—"), el("td", {}, formatTime(i.lastLogin)))));
  // The whole audit log, newest first, page by page (U1).
  await pager(document.getElementById("audit"), async (page) => {
    const audit = await records("audit_log", { filter: `establishment = ${pbString(id)}`, sort: "-created", page: String(page) });
    document.querySelector("#audit tbody").replaceChildren(...audit.items.map((a) => el("tr", { dataset: { action: a.action } },
      el("td", {}, formatTime(a.created)), el("td", {}, known("audit." + a.action, a.action)), el("td", {}, a.actorEmail || a.actor))));
    return audit.items.length === PAGE_SIZE;
  });
}

// known is key's text, or raw when the dictionary has none (an action
// added since): never a key shown as it is.
function known(key, raw) {
  return has(key) ? t(key) : raw;
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!startHeader()) return;
  document.getElementById("establishment").addEventListener("change", () => show().catch((err) => flash(errorText(err), true)));
  document.getElementById("support").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = ev.target;
    const body = { enabled: f.enabled.checked };
    if (f.enabled.checked && f.until.value) body.until = f.until.value + " 23:59:59.000Z";
    try {
      await api("PUT", `/api/vigie/establishments/${document.getElementById("establishment").value}/support-access`, body);
      flash(t("company.saved"));
      await show();
    } catch (err) {
      flash(errorText(err), true);
    }
  });
  try {
    const res = await records("memberships", { filter: `user = ${pbString(auth.user.id)} && profile = "admin"`, expand: "establishment", perPage: ALL_ROWS });
    adminOf = res.items;
    document.getElementById("establishment").replaceChildren(...adminOf.map((m) => el("option", { value: m.establishment }, m.expand.establishment.name)));
    await show();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut();
    flash(errorText(err), true);
  }
});
