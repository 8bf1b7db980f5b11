package stmtcache

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
)

func open(t *testing.T) *dbx.DB {
	t.Helper()
	db, err := Connect(filepath.Join(t.TempDir(), "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.NewQuery("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)").Execute(); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := db.Insert("t", dbx.Params{"id": i, "name": fmt.Sprint("n", i)}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// onOneConn runs fn with a single connection of db and its cache.
func onOneConn(t *testing.T, db *dbx.DB, fn func(c *sql.Conn, cache func() []string)) {
	t.Helper()
	c, err := db.DB().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fn(c, func() (texts []string) {
		c.Raw(func(dc any) error {
			for el := dc.(*conn).recent.Front(); el != nil; el = el.Next() {
				texts = append(texts, el.Value.(*cached).text)
			}
			return nil
		})
		return texts
	})
}

// namesOf reads one text column of a query's rows, failing t on error.
func namesOf(t *testing.T) func(*sql.Rows, error) []string {
	return func(rows *sql.Rows, err error) []string { return readNames(t, rows, err) }
}

func readNames(t *testing.T, rows *sql.Rows, err error) []string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// A SELECT is kept from its second run on a connection, and each run binds
// its own values; writes are not kept.
func TestKeepsSelectsPerConnection(t *testing.T) {
	db := open(t)
	names := namesOf(t)
	ctx := context.Background()
	onOneConn(t, db, func(c *sql.Conn, cache func() []string) {
		const q = "SELECT name FROM t WHERE id >= ? ORDER BY id"
		for i := range 4 {
			got := names(c.QueryContext(ctx, q, i))
			if want := []string{"n0", "n1", "n2", "n3", "n4"}[i:]; !slices.Equal(got, want) {
				t.Fatalf("run %d: %v, want %v", i, got, want)
			}
		}
		if _, err := c.ExecContext(ctx, "UPDATE t SET name = 'x' WHERE id = 4"); err != nil {
			t.Fatal(err)
		}
		names(c.QueryContext(ctx, "  select name from t where id = 4"))
		if got := cache(); !slices.Equal(got, []string{q}) {
			t.Fatalf("kept after one run: %q", got)
		}
		names(c.QueryContext(ctx, "  select name from t where id = 4"))
		if got := cache(); !slices.Equal(got, []string{"  select name from t where id = 4", q}) {
			t.Fatalf("kept %q", got)
		}
		if got := names(c.QueryContext(ctx, q, 4)); !slices.Equal(got, []string{"x"}) {
			t.Fatalf("after the update: %v", got)
		}
	})
}

// The same text queried while its rows are still open on the connection
// (inside a transaction) runs on a statement of its own.
func TestSameTextWhileRowsOpen(t *testing.T) {
	db := open(t)
	names := namesOf(t)
	db.DB().SetMaxOpenConns(1)
	const q = "SELECT name FROM t WHERE id >= ? ORDER BY id"
	names(db.DB().Query(q, 0)) // seen once: the next run keeps it
	tx, err := db.DB().Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	outer, err := tx.Query(q, 3)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var s string
		outer.Scan(&s)
		got = append(got, s)
		got = append(got, names(tx.Query(q, 4))...)
	}
	outer.Close()
	if want := []string{"n3", "n4", "n4", "n4"}; !slices.Equal(got, want) {
		t.Fatalf("%v, want %v", got, want)
	}
}

// A kept statement sees a column added after it was compiled (SQLite
// compiles it again on a schema change).
func TestSeesSchemaChanges(t *testing.T) {
	db := open(t)
	ctx := context.Background()
	onOneConn(t, db, func(c *sql.Conn, _ func() []string) {
		cols := func() []string {
			rows, err := c.QueryContext(ctx, "SELECT * FROM t LIMIT 1")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			cs, _ := rows.Columns()
			return cs
		}
		cols()
		cols()
		if _, err := c.ExecContext(ctx, "ALTER TABLE t ADD COLUMN extra TEXT"); err != nil {
			t.Fatal(err)
		}
		if got := cols(); !slices.Equal(got, []string{"id", "name", "extra"}) {
			t.Fatalf("columns %v", got)
		}
	})
}

// A connection keeps at most PerConnection statements, the most recent.
func TestBoundsStatements(t *testing.T) {
	db := open(t)
	names := namesOf(t)
	ctx := context.Background()
	onOneConn(t, db, func(c *sql.Conn, cache func() []string) {
		for i := range PerConnection + 10 {
			q := fmt.Sprintf("SELECT name FROM t WHERE id = %d AND %d = %d", i%5, i, i)
			for range 2 {
				if got := names(c.QueryContext(ctx, q)); !slices.Equal(got, []string{fmt.Sprint("n", i%5)}) {
					t.Fatalf("query %d: %v", i, got)
				}
			}
		}
		kept := cache()
		if len(kept) != PerConnection || kept[0] != fmt.Sprintf("SELECT name FROM t WHERE id = %d AND %d = %d", (PerConnection+9)%5, PerConnection+9, PerConnection+9) {
			t.Fatalf("kept %d, newest %q", len(kept), kept[0])
		}
	})
}

// Many goroutines through the pool, some cancelled mid-read, then every
// kept statement still answers right (run with -race in CI).
func TestConcurrentQueries(t *testing.T) {
	db := open(t)
	db.DB().SetMaxOpenConns(4)
	const q = "SELECT name FROM t WHERE id >= ? ORDER BY id"
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				ctx, cancel := context.WithCancel(context.Background())
				rows, err := db.DB().QueryContext(ctx, q, i%5)
				if err != nil {
					cancel()
					errs <- err
					return
				}
				var got []string
				for rows.Next() {
					var s string
					rows.Scan(&s)
					got = append(got, s)
					if (g+i)%7 == 0 {
						cancel() // database/sql closes the rows under the reader
					}
				}
				rows.Close()
				cancel()
				if (g+i)%7 != 0 && len(got) != 5-i%5 {
					errs <- fmt.Errorf("goroutine %d run %d: %v", g, i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	names := namesOf(t)
	if got := names(db.DB().Query(q, 3)); !slices.Equal(got, []string{"n3", "n4"}) {
		t.Fatalf("after the load: %v", got)
	}
}
