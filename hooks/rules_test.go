package hooks_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"vigie/internal/testkit"
)

var update = flag.Bool("update", false, "rewrite testdata/rules.json from the migrations")

// Pins every collection's five rules: a dashboard edit or a migration that
// loosens access fails here until the snapshot is reviewed and rewritten
// (go test ./hooks -run TestRulesSnapshot -update).
func TestRulesSnapshot(t *testing.T) {
	app := testkit.NewApp(t)
	collections, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	show := func(r *string) string {
		if r == nil {
			return "<superusers only>"
		}
		if *r == "" {
			return "<anyone>"
		}
		return *r
	}
	got := map[string]map[string]string{}
	for _, c := range collections {
		if c.System && c.Name != "users" {
			continue
		}
		got[c.Name] = map[string]string{
			"list": show(c.ListRule), "view": show(c.ViewRule), "create": show(c.CreateRule),
			"update": show(c.UpdateRule), "delete": show(c.DeleteRule),
		}
	}
	const golden = "testdata/rules.json"
	if *update {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(got); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var want map[string]map[string]string
	raw, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for name, rules := range got {
		for op, r := range rules {
			if want[name][op] != r {
				t.Errorf("%s %s rule changed:\n got: %s\nwant: %s", name, op, r, want[name][op])
			}
		}
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			t.Errorf("collection %s is gone", name)
		}
	}
}
