// Sign-in page: the password, then, for a user with two-factor
// authentication, the code of the authenticator app or a recovery code (S2).
import { t } from "./i18n.js";
import { ApiError, api, auth, errorText } from "./api.js";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("signin");
  const error = document.getElementById("signin-error");
  const step = document.getElementById("totp-step");
  let challenge = "";
  const done = (res) => {
    auth.save(res.token, res.record);
    location.href = "/company.html";
  };
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      done(await api("POST", "/api/collections/users/auth-with-password", {
        identity: form.email.value.trim(),
        password: form.password.value,
      }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401 && err.body.totpChallenge) {
        challenge = err.body.totpChallenge;
        form.hidden = true;
        step.hidden = false;
        document.getElementById("totp-code").focus();
        return;
      }
      error.textContent = err instanceof ApiError && err.status === 400 ? t("signin.failed") : errorText(err);
      error.hidden = false;
    }
  });
  document.getElementById("use-recovery").addEventListener("click", () => {
    document.getElementById("totp-code-label").hidden = true;
    document.getElementById("recovery-label").hidden = false;
  });
  step.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const code = document.getElementById("totp-code").value.trim();
    const recoveryCode = document.getElementById("recovery-code").value.trim();
    try {
      done(await api("POST", "/api/vigie/auth/totp", recoveryCode ? { challenge, recoveryCode } : { challenge, code }));
    } catch (err) {
      const e = document.getElementById("totp-error");
      e.textContent = t("totp.failed");
      e.hidden = false;
    }
  });
});
