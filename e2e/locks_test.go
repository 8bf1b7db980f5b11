package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"

	"vigie/internal/browsertest"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// K1, K4, K5, P2: two admins in two browsers. The first edits Home's details
// and sees the padlock; the second sees the eye, forces the lock; the first
// then sees the pen again.
func TestLocksTwoUsersK1(t *testing.T) {
	w := testkit.NewWorld(t)
	second := testkit.User(t, w.App, "second-admin@home.test")
	testkit.Member(t, w.App, second, w.Home, profiles.Admin)
	base := browsertest.Serve(t, w.App)
	first, other := browsertest.Browser(t), browsertest.Browser(t)
	browsertest.SignIn(t, first, base, "admin@home.test", testkit.Password, `#est-lock[data-state="editable"]`)
	browsertest.Do(t, first,
		chromedp.Click(chromedp.CSS("#est-lock .lock-edit")),
		chromedp.WaitVisible(chromedp.CSS(`#est-lock[data-state="locked_by_you"]`)),
		chromedp.WaitVisible(chromedp.CSS("#est-form")),
	)
	if icon := browsertest.Text(t, first, "#est-lock .lock-icon"); icon != "🔒" {
		t.Fatalf("holder's icon = %q", icon)
	}
	browsertest.SignIn(t, other, base, "second-admin@home.test", testkit.Password, `#est-lock[data-state="read_only"]`)
	if icon := browsertest.Text(t, other, "#est-lock .lock-icon"); icon != "👁" {
		t.Fatalf("other admin's icon = %q", icon)
	}
	browsertest.Do(t, other,
		chromedp.WaitVisible(chromedp.CSS("#est-lock .lock-force")),
		chromedp.Click(chromedp.CSS("#est-lock .lock-force")),
		chromedp.WaitVisible(chromedp.CSS(`#est-lock[data-state="editable"]`)),
	)
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": "lock.force_unlocked", "actor": second.Id}); n != 1 {
		t.Fatalf("force-unlock audit rows = %d", n)
	}
	browsertest.Do(t, first,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`#est-lock[data-state="editable"]`)),
	)
	if icon := browsertest.Text(t, first, "#est-lock .lock-icon"); icon != "✎" {
		t.Fatalf("after the force, the first admin's icon = %q", icon)
	}
}
