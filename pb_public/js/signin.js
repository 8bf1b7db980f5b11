// Sign-in page: password first; the TOTP step joins it with issue 5.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("signin");
  const error = document.getElementById("signin-error");
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    try {
      const res = await api("POST", "/api/collections/users/auth-with-password", {
        identity: form.email.value.trim(),
        password: form.password.value,
      });
      auth.save(res.token, res.record);
      location.href = "/company.html";
    } catch (err) {
      error.textContent = err instanceof ApiError && err.status === 400 ? t("signin.failed") : errorText(err);
      error.hidden = false;
    }
  });
});
