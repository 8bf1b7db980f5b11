package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Access rows for specific documents are written once a supplier has
// addressed one to a customer (tenancy.HasAddressed): this index answers
// that question.
func init() {
	m.Register(func(app core.App) error {
		docs, err := app.FindCollectionByNameOrId("documents")
		if err != nil {
			return err
		}
		docs.AddIndex("idx_documents_addressee", false, "addressee, supplier", "addressee != ''")
		return app.Save(docs)
	}, nil)
}
