package oraclenet

import (
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// DerivedRows lists every grant and access row, whatever its source,
// without ids: what a rebuild must give back.
func DerivedRows(t testing.TB, app core.App) []string {
	t.Helper()
	var rows []string
	for _, q := range []string{
		"SELECT 'grant ' || membership || ' ' || user || ' ' || establishment || ' ' || capability || ' ' || reach || ' ' || customer || ' ' || relationship || ' ' || source || ' ' || expiresAt FROM grants",
		"SELECT 'access ' || user || ' ' || kind || ' ' || key || ' m=' || membership || ' r=' || relationship || ' s=' || support || ' o=' || roster FROM document_access",
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

// RowDiff lists the rows only one side has, at most 40.
func RowDiff(want, got []string) string {
	count := map[string]int{}
	for _, r := range want {
		count[r]++
	}
	for _, r := range got {
		count[r]--
	}
	var out []string
	for r, n := range count {
		switch {
		case n > 0:
			out = append(out, "missing: "+r)
		case n < 0:
			out = append(out, "extra:   "+r)
		}
	}
	slices.Sort(out)
	if len(out) > 40 {
		out = append(out[:40], "...")
	}
	var s string
	for _, line := range out {
		s += line + "\n"
	}
	return s
}
