package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/network"
	"vigie/internal/browsertest"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// K1, K4, K5, P2: two admins in two browsers. The first edits Home's details
// and sees the padlock; the second sees the eye, forces the lock; the first
// then sees the pen again.
func TestLocksTwoUsersK1(t *testing.T) {
	browsertest.EachVariant(t, locksTwoUsers)
}

func locksTwoUsers(t *testing.T, v browsertest.Variant) {
	w := testkit.NewWorld(t)
	second := testkit.User(t, w.App, "second-admin@home.test")
	testkit.Member(t, w.App, second, w.Home, profiles.Admin)
	base := browsertest.Serve(t, w.App)
	first, other := browsertest.BrowserIn(t, v), browsertest.BrowserIn(t, v)
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
	// U7: the holder and until when show before any edit.
	holder := w.Users[testkit.Admin]
	if label := browsertest.Text(t, other, "#est-lock .lock-label"); !strings.Contains(label, holder.GetString("lastName")) || !strings.Contains(label, ":") {
		t.Fatalf("other admin reads %q, not who holds the lock until when", label)
	}
	browsertest.CheckPage(t, other, v, "company.html, locked by another")
	browsertest.Do(t, other,
		chromedp.WaitVisible(chromedp.CSS("#est-lock .lock-force")),
		chromedp.Click(chromedp.CSS("#est-lock .lock-force")),
		chromedp.WaitVisible(chromedp.CSS(`#est-lock[data-state="editable"]`)),
	)
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": "lock.force_unlocked", "actor": second.Id}); n != 1 {
		t.Fatalf("force-unlock audit rows = %d", n)
	}
	// U7: the first admin, who still has the form open, saves: the page
	// tells her who forced her lock, and nothing is written.
	name := w.Home.GetString("name")
	browsertest.Do(t, first,
		chromedp.SetValue(chromedp.CSS("#est-form [name=name]"), "Renamed after the force"),
		chromedp.Click(chromedp.CSS("#est-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`#est-lock[data-state="editable"][data-lost="forced"]`)),
	)
	if msg := browsertest.Text(t, first, "#flash"); !strings.Contains(msg, second.GetString("lastName")) {
		t.Fatalf("the former holder reads %q, not who forced her lock", msg)
	}
	browsertest.CheckPage(t, first, v, "company.html, lock forced")
	if after, _ := w.App.FindRecordById(schema.Establishments, w.Home.Id); after.GetString("name") != name {
		t.Fatalf("a save after the force went through: %q", after.GetString("name"))
	}
	if icon := browsertest.Text(t, first, "#est-lock .lock-icon"); icon != "✎" {
		t.Fatalf("after the force, the first admin's icon = %q", icon)
	}
}

// K1, N8: on "My customers", the supplier's admin takes the relationship's
// lock to change its reference contacts, and saving releases it.
func TestReferentsTakeTheLockK1(t *testing.T) {
	w := testkit.NewWorld(t)
	number := w.Home.GetString("siret")
	loadDirectory(t, w, map[string]string{number: "Home SA"})
	cfg := testkit.Config()
	if err := w.App.RunInTransaction(func(tx core.App) error {
		_, err := network.AddSupplier(tx, &cfg, w.Customer, network.NewSupplier{SIRET: number,
			Contact: network.Contact{Email: "collector@home.test"}}, audit.Entry{}, "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	base := browsertest.Serve(t, w.App)
	ctx := browsertest.Browser(t)
	browsertest.SignIn(t, ctx, base, "admin@home.test", testkit.Password, "#members tbody tr")
	row := `#customers tr[data-siret="` + w.Customer.GetString("siret") + `"]`
	browsertest.Do(t, ctx,
		chromedp.Navigate(base+"/customers.html"),
		chromedp.WaitVisible(chromedp.CSS(row+` .lock[data-state="editable"]`)),
		chromedp.Click(chromedp.CSS(row+" .lock-edit")),
		chromedp.WaitVisible(chromedp.CSS(row+` .lock[data-state="locked_by_you"]`)),
		chromedp.SetValue(chromedp.CSS(row+" select"), w.Users[testkit.Feedback].Id),
		chromedp.Click(chromedp.CSS(row+" .referents-save")),
		chromedp.WaitVisible(chromedp.CSS(row+` .lock[data-state="editable"]`)),
	)
	rel, err := w.App.FindFirstRecordByData(schema.Relationships, "customer", w.Customer.Id)
	if err != nil || len(rel.GetStringSlice("referents")) != 1 || rel.GetStringSlice("referents")[0] != w.Users[testkit.Feedback].Id {
		t.Fatalf("referents = %v, %v", rel.GetStringSlice("referents"), err)
	}
	if n, _ := w.App.CountRecords(schema.Locks); n != 0 {
		t.Fatalf("locks left after saving: %d", n)
	}
	// U1: the customers are searched by name, and counted.
	browsertest.Do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`#customers-filter [name=q]`), "nobody like this"),
		chromedp.WaitNotPresent(chromedp.CSS(row)),
		chromedp.WaitVisible(chromedp.CSS("#no-customers")),
	)
	browsertest.Do(t, ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector("#customers-filter [name=q]").value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#customers-filter [name=q]`), "customer"),
		chromedp.WaitVisible(chromedp.CSS(row)),
	)
	if got, want := browsertest.Text(t, ctx, "#customers-count"), browsertest.T(t, ctx, "filter.oneCustomer"); got != want {
		t.Errorf("count %q, want %q", got, want)
	}
}
