// The recipient's page of a share link (L2, L4): nothing about the
// document shows until the address the link was sent to is typed.
import { currentLang, t } from "./i18n.js";
import { ApiError, api, errorText, flash, formatDate, formatTime } from "./api.js";

const token = decodeURIComponent(location.pathname.split("/").pop() || "");
let typedEmail = "";

function shareError(err) {
  if (!(err instanceof ApiError)) return t("error.generic");
  if (err.status === 410) return t("share.gone");
  if (err.status === 429) return t("share.slowDown");
  if (err.status === 403) return t("share.wrongEmail");
  return errorText(err);
}

function showAccepted(at, name) {
  const p = document.getElementById("accepted");
  p.textContent = t("share.acceptedBy").replace("{name}", name).replace("{at}", formatTime(at));
  p.hidden = false;
  document.getElementById("accept").hidden = true;
}

async function open(ev) {
  ev.preventDefault();
  typedEmail = ev.target.email.value;
  try {
    const res = await api("POST", `/api/vigie/share/${encodeURIComponent(token)}`, { email: typedEmail });
    const d = res.document;
    document.getElementById("doc-type").textContent = d.type ? ((currentLang() === "en" && d.type.nameEn) || d.type.name) : "";
    document.getElementById("doc-supplier").textContent = d.supplier ? `${d.supplier.name} (${d.supplier.siret})` : "";
    document.getElementById("doc-until").textContent = d.validUntil ? formatDate(d.validUntil) : "—";
    document.getElementById("doc-file").href = res.fileUrl;
    document.getElementById("check-section").hidden = true;
    document.getElementById("document-section").hidden = false;
    document.getElementById("flash").hidden = true;
    if (res.acceptedAt) showAccepted(res.acceptedAt, res.acceptedName);
  } catch (err) {
    flash(shareError(err), true);
  }
}

async function accept(ev) {
  ev.preventDefault();
  try {
    const res = await api("POST", `/api/vigie/share/${encodeURIComponent(token)}/accept`, { email: typedEmail, name: ev.target.name.value });
    showAccepted(res.acceptedAt, res.acceptedName);
    flash(t("share.thanks"));
  } catch (err) {
    flash(shareError(err), true);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("check").addEventListener("submit", open);
  document.getElementById("accept").addEventListener("submit", accept);
});
