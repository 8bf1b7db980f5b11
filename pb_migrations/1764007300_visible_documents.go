package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"vigie/internal/audience"
)

// The documents list reads the documents a user sees from a view shaped for
// SQLite (internal/audience, view.go; hooks/documents, list.go) instead of
// the rule PocketBase compiles: same meaning, a fraction of the cost at 1M
// documents (issue 9). Not a collection: it has no API of its own.
func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(audience.ViewSQL("documents", "document_access")).Execute()
		return err
	}, func(app core.App) error {
		_, err := app.DB().NewQuery("DROP VIEW IF EXISTS `" + audience.View + "`").Execute()
		return err
	})
}
