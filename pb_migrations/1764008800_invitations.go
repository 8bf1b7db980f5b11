package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Invitations (S9, S10): an existing user asked to join an establishment
// becomes a member only when it accepts. Until then the establishment's
// side knows nothing of the user but the address it typed; the invitee
// reads its own invitations (a plain column, no join), and the routes
// under /api/vigie/invitations/ accept or decline them.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments")
		if err != nil {
			return err
		}
		users, establishments := cols[0], cols[1]
		c := core.NewBaseCollection("invitations")
		c.Fields.Add(
			&core.RelationField{Name: "establishment", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			// Shown to the invitee, who cannot read the establishment yet.
			&core.TextField{Name: "establishmentName", Max: 300},
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.SelectField{Name: "profile", Required: true, MaxSelect: 1, Values: profileValues},
			&core.RelationField{Name: "collectorFor", CollectionId: establishments.Id, MaxSelect: 1},
			&core.RelationField{Name: "invitedBy", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "inviterName", Max: 300},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"pending", "accepted", "declined"}},
			&core.DateField{Name: "decidedAt"},
		)
		autodates(c)
		c.AddIndex("idx_invitations_user_status", false, "user, status", "")
		c.AddIndex("idx_invitations_establishment_user", false, "establishment, user", "")
		c.ListRule = rule("user = @request.auth.id")
		c.ViewRule = rule("user = @request.auth.id")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invitations")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}
