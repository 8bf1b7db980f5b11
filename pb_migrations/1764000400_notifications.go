package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// In-app notifications: written by the server, read and marked read by their user.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("notifications")
		c.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, Required: true, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "kind", Required: true, Max: 60},
			&core.TextField{Name: "title", Max: 300},
			&core.TextField{Name: "body", Max: 5000},
			&core.JSONField{Name: "data", MaxSize: 20000},
			&core.BoolField{Name: "read"},
		)
		autodates(c)
		c.AddIndex("idx_notifications_user_read", false, "user, read", "")

		own := "user = @request.auth.id"
		c.ListRule = rule(own)
		c.ViewRule = rule(own)
		c.CreateRule = nil
		c.UpdateRule = rule(own + " && @request.body.user:isset = false && @request.body.kind:isset = false" +
			" && @request.body.title:isset = false && @request.body.body:isset = false && @request.body.data:isset = false")
		c.DeleteRule = rule(own)
		return app.Save(c)
	}, nil)
}
