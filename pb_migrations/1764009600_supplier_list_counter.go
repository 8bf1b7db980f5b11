package pb_migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// listedTables are the tables whose rows decide a customer's list of
// suppliers (hooks/network/supplier_list.go): who is a supplier, who sees
// it (partner access follows relationships and the membership grants),
// and the names, SIRETs and cities it is searched and sorted by.
var listedTables = []string{"relationships", "grants", "establishments"}

// A second counter, row 2 of vigie_changes, that only writes to
// listedTables move: the list of a 20,000-supplier customer takes 90 ms to
// read again, and the first counter moves with every document uploaded
// anywhere. SQLite triggers, as for the first, so that no write escapes.
// The SQL is written out here, not shared with live code, so that what
// this migration did never changes.
func init() {
	m.Register(func(app core.App) error {
		stmts := []string{"INSERT OR IGNORE INTO vigie_changes (id, n) VALUES (2, 0)"}
		for _, table := range listedTables {
			for _, event := range []string{"INSERT", "UPDATE", "DELETE"} {
				stmts = append(stmts, "CREATE TRIGGER IF NOT EXISTS vigie_listed_"+table+"_"+strings.ToLower(event)+
					" AFTER "+event+" ON "+table+" BEGIN UPDATE vigie_changes SET n = n + 1 WHERE id = 2; END")
			}
		}
		return execAll(app, stmts)
	}, func(app core.App) error {
		stmts := []string{"DELETE FROM vigie_changes WHERE id = 2"}
		for _, table := range listedTables {
			for _, event := range []string{"insert", "update", "delete"} {
				stmts = append(stmts, "DROP TRIGGER IF EXISTS vigie_listed_"+table+"_"+event)
			}
		}
		return execAll(app, stmts)
	})
}

func execAll(app core.App, stmts []string) error {
	for _, q := range stmts {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			return err
		}
	}
	return nil
}
