package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"vigie/internal/planner"
	"vigie/internal/testkit"
)

// plan is the query plan of q on one connection of db.
func plan(t *testing.T, conn *dbx.DB, q string) string {
	t.Helper()
	rows, err := conn.NewQuery("EXPLAIN QUERY PLAN " + q).Rows()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "; ")
}

// Optimize analyses a table no query of its connection touched, bounded
// by the analysis limit, and every connection, already open or not, plans
// with the new statistics: here the index on a column of two values gives
// way to the one on a unique column.
func TestOptimizeReachesEveryConnection(t *testing.T) {
	app := testkit.NewApp(t)
	_, err := app.DB().NewQuery("CREATE TABLE pairs (a INTEGER, b INTEGER);" +
		"CREATE INDEX pairs_b ON pairs (b); CREATE INDEX pairs_a ON pairs (a);" +
		"INSERT INTO pairs WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) SELECT x % 2, x FROM c").Execute()
	if err != nil {
		t.Fatal(err)
	}
	db := app.ConcurrentDB().(*dbx.DB)
	conn, err := db.DB().Conn(context.Background()) // an open connection, its schema loaded
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const q = "SELECT * FROM pairs WHERE a = 0 AND b = 10"
	onConn := func() string {
		// A statement run, not only explained, finds the schema changed
		// and reloads it; EXPLAIN alone plans with what was loaded.
		if _, err := conn.ExecContext(context.Background(), "SELECT count(*) FROM pairs WHERE b = 1"); err != nil {
			t.Fatal(err)
		}
		var detail string
		var a, b, c int
		if err := conn.QueryRowContext(context.Background(), "EXPLAIN QUERY PLAN "+q).Scan(&a, &b, &c, &detail); err != nil {
			t.Fatal(err)
		}
		return detail
	}
	if before := onConn(); !strings.Contains(before, "pairs_a") {
		t.Fatalf("without statistics the plan already takes the better index: %s", before)
	}
	if err := planner.Optimize(app); err != nil {
		t.Fatal(err)
	}
	if after := onConn(); !strings.Contains(after, "pairs_b") {
		t.Errorf("open connection after Optimize: %s", after)
	}
	if after := plan(t, db, q); !strings.Contains(after, "pairs_b") {
		t.Errorf("pool after Optimize: %s", after)
	}
	var stat string
	if err := app.DB().NewQuery("SELECT stat FROM sqlite_stat1 WHERE idx = 'pairs_a'").Row(&stat); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stat, "20000 ") {
		t.Errorf("pairs_a statistics %q", stat)
	}
	if err := planner.Optimize(app); err != nil { // nothing to do
		t.Fatal(err)
	}
}
