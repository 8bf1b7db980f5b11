package bulk_test

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"vigie/internal/bulk"
)

func newApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	if _, err := app.DB().NewQuery("CREATE TABLE t (id TEXT PRIMARY KEY, a TEXT NOT NULL, b INTEGER)").Execute(); err != nil {
		t.Fatal(err)
	}
	return app
}

func count(t *testing.T, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT count(*) FROM t").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Rows beyond one statement's parameters are all written, and the work
// queued after commit runs once the transaction has committed.
func TestFlushWritesEveryRowThenRunsAfterCommit(t *testing.T) {
	app := newApp(t)
	const rows = 1_234 // 3 columns: a dozen statements
	sent := 0
	err := app.RunInTransaction(func(tx core.App) error {
		w := bulk.New()
		for i := range rows {
			w.Row("t", map[string]any{"id": core.GenerateDefaultRandomId(), "a": "x", "b": i})
		}
		w.AfterCommit(func() { sent++ })
		if err := w.Flush(tx); err != nil {
			return err
		}
		if sent != 0 {
			t.Error("after-commit work ran before the commit")
		}
		if w.Len() != 0 {
			t.Errorf("the writer keeps %d rows after Flush", w.Len())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, app); n != rows || sent != 1 {
		t.Fatalf("%d rows written, after-commit ran %d times; want %d and 1", n, sent, rows)
	}
	var sum int
	if err := app.DB().NewQuery("SELECT sum(b) FROM t").Row(&sum); err != nil || sum != rows*(rows-1)/2 {
		t.Fatalf("values: sum %d, want %d (%v)", sum, rows*(rows-1)/2, err)
	}
}

// A failing write leaves nothing once the caller rolls back, and what was
// queued to run after commit never runs.
func TestFailedFlushLeavesNothing(t *testing.T) {
	app := newApp(t)
	sent := 0
	err := app.RunInTransaction(func(tx core.App) error {
		w := bulk.New()
		w.Row("t", map[string]any{"id": "same", "a": "x", "b": 1})
		w.Row("t", map[string]any{"id": "other", "a": "x", "b": 2})
		w.Row("t", map[string]any{"id": "same", "a": "x", "b": 3}) // primary key taken
		w.AfterCommit(func() { sent++ })
		return w.Flush(tx)
	})
	if err == nil {
		t.Fatal("a duplicate key was written")
	}
	if n := count(t, app); n != 0 || sent != 0 {
		t.Fatalf("%d rows left, after-commit ran %d times; want none", n, sent)
	}
}

func TestRowsMustShareColumns(t *testing.T) {
	app := newApp(t)
	w := bulk.New()
	w.Row("t", map[string]any{"id": "1", "a": "x", "b": 1})
	w.Row("t", map[string]any{"id": "2", "a": "x", "c": 1})
	if err := w.Flush(app); err == nil {
		t.Fatal("rows with other columns were accepted")
	}
}

// Record gives a new record what a save would: id, creation dates and, for
// auth records, a token key.
func TestRecordIsCompletedLikeASave(t *testing.T) {
	app := newApp(t)
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(users)
	u.SetEmail("bulk@example.test")
	u.SetPassword("a long enough password")
	w := bulk.New()
	if err := w.Record(u); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(app); err != nil {
		t.Fatal(err)
	}
	stored, err := app.FindAuthRecordByEmail("users", "bulk@example.test")
	if err != nil {
		t.Fatal(err)
	}
	if stored.Id != u.Id || stored.TokenKey() == "" || stored.GetDateTime("created").IsZero() || !stored.ValidatePassword("a long enough password") {
		t.Fatalf("stored %v", stored.PublicExport())
	}
	if u.IsNew() {
		t.Fatal("the record still reads as new")
	}
}
