package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A relationship keeps the address its customer typed for a contact who is
// invited rather than attached (S9, S10): the customer's list shows who was
// asked until the contact accepts and becomes the reference contact. It is
// the typed address only, nothing of the account behind it.
func init() {
	m.Register(func(app core.App) error {
		rels, err := app.FindCollectionByNameOrId("relationships")
		if err != nil {
			return err
		}
		rels.Fields.Add(&core.TextField{Name: "invitedContact", Max: 255})
		return app.Save(rels)
	}, nil)
}
