package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Access requests (T6): a member asks for a new user; the establishment's
// admins approve (the member is created) or refuse, by updating the status.
func init() {
	m.Register(func(app core.App) error {
		cols, err := find(app, "users", "establishments", "memberships")
		if err != nil {
			return err
		}
		users, establishments, memberships := cols[0], cols[1], cols[2]
		c := core.NewBaseCollection("access_requests")
		c.Fields.Add(
			&core.RelationField{Name: "establishment", CollectionId: establishments.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "requestedBy", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.EmailField{Name: "email", Required: true},
			&core.TextField{Name: "firstName", Max: 100},
			&core.TextField{Name: "lastName", Max: 100},
			&core.SelectField{Name: "profile", Required: true, MaxSelect: 1, Values: profileValues},
			&core.SelectField{Name: "status", MaxSelect: 1, Values: []string{"pending", "approved", "refused"}},
			&core.RelationField{Name: "decidedBy", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "decidedAt"},
			&core.RelationField{Name: "membership", CollectionId: memberships.Id, MaxSelect: 1},
		)
		autodates(c)
		c.AddIndex("idx_access_requests_establishment_status", false, "establishment, status", "")

		manager := callerHolds("g", "manage", "establishment")
		c.ListRule = rule("requestedBy = @request.auth.id || " + manager)
		c.ViewRule = rule("requestedBy = @request.auth.id || " + manager)
		c.CreateRule = rule("requestedBy = @request.auth.id && " + callerHolds("g", "member", "establishment"))
		c.UpdateRule = rule(manager + ` && status = "pending"`)
		c.DeleteRule = nil
		return app.Save(c)
	}, nil)
}
