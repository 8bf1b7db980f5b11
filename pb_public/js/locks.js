// Record locks on the pages (K1-K5): the eye, pen and padlock of a record,
// an edit flow that takes the lock first, release, and an admin's
// force-unlock. Reusable for any lockable record: give it the collection, the
// record, the lock box element and what to do on edit.
import { t } from "./i18n.js";
import { api, el, errorText, flash, formatTime } from "./api.js";

export const LOCK_ICONS = { editable: "✎", read_only: "👁", locked_by_you: "🔒" };

// lockDetail is what the caller sees of a record's lock (U7): its state,
// who holds it until when, and whether an admin forced the caller's own.
export function lockDetail(collection, id) {
  return api("GET", `/api/vigie/locks/${encodeURIComponent(collection)}/${encodeURIComponent(id)}`);
}

// LOCK_WATCH is how often a page that edits checks its lock is still its
// own: an admin may force it, and the holder must know before saving.
export const LOCK_WATCH = 30000;

// mountLock wires a lock box. opts: {collection, id, box, canForce, onEdit(editing)}.
// The returned check() says whether the caller still holds the lock, and
// tells her when she does not; call it before saving.
export async function mountLock(opts) {
  const box = opts.box;
  const q = (c) => box.querySelector(c);
  let editing = false;
  let watch = null;
  async function render() {
    const d = await lockDetail(opts.collection, opts.id);
    const state = d.state;
    box.dataset.state = state;
    q(".lock-icon").textContent = LOCK_ICONS[state];
    let label = t("lock." + state);
    if (d.holder && state === "locked_by_you") label = t("lock.yoursUntil").replace("{until}", formatTime(d.expiresAt));
    else if (d.holder) label = t("lock.heldBy").replace("{name}", d.holderName).replace("{until}", formatTime(d.expiresAt));
    q(".lock-label").textContent = label;
    q(".lock-edit").hidden = state !== "editable";
    q(".lock-release").hidden = state !== "locked_by_you";
    q(".lock-force").hidden = !(d.holder && state === "read_only" && opts.canForce);
    const was = editing;
    editing = state === "locked_by_you";
    if (was && !editing) {
      const lost = d.forced
        ? t("lock.forcedBy").replace("{name}", d.forced.byName || t("lock.anAdmin")).replace("{at}", formatTime(d.forced.at))
        : t("lock.lost");
      flash(lost, true);
      box.dataset.lost = d.forced ? "forced" : "expired";
    }
    clearInterval(watch);
    if (editing) watch = setInterval(() => render().catch(() => {}), LOCK_WATCH);
    opts.onEdit(editing);
    return editing;
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
  q(".lock-release").onclick = () => { editing = false; return act(() => api("DELETE", path)); };
  q(".lock-force").onclick = () => act(() => api("DELETE", path));
  await render();
  return {
    render,
    check: () => render(),
    release: () => { editing = false; return act(() => api("DELETE", path)); },
  };
}

// lockBox builds the element mountLock expects, for records listed in tables.
export function lockBox() {
  return el("span", { class: "lock" },
    el("span", { class: "lock-icon", "aria-hidden": "true" }), " ", el("span", { class: "lock-label" }),
    el("button", { type: "button", class: "lock-edit", hidden: "" }, t("lock.edit")),
    el("button", { type: "button", class: "lock-release", hidden: "" }, t("lock.release")),
    el("button", { type: "button", class: "lock-force danger", hidden: "" }, t("lock.force")));
}
