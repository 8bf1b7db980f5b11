// Package bulk writes many new rows with one INSERT per table and chunk,
// for the bulk supplier import (N3): going through PocketBase's record save
// costs one parsed statement, one validation and one hook chain per row,
// which is what made 10,000 rows take most of a minute.
//
// A Writer never runs record hooks: its callers derive what the hooks would
// have written (grants, access rows, audit, notifications) themselves, and
// tests compare both paths row for row.
package bulk

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// maxParams bounds the parameters of one statement. SQLite allows 32,766,
// but the driver (modernc.org/sqlite's conn.bind) finds each positional
// argument by scanning the argument list, which is quadratic per statement:
// at a thousand parameters binding cost as much as inserting. A few hundred
// keeps both the binding and the per-statement overhead small.
const maxParams = 300

// Writer queues rows, then writes them at Flush, table by table in the order
// each table was first used, and runs its after-commit work once the
// enclosing transaction has committed.
type Writer struct {
	order       []string
	rows        map[string][]map[string]any
	afterCommit []func()
}

// New returns an empty writer.
func New() *Writer { return &Writer{rows: map[string][]map[string]any{}} }

// Row queues one row of table.
func (w *Writer) Row(table string, row map[string]any) {
	if _, seen := w.rows[table]; !seen {
		w.order = append(w.order, table)
	}
	w.rows[table] = append(w.rows[table], row)
}

// Record queues a new record as its row, after giving it what a save would:
// an id, the autodate fields set on creation and, for auth records, a token
// key. The record is then marked as stored.
func (w *Writer) Record(r *core.Record) error {
	if r.Id == "" {
		r.Id = core.GenerateDefaultRandomId()
	}
	now := types.NowDateTime()
	for _, f := range r.Collection().Fields {
		if a, ok := f.(*core.AutodateField); ok && a.OnCreate && r.GetDateTime(a.Name).IsZero() {
			r.SetRaw(a.Name, now)
		}
	}
	if r.Collection().IsAuth() && r.TokenKey() == "" {
		r.RefreshTokenKey()
	}
	row, err := r.DBExport(nil)
	if err != nil {
		return fmt.Errorf("bulk: %s: %w", r.Collection().Name, err)
	}
	w.Row(r.Collection().Name, row)
	r.MarkAsNotNew()
	return nil
}

// AfterCommit runs fn once the transaction Flush wrote in has committed, and
// never if it rolls back (emails announce only what was stored).
func (w *Writer) AfterCommit(fn func()) { w.afterCommit = append(w.afterCommit, fn) }

// Len is the number of queued rows.
func (w *Writer) Len() int {
	n := 0
	for _, rows := range w.rows {
		n += len(rows)
	}
	return n
}

// Flush writes every queued row with app (a transaction) and empties the
// writer; on error nothing is registered to run after commit and the caller
// rolls back.
func (w *Writer) Flush(app core.App) error {
	for _, table := range w.order {
		if err := insert(app, table, w.rows[table]); err != nil {
			return err
		}
	}
	fns := w.afterCommit
	if len(fns) > 0 {
		run := func() {
			for _, fn := range fns {
				fn()
			}
		}
		if tx := app.TxInfo(); tx != nil {
			tx.OnComplete(func(txErr error) error {
				if txErr == nil {
					run()
				}
				return nil
			})
		} else {
			run()
		}
	}
	*w = *New()
	return nil
}

// insert writes rows, which share their columns, in as few statements as
// SQLite's parameter limit allows. Every full chunk reuses one prepared
// statement: parsing a multi-row INSERT (and dbx's placeholder rewriting)
// cost as much as a third of the write when each chunk built its own.
func insert(app core.App, table string, rows []map[string]any) error {
	if len(rows) == 0 {
		return nil
	}
	cols := make([]string, 0, len(rows[0]))
	for c := range rows[0] {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	perStatement := max(1, maxParams/len(cols))
	var full *dbx.Query
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(rows); start += perStatement {
		chunk := rows[start:min(start+perStatement, len(rows))]
		params := make(dbx.Params, len(chunk)*len(cols))
		for i, row := range chunk {
			if len(row) != len(cols) {
				return fmt.Errorf("bulk: %s: row %d has %d columns, not %d", table, start+i, len(row), len(cols))
			}
			for j, c := range cols {
				v, ok := row[c]
				if !ok {
					return fmt.Errorf("bulk: %s: row %d has no column %q", table, start+i, c)
				}
				params[placeholder(i*len(cols)+j)] = v
			}
		}
		q := full
		if len(chunk) < perStatement {
			q = app.DB().NewQuery(insertSQL(table, cols, len(chunk)))
		} else if q == nil {
			full = app.DB().NewQuery(insertSQL(table, cols, len(chunk))).Prepare()
			q = full
		}
		if _, err := q.Bind(params).Execute(); err != nil {
			return fmt.Errorf("bulk: unable to insert into %s: %w", table, err)
		}
	}
	return nil
}

// insertSQL is the INSERT of n rows of cols into table, its parameters
// named by placeholder in row order.
func insertSQL(table string, cols []string, n int) string {
	var sql strings.Builder
	// OR FAIL spares SQLite a statement journal per multi-row statement (a
	// copy of every page it touches): a failure fails the whole write, and
	// its caller rolls the transaction back anyway.
	sql.WriteString("INSERT OR FAIL INTO `" + table + "` (")
	for j, c := range cols {
		if j > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("`" + c + "`")
	}
	sql.WriteString(") VALUES ")
	for i := range n {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteByte('(')
		for j := range cols {
			if j > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("{:" + placeholder(i*len(cols)+j) + "}")
		}
		sql.WriteByte(')')
	}
	return sql.String()
}

func placeholder(n int) string { return "p" + strconv.Itoa(n) }
