package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The password lockout asks, for an account under attack, whether it ever
// signed in from an address (hooks/security, lockout.go): one index probe
// instead of a scan of every sign-in.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("audit_log")
		if err != nil {
			return err
		}
		c.AddIndex("idx_audit_log_actor_action_ip", false, "actor, action, ip", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("audit_log")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_audit_log_actor_action_ip")
		return app.Save(c)
	})
}
