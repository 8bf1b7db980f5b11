// Vigie pages: a thin client of the REST API. The token lives in
// sessionStorage (OWASP ASVS 3.2.3): it dies with the tab instead of staying
// on disk after the browser closes. Every call sends it and turns an error
// answer into an exception that carries PocketBase's {status, message, data}.
"use strict";

const auth = {
  get token() { return sessionStorage.getItem("vigie.token") || ""; },
  get user() { try { return JSON.parse(sessionStorage.getItem("vigie.user")); } catch { return null; } },
  save(token, user) {
    sessionStorage.setItem("vigie.token", token);
    sessionStorage.setItem("vigie.user", JSON.stringify(user));
  },
  clear() {
    sessionStorage.removeItem("vigie.token");
    sessionStorage.removeItem("vigie.user");
  },
};

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || "HTTP " + status);
    this.status = status;
    this.body = body || {};
  }
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (auth.token) headers.Authorization = auth.token;
  const init = { method, headers };
  if (body instanceof FormData) {
    init.body = body;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function records(collection, params) {
  const q = new URLSearchParams(Object.assign({ perPage: "200", skipTotal: "1" }, params || {}));
  return api("GET", `/api/collections/${collection}/records?${q}`);
}

// pbString quotes a value for a PocketBase filter.
function pbString(v) {
  return '"' + String(v).replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

function requireSignIn() {
  if (!auth.token) {
    location.href = "/";
    return false;
  }
  return true;
}

// errorText explains an ApiError, naming the faulty fields.
function errorText(err) {
  if (!(err instanceof ApiError)) return t("error.generic");
  const fields = Object.entries(err.body.data || {}).map(([k, v]) => `${k}: ${v.message || v}`);
  return [err.body.message || t("error.generic")].concat(fields).join(" — ");
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => {
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  });
  children.flat().forEach((c) => e.append(c instanceof Node ? c : document.createTextNode(c ?? "")));
  return e;
}

// flash shows a status line in the page's #flash element.
function flash(text, isError) {
  const f = document.getElementById("flash");
  f.textContent = text;
  f.className = isError ? "flash error" : "flash";
  f.hidden = false;
}

async function signOut() {
  try { await api("POST", "/api/vigie/auth/logout"); } catch { /* the session ends anyway */ }
  auth.clear();
  location.href = "/";
}

// startPage runs a signed-in page built around one establishment: the
// header, the user's establishments in the select selectId, and
// show(id, membership) for the chosen one, again on each change.
async function startPage(selectId, show) {
  if (!requireSignIn()) return;
  document.getElementById("whoami").textContent = auth.user.email;
  document.getElementById("signout").addEventListener("click", signOut);
  const select = document.getElementById(selectId);
  let memberships = [];
  const run = () => show(select.value, memberships.find((m) => m.establishment === select.value));
  select.addEventListener("change", () => run().catch((err) => flash(errorText(err), true)));
  try {
    const res = await records("memberships", { filter: `user = ${pbString(auth.user.id)}`, expand: "establishment" });
    memberships = res.items;
    select.replaceChildren(...memberships.map((m) => el("option", { value: m.establishment }, m.expand.establishment.name)));
    await run();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) signOut();
    else flash(errorText(err), true);
  }
}
