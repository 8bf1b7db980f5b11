package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A session lasts at most 12 hours (OWASP ASVS 3.3.2): tokens live 12 hours
// instead of PocketBase's 7 days, and hooks/security refuses to refresh one
// whose full sign-in is older than that.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AuthToken.Duration = 12 * 60 * 60
		return app.Save(users)
	}, nil)
}
