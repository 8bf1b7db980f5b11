package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Application settings that are not per-deployment: the name shown in mails
// and the dashboard.
func init() {
	m.Register(func(app core.App) error {
		s := app.Settings()
		s.Meta.AppName = "Vigie"
		return app.Save(s)
	}, nil)
}
