package stmtcache

import (
	"context"
	"errors"
	"testing"
	"time"
)

// rowByRow counts to its parameter in SQLite, one row at a time: its first
// row comes at once, its second only after the whole count (seconds), so
// a deadline falls between two of its rows. modernc interrupts only the
// computing of a first row.
const rowByRow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1) " +
	"SELECT x FROM c WHERE x = 1 OR x = ?1"

// oneStep is the same count in a single step (an aggregate).
const oneStep = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?1) SELECT count(*) FROM c"

// far is tens of seconds of counting (about a million rows a second).
const far = 20_000_000

// A query stops soon after its context ends, whether it is computing its
// first row or a later one, kept or not (S13: a query stops when its client
// goes away); the connection then serves the next query normally, and a
// context ending after its rows are closed interrupts nothing.
func TestCancellationInterrupts(t *testing.T) {
	db := open(t)
	db.DB().SetMaxOpenConns(1) // every query below on the same connection
	for run := range 3 {       // not kept, then kept, then reused
		for _, q := range []string{oneStep, rowByRow} {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			start := time.Now()
			n, err := count(ctx, db.DB().QueryContext, q, far)
			cancel()
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("run %d, %.50s: stopped after %v", run, q, took)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("run %d, %.50s: %d rows, error %v; want the deadline's", run, q, n, err)
			}
			// The same connection, and a context that ends once its rows
			// are read: nothing is left interrupted.
			ctx, cancel = context.WithCancel(context.Background())
			if n, err := count(ctx, db.DB().QueryContext, rowByRow, 100_000); n != 2 || err != nil {
				t.Errorf("run %d: after an interruption, %d rows, error %v", run, n, err)
			}
			cancel()
			if n, err := count(context.Background(), db.DB().QueryContext, oneStep, 100_000); n != 1 || err != nil {
				t.Errorf("run %d: after a context ended late, %d rows, error %v", run, n, err)
			}
		}
	}
}

// count reads q's rows, answering how many and the first error.
func count[R interface {
	Next() bool
	Err() error
	Close() error
}](ctx context.Context, query func(context.Context, string, ...any) (R, error), q string, args ...any) (int, error) {
	rows, err := query(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}
