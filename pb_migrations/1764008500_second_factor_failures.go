package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A user's wrong second-factor codes of the last hour, whatever the address
// or the challenge they came with (S11): the times of the failures, kept by
// one conditional UPDATE per attempt (hooks/security, secondfactor.go).
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("totp_secrets")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.JSONField{Name: "failedAt", MaxSize: 2000, Hidden: true})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("totp_secrets")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("failedAt")
		return app.Save(c)
	})
}
