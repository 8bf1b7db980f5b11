package planner_test

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"
)

// Every rule joins access rows on the COALESCE of their key and of the
// record's column, with an index on each side's expression. SQLite 3.51.3
// (modernc.org/sqlite v1.48.0) answered such a join wrongly, with no row,
// once the query also held column = 'x': a customer's contracts filtered by
// their relationship came back empty. 3.54.1 answers right; this fails on
// an engine that does not.
func TestExpressionIndexJoinWithAnEqualityOnTheColumn(t *testing.T) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE contracts (id TEXT PRIMARY KEY, relationship TEXT DEFAULT '' NOT NULL)",
		"CREATE INDEX contracts_key ON contracts (COALESCE(relationship, ''))",
		"CREATE TABLE access (id TEXT PRIMARY KEY, user TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL)",
		"CREATE INDEX access_user_kind_key ON access (user, kind, COALESCE(key, ''))",
		"INSERT INTO contracts VALUES ('c1', 'r1')",
		"INSERT INTO access VALUES ('a1', 'u1', 'relationship', 'r1')",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	var n int
	err = db.QueryRow("SELECT count(*) FROM contracts JOIN access a ON a.user = 'u1' AND a.kind = 'relationship'" +
		" AND COALESCE(a.key, '') = COALESCE(contracts.relationship, '') WHERE contracts.relationship = 'r1'").Scan(&n)
	if err != nil || n != 1 {
		var version string
		db.QueryRow("SELECT sqlite_version()").Scan(&version)
		t.Fatalf("SQLite %s found %d rows (%v), want 1", version, n, err)
	}
}
