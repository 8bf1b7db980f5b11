// Package planner keeps SQLite's statistics current for its query planner.
// Without them (PocketBase runs a plain PRAGMA optimize, which looks only at
// the tables its own connection queried), the planner guesses every index
// at the same size and may walk a million documents where one supplier's
// range would do.
package planner

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// AnalysisLimit bounds the index rows ANALYZE reads per index (SQLite's
// approximate analysis): PRAGMA optimize then takes about a second and a
// half on a million documents from nothing, instead of a full read of every
// index. stmtcache sets it on every connection, so PocketBase's own
// optimize runs are bounded too.
const AnalysisLimit = 1000

// optimize asks SQLite to analyse every table (0x10000: not only those the
// connection queried) whose statistics are missing or stale (0x02).
const optimize = "PRAGMA optimize = 0x10002"

// reload names a table created and dropped at once: the schema change makes
// every open connection reload the schema, and with it the statistics, which
// SQLite reads only then.
const reload = "_vigie_reload_statistics"

// Optimize brings the statistics up to date and makes every connection of
// app use them; it takes milliseconds when they were current.
func Optimize(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		db := tx.NonconcurrentDB()
		var before, after string
		const stats = "SELECT coalesce(group_concat(tbl || ' ' || idx || ' ' || stat, ';'), '') FROM (SELECT * FROM sqlite_stat1 ORDER BY 1, 2)"
		// sqlite_stat1 exists once anything was analysed.
		if err := db.NewQuery(stats).Row(&before); err != nil {
			before = ""
		}
		if _, err := db.NewQuery(optimize).Execute(); err != nil {
			return err
		}
		if err := db.NewQuery(stats).Row(&after); err != nil || after == before {
			return nil
		}
		if _, err := db.NewQuery("CREATE TABLE " + reload + " (x)").Execute(); err != nil {
			return err
		}
		_, err := db.NewQuery("DROP TABLE " + reload).Execute()
		return err
	})
}

// Analyze re-reads the statistics of tables whose rows were just rewritten
// in bulk (a rebuild of the access rows), which PRAGMA optimize would judge
// fresh until they grow tenfold, and makes every connection use them.
// Stale per-user row counts there make the planner scan a user's rows where
// a seek per kind would do (50 ms instead of 0.1 for a customer with 20,000
// suppliers).
func Analyze(app core.App, tables ...string) error {
	return app.RunInTransaction(func(tx core.App) error {
		db := tx.NonconcurrentDB()
		for _, t := range tables {
			if _, err := db.NewQuery("ANALYZE `" + t + "`").Execute(); err != nil {
				return err
			}
		}
		if _, err := db.NewQuery("CREATE TABLE " + reload + " (x)").Execute(); err != nil {
			return err
		}
		_, err := db.NewQuery("DROP TABLE " + reload).Execute()
		return err
	})
}

// Register runs Optimize when `serve` starts (not for a test's router),
// beside the first requests: they meanwhile plan with the statistics of
// before.
func Register(app core.App) {
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if se.Server != nil {
			go func() {
				start := time.Now()
				if err := Optimize(se.App); err != nil {
					se.App.Logger().Warn("planner: PRAGMA optimize failed", "error", err)
					return
				}
				se.App.Logger().Info("planner: statistics up to date", "took", time.Since(start).String())
			}()
		}
		return se.Next()
	})
}
