package tenancy_test

import (
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/hooks/tenancy"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// derivedRows lists every membership-sourced grant and access row, without
// ids.
func derivedRows(t *testing.T, app core.App) []string {
	t.Helper()
	var rows []string
	for _, q := range []string{
		"SELECT 'grant ' || membership || ' ' || user || ' ' || establishment || ' ' || capability || ' ' || reach || ' ' || customer || ' ' || relationship FROM grants WHERE membership != ''",
		"SELECT 'access ' || membership || ' ' || user || ' ' || key || ' ' || relationship FROM document_access WHERE membership != ''",
	} {
		var got []string
		if err := app.DB().NewQuery(q).Column(&got); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, got...)
	}
	slices.Sort(rows)
	return rows
}

// SyncMemberships, which loaders use, writes exactly the rows the
// membership and relationship hooks wrote one by one, for every profile,
// partner and collector of the world.
func TestSyncMembershipsMatchesTheHooks(t *testing.T) {
	w := testkit.NewWorld(t)
	testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": w.Customer.Id, "supplier": w.Home.Id, "status": "active"})
	testkit.Record(t, w.App, schema.Relationships, map[string]any{"customer": w.Home.Id, "supplier": w.Unrelated.Id, "status": "active"})
	testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": w.Customer.Id, "type": testkit.TypeID(t, w.App, "kbis")})
	testkit.Record(t, w.App, schema.Requirements, map[string]any{"customer": w.Home.Id, "type": testkit.TypeID(t, w.App, "bank_details")})
	want := derivedRows(t, w.App)
	if len(want) < 50 {
		t.Fatalf("only %d rows: the comparison would prove little", len(want))
	}
	memberships, err := w.App.FindAllRecords(schema.Memberships)
	if err != nil {
		t.Fatal(err)
	}
	err = w.App.RunInTransaction(func(tx core.App) error {
		for _, table := range []string{schema.Grants, schema.DocumentAccess} {
			if _, err := tx.DB().Delete(table, dbx.NewExp("membership != ''")).Execute(); err != nil {
				return err
			}
		}
		return tenancy.SyncMemberships(tx, memberships)
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := derivedRows(t, w.App); !slices.Equal(got, want) {
		t.Fatalf("%d rows after SyncMemberships, %d written by the hooks:\n got %q\nwant %q", len(got), len(want), got, want)
	}
}
