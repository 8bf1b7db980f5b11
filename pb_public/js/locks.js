// Record locks on the pages (K1-K5): the eye, pen and padlock of a record,
// an edit flow that takes the lock first, release, and an admin's
// force-unlock. Reusable for any lockable record: give it the collection, the
// record, the lock box element and what to do on edit.
"use strict";

const LOCK_ICONS = { editable: "✎", read_only: "👁", locked_by_you: "🔒" };

async function lockState(collection, id) {
  const states = await api("GET", `/api/vigie/locks?collection=${encodeURIComponent(collection)}&ids=${encodeURIComponent(id)}`);
  return states[id] || "read_only";
}

// mountLock wires a lock box. opts: {collection, id, box, canForce, onEdit(editing)}.
async function mountLock(opts) {
  const box = opts.box;
  const q = (c) => box.querySelector(c);
  async function render() {
    const state = await lockState(opts.collection, opts.id);
    box.dataset.state = state;
    q(".lock-icon").textContent = LOCK_ICONS[state];
    q(".lock-label").textContent = t("lock." + state);
    q(".lock-edit").hidden = state !== "editable";
    q(".lock-release").hidden = state !== "locked_by_you";
    q(".lock-force").hidden = !(state === "read_only" && opts.canForce);
    opts.onEdit(state === "locked_by_you");
  }
  async function act(fn) {
    try {
      await fn();
    } catch (err) {
      flash(errorText(err), true);
    }
    await render();
  }
  const path = `/api/vigie/locks/${opts.collection}/${opts.id}`;
  q(".lock-edit").onclick = () => act(() => api("POST", "/api/vigie/locks", { collection: opts.collection, recordId: opts.id }));
  q(".lock-release").onclick = () => act(() => api("DELETE", path));
  q(".lock-force").onclick = () => act(() => api("DELETE", path));
  await render();
  return { render, release: () => act(() => api("DELETE", path)) };
}

// lockBox builds the element mountLock expects, for records listed in tables.
function lockBox() {
  return el("span", { class: "lock" },
    el("span", { class: "lock-icon", "aria-hidden": "true" }), " ", el("span", { class: "lock-label" }),
    el("button", { type: "button", class: "lock-edit", hidden: "" }, t("lock.edit")),
    el("button", { type: "button", class: "lock-release", hidden: "" }, t("lock.release")),
    el("button", { type: "button", class: "lock-force danger", hidden: "" }, t("lock.force")));
}
