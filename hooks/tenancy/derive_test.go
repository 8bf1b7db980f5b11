package tenancy_test

import (
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/oraclenet"
	"vigie/internal/profiles"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// richWorld is testkit's World with everything the derivation reads:
// relationships both ways with an owner and reference contacts, an ended
// one, requirements for all suppliers and for one, a customer's own type,
// support access until a date, and an establishment requiring TOTP with a
// member who has not enrolled.
func richWorld(t *testing.T) *testkit.World {
	w := testkit.NewWorld(t)
	app := w.App
	adviser := testkit.User(t, app, "adviser@customer.test")
	testkit.Member(t, app, testkit.User(t, app, "admin@customer.test"), w.Customer, profiles.Admin)
	testkit.Member(t, app, adviser, w.Customer, profiles.FullAccess, func(m *core.Record) { m.Set("visibility", schema.VisibilityAssigned) })
	testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active",
		"owner": adviser.Id, "referents": []string{w.Users[testkit.Feedback].Id, w.Users[testkit.Collector].Id}})
	testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Home.Id, "supplier": w.Unrelated.Id, "status": "active",
		"referents": []string{w.Users[testkit.Outsider].Id}})
	testkit.Record(t, app, schema.Relationships, map[string]any{"customer": w.Sister.Id, "supplier": w.Home.Id, "status": "ended"})
	testkit.Record(t, app, schema.Requirements, map[string]any{"customer": w.Customer.Id, "type": testkit.TypeID(t, app, "kbis")})
	testkit.Record(t, app, schema.Requirements, map[string]any{"customer": w.Customer.Id, "type": testkit.TypeID(t, app, "urssaf"), "supplier": w.Home.Id})
	testkit.Record(t, app, schema.Requirements, map[string]any{"customer": w.Home.Id, "type": testkit.TypeID(t, app, "bank_details")})
	testkit.Record(t, app, schema.DocumentTypes, map[string]any{"code": "plan", "name": "Plan de prévention", "kind": "legal", "owner": w.Customer.Id, "validityDays": 365})
	w.Home.Set("supportAccess", true)
	w.Home.Set("supportUntil", time.Now().Add(48*time.Hour))
	testkit.Save(t, app, w.Home)
	w.Unrelated.Set("requireTotp", true)
	testkit.Save(t, app, w.Unrelated)
	testkit.Member(t, app, testkit.User(t, app, "no-totp@unrelated.test"), w.Unrelated, profiles.Processing)
	return w
}

// A rebuild from nothing gives exactly the rows the hooks wrote one change
// at a time, and records the derivation, so serve does not rebuild again.
func TestRebuildMatchesHooks(t *testing.T) {
	w := richWorld(t)
	want := oraclenet.DerivedRows(t, w.App)
	kinds := map[string]bool{}
	var got []string
	if err := w.App.DB().NewQuery("SELECT DISTINCT kind FROM document_access").Column(&got); err != nil {
		t.Fatal(err)
	}
	for _, k := range got {
		kinds[k] = true
	}
	for _, k := range []string{"", "self", "user", "relationship", "types", "requirements", "member", "manage", "partner", "handle_documents"} {
		if !kinds[k] {
			t.Fatalf("the world derives no %q rows: the comparison would prove little (kinds: %v)", k, got)
		}
	}
	for _, table := range []string{schema.Grants, schema.DocumentAccess} {
		if _, err := w.App.DB().Delete(table, dbx.NewExp("1=1")).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.App.DB().NewQuery("UPDATE requirements SET partnerKey = ''").Execute(); err != nil {
		t.Fatal(err)
	}
	var phases []string
	err := tenancy.Rebuild(w.App, func(phase string, done, total int) {
		if done > total {
			t.Errorf("%s: %d done of %d", phase, done, total)
		}
		if !slices.Contains(phases, phase) {
			phases = append(phases, phase)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := oraclenet.RowDiff(want, oraclenet.DerivedRows(t, w.App)); diff != "" {
		t.Fatalf("rebuild differs from the hooks' rows:\n%s", diff)
	}
	if !slices.Equal(phases, []string{"users", "memberships", "rosters", "support"}) {
		t.Errorf("phases reported: %v", phases)
	}
	if rebuilt, err := tenancy.RebuildIfStale(w.App, nil); err != nil || rebuilt {
		t.Fatalf("after a rebuild, RebuildIfStale rebuilt again (%v, %v)", rebuilt, err)
	}
}

// Rows left by an older derivation (a kind no rule reads any more, a key
// out of date) are replaced: each source record's rows are rewritten
// whole, and rows with no source left are removed.
func TestRebuildReplacesStaleRows(t *testing.T) {
	w := richWorld(t)
	want := oraclenet.DerivedRows(t, w.App)
	admin := w.Memberships[testkit.Admin]
	for _, q := range []string{
		"UPDATE document_access SET key = 'stale' WHERE kind = 'self'",
		"INSERT INTO document_access (id, user, kind, key, membership) VALUES ('stale1', '" + admin.GetString("user") + "', 'old_kind', 'x', '" + admin.Id + "')",
		"INSERT INTO document_access (id, user, kind, key, roster) VALUES ('stale2', '" + admin.GetString("user") + "', 'user', 'x', '" + w.Customer.Id + "')",
		"UPDATE requirements SET partnerKey = 'wrong'",
		"UPDATE _params SET value = '\"older\"' WHERE id = 'vigie_access_derivation'",
	} {
		if _, err := w.App.DB().NewQuery(q).Execute(); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Serve rebuilds when the stored derivation is not this one.
	rebuilt, err := tenancy.RebuildIfStale(w.App, nil)
	if err != nil || !rebuilt {
		t.Fatalf("RebuildIfStale did not rebuild (%v, %v)", rebuilt, err)
	}
	if diff := oraclenet.RowDiff(want, oraclenet.DerivedRows(t, w.App)); diff != "" {
		t.Fatalf("rebuild left stale rows:\n%s", diff)
	}
	var wrong int
	if err := w.App.DB().NewQuery("SELECT count(*) FROM requirements WHERE partnerKey = 'wrong'").Row(&wrong); err != nil || wrong != 0 {
		t.Fatalf("%d requirement keys left wrong (%v)", wrong, err)
	}
}
