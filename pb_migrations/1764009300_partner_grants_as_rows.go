package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A partner grant (a member sees a relationship and the other side) lives
// as access rows only: every reader asks document_access, and the grants
// rows that repeated them cost the bulk import (N3) a row and six index
// entries per customer member and supplier. Deleting them is the whole
// change of derivation (the access rows stay as they were), so the
// derivation version stays and serve does not rebuild: on a large customer
// a rebuild holds the start for over half an hour.
//
// (user, relationship) served only those rows; (establishment) is the
// prefix of (establishment, source). The relationship column stays, empty:
// dropping it would rewrite the table for nothing.
func init() {
	m.Register(func(app core.App) error {
		if _, err := app.DB().NewQuery("DELETE FROM grants WHERE source = 'relationship'").Execute(); err != nil {
			return err
		}
		grants, err := app.FindCollectionByNameOrId("grants")
		if err != nil {
			return err
		}
		grants.RemoveIndex("idx_grants_user_relationship")
		grants.RemoveIndex("idx_grants_establishment")
		return app.Save(grants)
	}, nil)
}
