package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The reminder run joins every due document to its supplier's active
// relationships (R1): with the customer and id in the index, each of the
// hundreds of thousands of probes at 5% of a million documents stays in
// the index instead of reading the relationship's row. The index it
// replaces, on supplier alone, is its prefix.
func init() {
	m.Register(func(app core.App) error {
		rel, err := app.FindCollectionByNameOrId("relationships")
		if err != nil {
			return err
		}
		rel.RemoveIndex("idx_relationships_supplier")
		rel.AddIndex("idx_relationships_supplier_status", false, "supplier, status, customer, id", "")
		return app.Save(rel)
	}, func(app core.App) error {
		rel, err := app.FindCollectionByNameOrId("relationships")
		if err != nil {
			return err
		}
		rel.RemoveIndex("idx_relationships_supplier_status")
		rel.AddIndex("idx_relationships_supplier", false, "supplier", "")
		return app.Save(rel)
	})
}
