// Invitation page: an invited user chooses a password with the token from
// the email (PocketBase's password-reset confirmation).
import { t } from "./i18n.js";
import { api, el, errorText, flash } from "./api.js";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("invite");
  const message = document.getElementById("invite-message");
  const token = new URLSearchParams(location.search).get("token") || "";
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    message.className = "error";
    if (form.password.value !== form.passwordConfirm.value) {
      message.textContent = t("invite.mismatch");
      message.hidden = false;
      return;
    }
    try {
      await api("POST", "/api/collections/users/confirm-password-reset", {
        token, password: form.password.value, passwordConfirm: form.passwordConfirm.value,
      });
      message.className = "flash";
      message.replaceChildren(t("invite.done") + " ", el("a", { href: "/" }, t("signin.submit")));
      form.querySelector("button[type=submit]").disabled = true;
    } catch (err) {
      message.textContent = errorText(err);
    }
    message.hidden = false;
  });
});
