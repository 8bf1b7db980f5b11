// Security page (S1): turn two-factor authentication on with a QR code and
// a first code, keep the recovery codes shown once, turn it off with a code.
import { t } from "./i18n.js";
import { ApiError, api, auth, el, errorText, flash, records, requireSignIn, signOut } from "./api.js";

async function refreshStatus() {
  const me = await api("GET", `/api/collections/users/records/${auth.user.id}`);
  auth.save(auth.token, me);
  document.getElementById("totp-status").textContent = t(me.totpEnabled ? "security.on" : "security.off");
  document.getElementById("totp-setup").hidden = me.totpEnabled;
  document.getElementById("totp-disable").hidden = !me.totpEnabled;
  document.body.dataset.totp = me.totpEnabled ? "on" : "off";
}

document.addEventListener("DOMContentLoaded", async () => {
  if (!requireSignIn()) return;
  document.getElementById("whoami").textContent = auth.user.email;
  document.getElementById("signout").addEventListener("click", signOut);
  document.getElementById("totp-setup").addEventListener("click", async () => {
    try {
      const res = await api("POST", "/api/vigie/totp/setup");
      document.getElementById("totp-qr").src = "data:image/png;base64," + res.qrPng;
      document.getElementById("totp-secret").textContent = res.secret;
      document.getElementById("totp-enrol").hidden = false;
    } catch (err) {
      flash(errorText(err), true);
    }
  });
  document.getElementById("totp-confirm").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const res = await api("POST", "/api/vigie/totp/confirm", { code: ev.target.code.value.trim() });
      auth.save(res.token, auth.user); // the other sessions ended; this one goes on
      document.getElementById("recovery-codes").replaceChildren(...res.recoveryCodes.map((c) => el("li", {}, c)));
      offerDownload(res.recoveryCodes);
      document.getElementById("recovery").hidden = false;
      document.getElementById("totp-enrol").hidden = true;
      await refreshStatus();
    } catch (err) {
      flash(errorText(err), true);
    }
  });
  document.getElementById("totp-disable").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "/api/vigie/totp/disable", { code: ev.target.code.value.trim() });
      ev.target.reset();
      await refreshStatus();
    } catch (err) {
      flash(errorText(err), true);
    }
  });
  try {
    await refreshStatus();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut();
    flash(errorText(err), true);
  }
});

// offerDownload lets the user keep the recovery codes, shown once, as a
// text file (U8); nothing leaves the browser.
function offerDownload(codes) {
  const button = document.getElementById("recovery-download");
  button.onclick = () => {
    const text = [t("security.codesFileTitle").replace("{email}", auth.user.email), "", ...codes, ""].join("\r\n");
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" })), download: "vigie-recovery-codes.txt" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
}
