package demo_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"vigie/hooks/demo"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// P3: the demo data set loads, signs in with the printed password, and a
// second run changes nothing.
func TestDemoLoadsOnceP3(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	first, err := demo.Load(app, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	counts := func() [6]int64 {
		e, _ := app.CountRecords(schema.Establishments)
		u, _ := app.CountRecords(schema.Users)
		m, _ := app.CountRecords(schema.Memberships)
		r, _ := app.CountRecords(schema.Relationships)
		q, _ := app.CountRecords(schema.Requirements)
		d, _ := app.CountRecords(schema.Documents)
		return [6]int64{e, u, m, r, q, d}
	}
	before := counts()
	if before[3] != 2 {
		t.Fatalf("relationships = %d, want 2", before[3])
	}
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	if after := counts(); after != before {
		t.Fatalf("second run changed counts %v → %v", before, after)
	}
	seen := map[string]bool{}
	for _, a := range first {
		u, err := app.FindAuthRecordByEmail(schema.Users, a.Email)
		if err != nil || !u.ValidatePassword(demo.Password) {
			t.Fatalf("%s cannot sign in with the demo password", a.Email)
		}
		seen[a.Profile] = true
	}
	if len(seen) != 7 {
		t.Fatalf("demo covers %d profiles, want all 7: %v", len(seen), seen)
	}
	// D5: documents in every status, and a missing one on the dashboard.
	statuses := map[string]bool{}
	docs, _ := app.FindAllRecords(schema.Documents)
	for _, d := range docs {
		statuses[d.GetString("status")] = true
	}
	for _, s := range []string{schema.StatusValid, schema.StatusExpiring, schema.StatusExpired, schema.StatusSuperseded} {
		if !statuses[s] {
			t.Errorf("no demo document is %s: %v", s, statuses)
		}
	}
	n, _ := app.CountRecords(schema.Grants, dbx.HashExp{"capability": "manage"})
	if n != 4 {
		t.Fatalf("manage grants = %d, want one per demo establishment", n)
	}
}
