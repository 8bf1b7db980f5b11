package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The compliance overview pages a large customer's suppliers by name: with
// this index SQLite walks establishments in that order and probes each for
// an active relationship, stopping after the page, instead of sorting all
// 20,000 suppliers (hooks/documents, compliance_walk.go).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("establishments")
		if err != nil {
			return err
		}
		c.AddIndex("idx_establishments_name", false, "name, id", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("establishments")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_establishments_name")
		return app.Save(c)
	})
}
