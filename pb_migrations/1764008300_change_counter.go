package pb_migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// countedTables are the tables whose rows decide a compliance summary:
// who is a supplier, who sees it, what is collected, what was delivered.
var countedTables = []string{"relationships", "grants", "requirements", "documents"}

// A counter every write to countedTables moves, kept by SQLite triggers so
// that no write path escapes it (bulk inserts, raw updates, the dashboard).
// The compliance summary of a 20,000-supplier customer reads 80,000 cells
// (0.7 s); it is computed again only when the counter has moved.
//
// The access overview reads an establishment's support grants: without the
// (establishment, source) index it walked all 47,000 grants of a large
// customer.
func init() {
	m.Register(func(app core.App) error {
		stmts := []string{
			"CREATE TABLE IF NOT EXISTS vigie_changes (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
			"INSERT OR IGNORE INTO vigie_changes (id, n) VALUES (1, 0)",
		}
		for _, table := range countedTables {
			for _, event := range []string{"INSERT", "UPDATE", "DELETE"} {
				stmts = append(stmts, "CREATE TRIGGER IF NOT EXISTS vigie_changes_"+table+"_"+strings.ToLower(event)+
					" AFTER "+event+" ON "+table+" BEGIN UPDATE vigie_changes SET n = n + 1 WHERE id = 1; END")
			}
		}
		for _, q := range stmts {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		grants, err := app.FindCollectionByNameOrId("grants")
		if err != nil {
			return err
		}
		grants.AddIndex("idx_grants_establishment_source", false, "establishment, source", "")
		return app.Save(grants)
	}, func(app core.App) error {
		var stmts []string
		for _, table := range countedTables {
			for _, event := range []string{"insert", "update", "delete"} {
				stmts = append(stmts, "DROP TRIGGER IF EXISTS vigie_changes_"+table+"_"+event)
			}
		}
		stmts = append(stmts, "DROP TABLE IF EXISTS vigie_changes")
		for _, q := range stmts {
			if _, err := app.DB().NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		grants, err := app.FindCollectionByNameOrId("grants")
		if err != nil {
			return err
		}
		grants.RemoveIndex("idx_grants_establishment_source")
		return app.Save(grants)
	})
}
