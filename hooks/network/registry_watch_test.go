package network_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/audit"
	"vigie/hooks/network"
	"vigie/hooks/notify"
	"vigie/internal/calendar"
	"vigie/internal/schema"
	"vigie/internal/sirene"
	"vigie/internal/testkit"
)

// loadDirectoryState imports one directory line for est in the given
// administrative state ("A" active, "F" closed), as INSEE's file says it.
func loadDirectoryState(t *testing.T, app core.App, est *core.Record, state string) {
	t.Helper()
	number := est.GetString("siret")
	csv := "siren,nic,siret,denominationUsuelleEtablissement,codePostalEtablissement,libelleCommuneEtablissement,activitePrincipaleEtablissement,etatAdministratifEtablissement\n" +
		fmt.Sprintf("%s,%s,%s,%s,75001,Lyon,43.21A,%s\n", number[:9], number[9:], number, est.GetString("name"), state)
	r, err := sirene.NewEstablishmentReader(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := network.ImportDirectory(app, r, func(e *sirene.RowError) { t.Errorf("bad line: %v", e) }, nil); err != nil {
		t.Fatal(err)
	}
}

func directoryActive(t *testing.T, app core.App, siret string) bool {
	t.Helper()
	var active int
	if err := app.DB().NewQuery("SELECT active FROM directory WHERE siret = {:s}").Bind(dbx.Params{"s": siret}).Row(&active); err != nil {
		t.Fatal(err)
	}
	return active == 1
}

// V9: when a directory import says a supplier closed, the portal marks it
// closed (audited), and the customers under a live contract with it are
// told (their admins and the member in charge, in-app and by email);
// a customer whose contract ended, the supplier's own members and anyone
// else are not. Editing the establishment keeps the directory's state; a
// second watch changes nothing; a reopening clears the mark.
func TestRegistryWatchV9(t *testing.T) {
	w := newNetWorld(t)
	cfg := testkit.Config()
	today := calendar.Today(time.Now(), cfg.TimeZone)
	contract := func(customer *core.Record, startsOn, endsOn string) {
		t.Helper()
		rel, err := w.App.FindFirstRecordByFilter(schema.Relationships, "customer = {:c} && supplier = {:s}",
			dbx.Params{"c": customer.Id, "s": w.Supplier.Id})
		if err != nil {
			t.Fatal(err)
		}
		testkit.Record(t, w.App, schema.Contracts, map[string]any{"relationship": rel.Id, "reference": "C-" + customer.Id,
			"amountExclTax": 20000, "startsOn": startsOn, "endsOn": endsOn, "coContractor": "french"})
	}
	contract(w.Home, calendar.AddMonths(today, -2), "")
	w.addSupplier(t, w.Unrelated, w.Supplier.GetString("siret"), "member@supplier.test")
	contract(w.Unrelated, calendar.AddMonths(today, -14), calendar.AddMonths(today, -2))

	told := func(user *core.Record) int64 {
		n, _ := w.App.CountRecords(schema.Notifications, dbx.HashExp{"user": user.Id, "kind": notify.KindSupplierClosed})
		return n
	}
	loadDirectoryState(t, w.App, w.Supplier, "F")
	changes, err := network.WatchRegistry(w.App, &cfg, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if changes.Closed != 1 || changes.Reopened != 0 || changes.Informed != 1 {
		t.Errorf("changes %+v, want 1 closed, 1 person informed", changes)
	}
	after, _ := w.App.FindRecordById(schema.Establishments, w.Supplier.Id)
	if after.GetDateTime("closedAt").IsZero() {
		t.Fatal("the supplier is not marked closed")
	}
	if n := told(w.Users[testkit.Admin]); n != 1 {
		t.Errorf("Home's admin told %d times, want 1", n)
	}
	for _, u := range []*core.Record{w.Users[testkit.Outsider], w.SupplierAdmin, w.Users[testkit.Processing]} {
		if n := told(u); n != 0 {
			t.Errorf("%s was told: %d", u.Email(), n)
		}
	}
	if msg := w.App.TestMailer.LastMessage(); !strings.Contains(msg.Subject, "fermé au registre") || !strings.Contains(msg.Text, w.Supplier.GetString("siret")) {
		t.Errorf("mail %q: %q", msg.Subject, msg.Text)
	}
	if n, _ := w.App.CountRecords(schema.AuditLog, dbx.HashExp{"action": audit.RegistryClosed, "recordId": w.Supplier.Id}); n != 1 {
		t.Errorf("closing audit rows: %d", n)
	}
	// The portal's own edit of the establishment keeps the registry's state.
	after.Set("name", "Fournitures Dupont (ancienne)")
	testkit.Save(t, w.App, after)
	if directoryActive(t, w.App, w.Supplier.GetString("siret")) {
		t.Error("editing the closed establishment made it active in the directory")
	}
	if again, err := network.WatchRegistry(w.App, &cfg, time.Now()); err != nil || again != (network.RegistryChanges{}) {
		t.Errorf("a second watch changed %+v (%v)", again, err)
	}
	if n := told(w.Users[testkit.Admin]); n != 1 {
		t.Errorf("after a second watch, Home's admin told %d times", n)
	}

	loadDirectoryState(t, w.App, after, "A")
	changes, err = network.WatchRegistry(w.App, &cfg, time.Now())
	if err != nil || changes.Reopened != 1 || changes.Closed != 0 {
		t.Fatalf("reopening: %+v (%v)", changes, err)
	}
	if reopened, _ := w.App.FindRecordById(schema.Establishments, w.Supplier.Id); !reopened.GetDateTime("closedAt").IsZero() {
		t.Error("a reopened establishment stays closed")
	}
}
