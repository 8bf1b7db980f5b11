package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The pages list one supplier's documents newest first. Without this index
// a query without access checks (the operator's) walked the whole created
// index for one supplier's rows: 1.1 to 1.5 s at 1M documents.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		c.AddIndex("idx_documents_supplier_created", false, "supplier, created", "")
		return app.Save(c)
	}, nil)
}
