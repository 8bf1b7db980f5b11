package cmd

import (
	"bytes"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"vigie/hooks/demo"
	"vigie/internal/oraclenet"
	"vigie/internal/schema"
	"vigie/internal/testkit"
)

// `vigie access rebuild` gives back, over the demo data, every access row
// the hooks wrote, and prints each phase's progress.
func TestAccessRebuildCommand(t *testing.T) {
	app := testkit.NewApp(t)
	cfg := testkit.Config()
	if _, err := demo.Load(app, &cfg); err != nil {
		t.Fatal(err)
	}
	want := oraclenet.DerivedRows(t, app)
	for _, table := range []string{schema.Grants, schema.DocumentAccess} {
		if _, err := app.DB().Delete(table, dbx.NewExp("1=1")).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	c := accessCommand(app)
	var out bytes.Buffer
	c.SetOut(&out)
	c.SetArgs([]string{"rebuild"})
	if err := c.Execute(); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{"users", "memberships", "rosters", "access rows rebuilt in"} {
		if !strings.Contains(out.String(), line) {
			t.Fatalf("no %q in what the command printed:\n%s", line, out.String())
		}
	}
	if diff := oraclenet.RowDiff(want, oraclenet.DerivedRows(t, app)); diff != "" {
		t.Fatalf("the command's rows differ from the hooks':\n%s", diff)
	}
}
