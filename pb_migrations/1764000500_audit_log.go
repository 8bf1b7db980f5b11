package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The audit log (S6): append-only, written by the server alone, read by the
// establishment's admins. Actor and establishment are plain ids, not relations,
// so that deleting a user or an establishment never rewrites history.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("audit_log")
		c.Fields.Add(
			&core.TextField{Name: "actor", Max: 40},
			&core.TextField{Name: "actorEmail", Max: 255},
			&core.TextField{Name: "action", Required: true, Max: 60},
			&core.TextField{Name: "establishment", Max: 40},
			&core.TextField{Name: "collection", Max: 60},
			&core.TextField{Name: "recordId", Max: 40},
			&core.TextField{Name: "ip", Max: 64},
			&core.JSONField{Name: "data", MaxSize: 20000},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		c.AddIndex("idx_audit_log_establishment_created", false, "establishment, created", "")
		c.AddIndex("idx_audit_log_action", false, "action", "")

		admins := callerHolds("g", "manage", "establishment")
		c.ListRule = rule(admins)
		c.ViewRule = rule(admins)
		c.CreateRule = nil
		c.UpdateRule = nil
		c.DeleteRule = nil
		return app.Save(c)
	}, nil)
}
