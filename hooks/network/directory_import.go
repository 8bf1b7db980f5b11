package network

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"vigie/internal/planner"
	"vigie/internal/sirene"
)

// ImportStats counts what an import did.
type ImportStats struct {
	Written int // rows read and upserted (unchanged rows included)
	Skipped int // malformed rows, reported and skipped
}

// importBatch is the number of rows written per transaction: large enough
// that commits and FTS segment writes cost little, small enough that
// progress shows and a killed import keeps most of its work. A variable for
// tests, which cross batch boundaries with a few rows.
var importBatch = 50_000

// stageChunk is the number of rows per multi-row INSERT: fewer statements
// than rows, but not many parameters a statement, because the modernc
// driver finds each parameter's argument by a linear scan (quadratic in the
// parameters: at 500 rows a statement binding took most of the import).
// Measured on 1,000,000 rows: 8, 16 and 32 within 6%, 16 the cheapest.
const stageChunk = 16

// batch is one transaction's worth of rows, read ahead by the CSV reader.
type batch struct {
	rows    []sirene.Establishment
	skipped int
	err     error
}

// ImportDirectory streams establishments into the directory, one transaction
// per batch. A malformed row goes to report and is skipped, never fatal;
// re-running an import updates rows rather than duplicating them, so a
// killed import is completed by running it again. progress is called after
// each committed batch.
//
// Each batch is one transaction that maintains the FTS index itself, with
// one bulk insert per batch instead of one trigger-fired flush per row (see
// writeBatch). Searches meanwhile see the directory and its index as of the
// last committed batch. The planner's statistics are brought up to date at
// the end (a first load multiplies the directory's size).
func ImportDirectory(app core.App, r *sirene.EstablishmentReader, report func(*sirene.RowError), progress func(ImportStats)) (ImportStats, error) {
	// The CSV is parsed on its own goroutine while the previous batch is
	// written: parsing is about a sixth of the work.
	batches := make(chan batch, 1)
	stop := make(chan struct{})
	defer func() {
		// Wait for the reader so that report is never called after return.
		close(stop)
		for range batches {
		}
	}()
	go readBatches(r, report, batches, stop)

	var stats ImportStats
	for b := range batches {
		if b.err != nil {
			return stats, b.err
		}
		if len(b.rows) > 0 {
			if err := app.RunInTransaction(func(tx core.App) error { return writeBatch(tx, b.rows) }); err != nil {
				return stats, err
			}
		}
		stats.Written += len(b.rows)
		stats.Skipped += b.skipped
		if progress != nil {
			progress(stats)
		}
	}
	if stats.Written > 0 {
		optimize(app)
	}
	return stats, nil
}

// optimize updates the planner's statistics after a bulk import; a failure
// costs query plans, not the import, and is logged.
func optimize(app core.App) {
	if err := planner.Optimize(app); err != nil {
		app.Logger().Warn("network: PRAGMA optimize after an import failed", "error", err)
	}
}

func readBatches(r *sirene.EstablishmentReader, report func(*sirene.RowError), out chan<- batch, stop <-chan struct{}) {
	defer close(out)
	for {
		b := batch{rows: make([]sirene.Establishment, 0, importBatch)}
		eof := false
		for len(b.rows) < importBatch {
			e, err := r.Next()
			if err == io.EOF {
				eof = true
				break
			}
			var rowErr *sirene.RowError
			if errors.As(err, &rowErr) {
				b.skipped++
				report(rowErr)
				continue
			}
			if err != nil {
				b.err = err
				eof = true
				break
			}
			b.rows = append(b.rows, e)
		}
		select {
		case out <- b:
		case <-stop:
			return
		}
		if eof {
			return
		}
	}
}

// stageTable holds a batch's rows that may already be in the directory,
// with the rowid and indexed name they have there (rid, prev).
const stageTable = `CREATE TEMP TABLE IF NOT EXISTS directory_stage (
	siret TEXT PRIMARY KEY NOT NULL, siren TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL,
	postalCode TEXT NOT NULL, city TEXT NOT NULL, naf TEXT NOT NULL, active INTEGER NOT NULL,
	rid INTEGER, prev TEXT)`

// upsertRows is upsertDirectory for many rows of values: an unchanged row is
// left alone (a re-import rewrites only what INSEE changed).
const upsertRows = ` ON CONFLICT (siret) DO UPDATE SET siren = excluded.siren, name = excluded.name,
	address = excluded.address, postalCode = excluded.postalCode, city = excluded.city,
	naf = excluded.naf, active = excluded.active
	WHERE directory.siren != excluded.siren OR directory.name != excluded.name
		OR directory.address != excluded.address OR directory.postalCode != excluded.postalCode
		OR directory.city != excluded.city OR directory.naf != excluded.naf
		OR directory.active != excluded.active`

// writeBatch applies rows to the directory and its FTS index in the caller's
// transaction.
//
// The directory's triggers are dropped at the start of the transaction and
// created again at its end: SQLite's DDL is transactional, so no other
// connection ever sees them missing and a crash rolls the drop back. Row by
// row, every trigger-fired FTS write flushed FTS5's pending index at the
// statement's savepoint (one tiny segment per row, then endless merging),
// and a trigger makes every multi-row INSERT keep a statement journal.
// (Triggers left in place behind a WHEN guard row cost 40% more CPU, twice
// the time under load, for those journals.) Each batch thus commits a
// schema change: a reader of directory_fts must hold a snapshot from before
// it opens the table (see readSnapshot), as statements inside a
// transaction that has already read do.
//
// Rows whose SIRET is above the directory's greatest cannot be there yet:
// they are inserted straight away (SIRENE files are sorted by SIRET, so this
// is every row of a first load). The others go through the staging table,
// which records the rowid and name each had, so that renamed rows leave the
// index under their old name. New rows get rowids above the previous
// maximum (SQLite allocates max(rowid)+1) and are indexed by one range
// insert; renamed rows by one insert from the staging table.
func writeBatch(tx core.App, rows []sirene.Establishment) (err error) {
	ex, err := executor(tx.DB())
	if err != nil {
		return err
	}
	exec := func(query string, args ...any) {
		if err == nil {
			_, err = ex.Exec(query, args...)
		}
	}
	triggers, err := directoryTriggers(ex)
	if err != nil {
		return err
	}
	// One max() a subquery: each is an index seek, both in one SELECT
	// would scan the table.
	var maxRowid sql.NullInt64
	var maxSiret sql.NullString
	if err := ex.QueryRow(`SELECT (SELECT max(rowid) FROM main.directory), (SELECT max(siret) FROM main.directory)`).
		Scan(&maxRowid, &maxSiret); err != nil {
		return err
	}
	var fresh, known []sirene.Establishment
	for i, e := range rows {
		if !maxSiret.Valid || e.SIRET > maxSiret.String {
			fresh = append(fresh, e)
		} else if known == nil {
			// Rarely anything but a re-import: copy only then.
			fresh = append(make([]sirene.Establishment, 0, len(rows)), rows[:i]...)
			known = []sirene.Establishment{e}
		} else {
			known = append(known, e)
		}
	}
	if known == nil {
		fresh = rows
	}

	for name := range triggers {
		exec(`DROP TRIGGER main.` + name)
	}
	if len(known) > 0 {
		exec(stageTable)
		exec(`DELETE FROM temp.directory_stage`)
		if err == nil {
			err = insertRows(ex, `INSERT OR REPLACE INTO temp.directory_stage`, known)
		}
		exec(`UPDATE temp.directory_stage SET (rid, prev) =
			(SELECT d.rowid, d.name FROM main.directory d WHERE d.siret = directory_stage.siret)`)
		// Renamed rows leave the index while the directory still holds the
		// indexed name (external-content FTS5 needs it to delete them).
		exec(`INSERT INTO directory_fts (directory_fts, rowid, name)
			SELECT 'delete', rid, prev FROM temp.directory_stage WHERE rid IS NOT NULL AND prev != name`)
		exec(`INSERT INTO directory (` + directoryColumns + `)
			SELECT ` + directoryColumns + ` FROM temp.directory_stage WHERE true` + upsertRows)
	}
	// OR IGNORE: none of these rows can be in the directory and repeats are
	// gone, and a statement that cannot abort needs no statement journal.
	if err == nil {
		err = insertRows(ex, `INSERT OR IGNORE INTO main.directory`, lastOfEach(fresh))
	}
	exec(`INSERT INTO directory_fts (rowid, name) SELECT rowid, name FROM main.directory WHERE rowid > ?`, maxRowid.Int64)
	if len(known) > 0 {
		exec(`INSERT INTO directory_fts (rowid, name)
			SELECT rid, name FROM temp.directory_stage WHERE rid IS NOT NULL AND prev != name`)
		exec(`DELETE FROM temp.directory_stage`)
	}
	for _, create := range triggers {
		exec(create)
	}
	return err
}

// directoryTriggers returns the directory table's triggers by name, with
// the statement that creates each.
func directoryTriggers(ex *sql.Tx) (map[string]string, error) {
	rows, err := ex.Query(`SELECT name, sql FROM main.sqlite_schema WHERE type = 'trigger' AND tbl_name = 'directory'`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	triggers := map[string]string{}
	for rows.Next() {
		var name, create string
		if err := rows.Scan(&name, &create); err != nil {
			return nil, err
		}
		triggers[`"`+strings.ReplaceAll(name, `"`, `""`)+`"`] = create
	}
	return triggers, rows.Err()
}

// lastOfEach keeps the last line of each SIRET, as successive upserts
// would. SIRENE files are sorted: strictly increasing SIRETs are checked
// first, without a map.
func lastOfEach(rows []sirene.Establishment) []sirene.Establishment {
	sorted := true
	for i := 1; i < len(rows) && sorted; i++ {
		sorted = rows[i-1].SIRET < rows[i].SIRET
	}
	if sorted {
		return rows
	}
	last := make(map[string]int, len(rows))
	for i, e := range rows {
		last[e.SIRET] = i
	}
	out := make([]sirene.Establishment, 0, len(last))
	for i, e := range rows {
		if last[e.SIRET] == i {
			out = append(out, e)
		}
	}
	return out
}

// insertRows runs "insert (directoryColumns) VALUES (...), ..." for rows,
// stageChunk rows a statement.
func insertRows(ex *sql.Tx, insert string, rows []sirene.Establishment) error {
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, stageChunk*8)
	for start := 0; start < len(rows); start += stageChunk {
		chunk := rows[start:min(start+stageChunk, len(rows))]
		args = args[:0]
		for _, e := range chunk {
			active := 0
			if e.Active {
				active = 1
			}
			args = append(args, e.SIRET, e.SIREN, e.Name, e.Address, e.PostalCode, e.City, e.NAF, active)
		}
		var err error
		if len(chunk) == stageChunk {
			if full == nil {
				if full, err = ex.Prepare(valuesInsert(insert, stageChunk)); err != nil {
					return err
				}
			}
			_, err = full.Exec(args...)
		} else {
			_, err = ex.Exec(valuesInsert(insert, len(chunk)), args...)
		}
		if err != nil {
			return fmt.Errorf("network: writing directory rows: %w", err)
		}
	}
	return nil
}

func valuesInsert(insert string, n int) string {
	var b strings.Builder
	b.WriteString(insert + ` (` + directoryColumns + `) VALUES `)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

// executor returns the database/sql transaction under a PocketBase
// transaction's builder: positional arguments to a prepared statement, with
// none of dbx's per-call parameter maps, for hundreds of thousands of rows.
func executor(b dbx.Builder) (*sql.Tx, error) {
	if tx, ok := b.(*dbx.Tx); ok {
		if ex, ok := tx.Builder.(interface{ Executor() dbx.Executor }); ok {
			if sqlTx, ok := ex.Executor().(*sql.Tx); ok {
				return sqlTx, nil
			}
		}
	}
	return nil, errors.New("network: the directory import must run in a transaction")
}
